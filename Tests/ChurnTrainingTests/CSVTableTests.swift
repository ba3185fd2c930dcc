import Testing
@testable import ChurnTraining

@Suite struct CSVTableTests {
    private func table(_ text: String, _ separator: Character = ",") throws -> CSVTable {
        try CSVTable(file: "t.csv", text: text, separator: separator)
    }

    /// The error for `text`, or nil when it parses.
    private func error(_ text: String, _ separator: Character = ",") -> TableError? {
        do {
            _ = try CSVTable(file: "t.csv", text: text, separator: separator)
            return nil
        } catch {
            return error
        }
    }

    @Test func plainRowsKeepLineNumbers() throws {
        let t = try table("a,b,c\n1,2,3\n4,,6\n")
        #expect(t.file == "t.csv")
        #expect(t.header == ["a", "b", "c"])
        #expect(t.rows.map(\.line) == [2, 3])
        #expect(t.rows.map(\.fields) == [["1", "2", "3"], ["4", "", "6"]])
        #expect(try t.column("c") == 2)
    }

    @Test func lastLineWithoutNewline() throws {
        let t = try table("a,b\n1,2\n3,4")
        #expect(t.rows.map(\.fields) == [["1", "2"], ["3", "4"]])
    }

    @Test func quotedFields() throws {
        let t = try table("a,b,c,d\n\"x,y\",\"he said \"\"hi\"\"\",\"\",plain\n")
        #expect(t.rows.count == 1)
        #expect(t.rows[0].fields == ["x,y", "he said \"hi\"", "", "plain"])
    }

    @Test func quotedHeaderAndSemicolonSeparator() throws {
        let t = try table("\"id\";\"Прибыль\"\n215348;\"0,98\"\n", ";")
        #expect(t.header == ["id", "Прибыль"])
        #expect(t.rows[0].fields == ["215348", "0,98"])
    }

    @Test func crlfLineEndings() throws {
        let t = try table("a,b\r\n1,2\r\n3,4\r\n")
        #expect(t.header == ["a", "b"])
        #expect(t.rows.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(t.rows.map(\.line) == [2, 3])
    }

    @Test func byteOrderMarkIsDropped() throws {
        let t = try table("\u{FEFF}id,x\n1,2\n")
        #expect(t.header == ["id", "x"])
        #expect(try t.column("id") == 0)
    }

    @Test func byteOrderMarkBeforeQuotedHeader() throws {
        let t = try table("\u{FEFF}\"id\",\"x\"\n1,2\n")
        #expect(t.header == ["id", "x"])
    }

    @Test(arguments: ["", "\n"])
    func emptyFile(text: String) throws {
        let e = try #require(error(text))
        #expect(e.code == .badRow)
        #expect(e.line == 1)
        #expect(e.file == "t.csv")
    }

    @Test(arguments: [("a,b\n1,2\n3\n", 3), ("a,b\n1,2,3\n", 2), ("a,b\n1,2\n3,4\n5,6,7,8\n", 4)])
    func wrongFieldCount(text: String, line: Int) throws {
        let e = try #require(error(text))
        #expect(e.code == .badRow)
        #expect(e.line == line)
    }

    @Test func emptyLineInsideTable() throws {
        let e = try #require(error("a,b\n1,2\n\n3,4\n"))
        #expect(e.code == .badRow)
        #expect(e.line == 3)
    }

    @Test func semicolonFileReadWithComma() throws {
        // The header has one field, the decimal comma splits the row in two.
        let e = try #require(error("id;Прибыль\n215348;0,98\n"))
        #expect(e.code == .badRow)
        #expect(e.line == 2)
        #expect(e.message.contains("«,»"))
    }

    @Test func commaFileReadWithSemicolonHasNoColumns() throws {
        let t = try table("id,Прибыль\n215348,4\n", ";")
        #expect(t.header == ["id,Прибыль"])
        do {
            _ = try t.column("id")
            Issue.record("expected a missing column")
        } catch {
            #expect(error.code == .missingColumn)
            #expect(error.column == "id")
            #expect(error.line == 1)
        }
    }

    @Test(arguments: [("a,b\n\"x,1\n", 2), ("\"a,b\n1,2\n", 1), ("a,b\n1,2\n3,\"4\"\"\n", 3)])
    func unterminatedQuote(text: String, line: Int) throws {
        let e = try #require(error(text))
        #expect(e.code == .badRow)
        #expect(e.line == line)
        #expect(e.message.contains("unterminated"))
    }
}
