/// A delimited text table read as strings, keeping line numbers for error messages.
///
/// Handles the shop's files as shipped: UTF-8, `,` or `;`, LF or CRLF, optional double quotes.
public struct CSVTable: Sendable {
    public let file: String
    public let header: [String]
    /// Data rows with their 1-based line numbers.
    public let rows: [(line: Int, fields: [String])]

    /// Parses `text`; every row must have as many fields as the header.
    public init(file: String, text: String, separator: Character) throws(TableError) {
        self.file = file
        // "\r\n" is one Character in Swift, so CRLF needs its own separator case.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard var first = lines.first, !first.isEmpty else {
            throw TableError(.badRow, file: file, line: 1, "the file is empty; expected a header line")
        }
        // A byte-order mark goes before the header is split, so a quoted first field stays quoted.
        if first.first == "\u{FEFF}" { first = first.dropFirst() }
        let head = try Self.fields(first, separator: separator, file: file, line: 1)
        header = head
        var parsed: [(Int, [String])] = []
        parsed.reserveCapacity(lines.count)
        for (i, line) in lines.enumerated().dropFirst() {
            let number = i + 1
            if line.isEmpty {
                throw TableError(.badRow, file: file, line: number, "empty line inside the table")
            }
            let f = try Self.fields(line, separator: separator, file: file, line: number)
            guard f.count == head.count else {
                throw TableError(.badRow, file: file, line: number,
                                 "\(f.count) fields, the header has \(head.count) (is the separator «\(separator)»?)")
            }
            parsed.append((number, f))
        }
        rows = parsed
    }

    /// Position of `name` in the header, or a missing-column error.
    public func column(_ name: String) throws(TableError) -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw TableError(.missingColumn, file: file, line: 1, column: name,
                             "column is missing; the header has \(header.map { "«\($0)»" }.joined(separator: ", "))")
        }
        return i
    }

    private static func fields(_ line: Substring, separator: Character, file: String, line number: Int) throws(TableError) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        var pendingQuote = false
        while let ch = iterator.next() {
            if quoted {
                if pendingQuote {
                    pendingQuote = false
                    if ch == "\"" { current.append("\""); continue }
                    quoted = false
                } else if ch == "\"" {
                    pendingQuote = true
                    continue
                } else {
                    current.append(ch)
                    continue
                }
            }
            if ch == separator {
                out.append(current)
                current = ""
            } else if ch == "\"" && current.isEmpty {
                quoted = true
            } else {
                current.append(ch)
            }
        }
        if quoted && !pendingQuote {
            throw TableError(.badRow, file: file, line: number, "unterminated quoted field")
        }
        out.append(current)
        return out
    }
}
