/// Renders GitHub-flavoured markdown tables for the training report.
public enum MarkdownTable {
    /// Renders `header` and `rows` as a markdown table terminated by a newline.
    ///
    /// The column count is the widest of the header and all rows; short rows are padded with empty cells so
    /// the table never breaks. `|` in cells is escaped and line breaks become spaces (a cell must stay on one
    /// line). Columns are space-padded so the source is readable, and columns in `alignRight` get `---:`.
    /// Returns an empty string when there is neither a header nor a row.
    public static func render(header: [String], rows: [[String]], alignRight: Set<Int> = []) -> String {
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        guard columns > 0 else { return "" }
        func normalize(_ row: [String]) -> [String] {
            (row + Array(repeating: "", count: columns - row.count)).map(escape)
        }
        let head = normalize(header), body = rows.map(normalize)
        let widths = (0..<columns).map { c in max(3, ([head] + body).map { $0[c].count }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { c, cell in
                let fill = String(repeating: " ", count: widths[c] - cell.count)
                return alignRight.contains(c) ? fill + cell : cell + fill
            }
            return "| " + padded.joined(separator: " | ") + " |"
        }
        let rule = (0..<columns).map { c in
            alignRight.contains(c) ? String(repeating: "-", count: widths[c] - 1) + ":"
                                   : String(repeating: "-", count: widths[c])
        }
        let separator = "| " + rule.joined(separator: " | ") + " |"
        return ([line(head), separator] + body.map(line)).joined(separator: "\n") + "\n"
    }

    /// Escapes the column delimiter and flattens line breaks.
    static func escape(_ cell: String) -> String {
        var out = ""
        for ch in cell {
            switch ch {
            case "|": out += "\\|"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }
}
