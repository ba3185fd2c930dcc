/// An input message the worker could not use: it goes to the dead-letter topic with its
/// original bytes and the reason, and is counted; the worker carries on.
public struct Rejection: Sendable, Equatable {
    /// Reason code: an ``EventError/Reason`` raw value, `late` or `key_mismatch`.
    public var reason: String
    public var message: String
    public var offset: Int64
    /// The message value exactly as received (empty for a null value).
    public var value: [UInt8]
    public var key: [UInt8]?

    public init(reason: String, message: String, offset: Int64, value: [UInt8], key: [UInt8]?) {
        self.reason = reason
        self.message = message
        self.offset = offset
        self.value = value
        self.key = key
    }

    /// Reasons the worker adds to the parser's.
    public static let late = "late"
    public static let keyMismatch = "key_mismatch"
}
