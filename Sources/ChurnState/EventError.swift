/// Why an event was refused. The reason code goes into metrics and the dead-letter headers.
public struct EventError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Reason: String, Sendable, CaseIterable {
        /// Not a JSON object (syntax error, truncated, empty, not UTF-8).
        case badJSON = "bad_json"
        /// `schema` is not `client-event/v1`.
        case unknownSchema = "unknown_schema"
        /// `type` is not one of the event types.
        case unknownType = "unknown_type"
        /// A required field is absent.
        case missingField = "missing_field"
        /// A field has the wrong JSON type.
        case badType = "bad_type"
        /// A field has the right type but an impossible value (negative minutes, bad date, …).
        case badValue = "bad_value"
        /// A purchase category that is not one of the shop's six.
        case unknownCategory = "unknown_category"
        /// A known field appears twice.
        case duplicateField = "duplicate_field"
        /// The message exceeds the size limit.
        case tooLarge = "too_large"
    }

    public let reason: Reason
    /// The field concerned, when there is one.
    public let field: String?
    public let message: String

    public init(_ reason: Reason, field: String? = nil, _ message: String) {
        self.reason = reason
        self.field = field
        self.message = message
    }

    public var description: String {
        "\(reason.rawValue)\(field.map { " (\($0))" } ?? ""): \(message)"
    }
}
