/// A problem in one of the shop's tables: which file, where, and what to do about it.
public struct TableError: Error, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable {
        case unreadable
        case missingColumn = "missing_column"
        case badRow = "bad_row"
        case badNumber = "bad_number"
        case badValue = "bad_value"
        case unknownPeriod = "unknown_period"
        case duplicate
        case missingId = "missing_id"
    }

    public let code: Code
    public let file: String
    /// 1-based line number (the header is line 1); nil when the problem is not on one line.
    public let line: Int?
    public let column: String?
    public let message: String

    public init(_ code: Code, file: String, line: Int? = nil, column: String? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += " column «\(column)»" }
        return "\(place): \(code.rawValue): \(message)"
    }
}
