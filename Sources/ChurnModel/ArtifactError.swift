/// Why a model artifact was refused. `code` is stable for scripts; `message` says what to do.
public struct ArtifactError: Error, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable {
        case invalidJSON = "invalid_json"
        case wrongFormat = "wrong_format"
        case unsupportedVersion = "unsupported_version"
        case checksumMismatch = "checksum_mismatch"
        case specMismatch = "spec_mismatch"
        case invalidModel = "invalid_model"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "model artifact \(code.rawValue): \(message)" }
}
