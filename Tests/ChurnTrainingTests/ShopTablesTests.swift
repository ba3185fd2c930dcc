import Foundation
import Testing
@testable import ChurnTraining

@Suite struct ShopTablesTests {
    typealias F = TableFixtures
    static let market = ShopTables.marketFile, money = ShopTables.moneyFile
    static let time = ShopTables.timeFile, profit = ShopTables.profitFile

    /// Asserts that `texts` fail with `code` in `file` at `line` / `column`.
    private func expectError(_ texts: [String: String], _ code: TableError.Code, file: String,
                             line: Int?, column: String?, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let e = try #require(F.parseError(texts), sourceLocation: sourceLocation)
        #expect(e.code == code, "\(e)", sourceLocation: sourceLocation)
        #expect(e.file == file, "\(e)", sourceLocation: sourceLocation)
        #expect(e.line == line, "\(e)", sourceLocation: sourceLocation)
        #expect(e.column == column, "\(e)", sourceLocation: sourceLocation)
    }

    @Test func validFixtureParses() throws {
        let t = try F.tables()
        #expect(t.market.map(\.id) == [103, 108, 101, 102, 104, 105, 107, 106])
        #expect(t.market.map(\.line) == Array(2...9))
        let m103 = try #require(t.market.first { $0.id == 103 })
        #expect(m103.serviceType == "стандартт")
        #expect(m103.activity == ShopTables.dropped)
        #expect(m103.popularCategory == "Кухонная посуда")
        #expect(m103.tenureDays == 539 && m103.promoShare == 0.14 && m103.pagesPerVisit == 5)
        #expect(Set(t.revenue.keys) == Set(F.ids) && t.revenue.values.allSatisfy { $0.count == 3 })
        #expect(t.revenue[108]?["текущий_месяц"] == 99999.0)
        #expect(t.minutes[103] == ["текущий_месяц": 10, "предыдцщий_месяц": 12])
        #expect(t.minutes[102] == ["текущий_месяц": 9, "предыдущий_месяц": 11])
        #expect(t.profit[101] == 0.98)
        #expect(t.profit[102] == 5)
        #expect(t.profit.count == 8)
    }

    /// Public copies of the tables exist with CRLF line endings; they must read the same.
    @Test func crlfTablesParseLikeLF() throws {
        let crlf = F.texts.mapValues { $0.replacingOccurrences(of: "\n", with: "\r\n") }
        let (a, b) = (try F.tables(), try ShopTables.parse(texts: crlf))
        #expect(b.market == a.market)
        #expect(b.revenue == a.revenue && b.minutes == a.minutes && b.profit == a.profit)
    }

    @Test(arguments: [(market, "Ошибка_сервиса"), (market, "id"), (market, "Покупательская активность"),
                      (money, "Выручка"), (money, "Период"), (time, "минут"), (profit, "Прибыль")])
    func missingColumn(file: String, column: String) throws {
        try expectError(F.droppingColumn(column, from: file), .missingColumn, file: file, line: 1, column: column)
    }

    @Test(arguments: [
        ("Длительность", "abc"), ("Маркет_актив_6_мес", ""), ("Акционные_покупки", "\"0,14\""),
        ("Страниц_за_визит", "nan"), ("id", "10x3"),
    ])
    func badNumberInMarket(column: String, value: String) throws {
        let texts = F.settingField(Self.market, row: "103,", column: column, to: value)
        try expectError(texts, .badNumber, file: Self.market, line: 2, column: column)
    }

    @Test func badNumberInPeriodTables() throws {
        let line = F.lineNumber(Self.money, startingWith: "101,текущий_месяц")
        try expectError(F.replacingLine(Self.money, startingWith: "101,текущий_месяц", with: "101,текущий_месяц,\"5022,4\""),
                        .badNumber, file: Self.money, line: line, column: "Выручка")
        let tline = F.lineNumber(Self.time, startingWith: "104,текущий_месяц")
        try expectError(F.replacingLine(Self.time, startingWith: "104,текущий_месяц", with: "104,текущий_месяц,много"),
                        .badNumber, file: Self.time, line: tline, column: "минут")
    }

    /// money.csv has a decimal comma; a second comma or a thousands dot is not a number.
    @Test(arguments: ["4,1,6", "1.234,5", "4,16 руб", ","])
    func badNumberInProfit(value: String) throws {
        let texts = F.replacingLine(Self.profit, startingWith: "104;", with: "104;\(value)")
        try expectError(texts, .badNumber, file: Self.profit, line: F.lineNumber(Self.profit, startingWith: "104;"),
                        column: "Прибыль")
    }

    @Test(arguments: [
        (money, "102,текущий_месяц", "102,прошлый_месяц,4826.0"),
        (money, "102,предыдущий_месяц", "102,предыдцщий_месяц,5457.5"),  // the typo is only allowed in market_time
        (time, "105,текущий_месяц", "105,препредыдущий_месяц,7"),        // market_time has two periods
        (time, "105,текущий_месяц", "105,Текущий_месяц,7"),
    ])
    func unknownPeriod(file: String, prefix: String, replacement: String) throws {
        try expectError(F.replacingLine(file, startingWith: prefix, with: replacement), .unknownPeriod, file: file,
                        line: F.lineNumber(file, startingWith: prefix), column: "Период")
    }

    @Test(arguments: [
        ("Популярная_категория", "Косметика и аксессуары"), ("Покупательская активность", "Выросла"),
        ("Тип сервиса", "эконом"), ("Тип сервиса", "Стандарт"), ("Разрешить сообщать", "может быть"),
    ])
    func badValue(column: String, value: String) throws {
        let texts = F.settingField(Self.market, row: "104,", column: column, to: value)
        try expectError(texts, .badValue, file: Self.market, line: F.lineNumber(Self.market, startingWith: "104,"),
                        column: column)
    }

    @Test func duplicateIds() throws {
        // The second occurrence is reported.
        try expectError(F.appending("101,Снизилась,премиум,да,3.4,5,121,0.95,Товары для детей,6,2,1,5", to: Self.market),
                        .duplicate, file: Self.market, line: 10, column: "id")
        try expectError(F.appending("101;1,5", to: Self.profit), .duplicate, file: Self.profit, line: 10, column: "id")
        try expectError(F.appending("106,текущий_месяц,1.0", to: Self.money), .duplicate, file: Self.money, line: 26,
                        column: "Период")
        // 102 spells the previous month correctly; the typo'd spelling is the same period.
        try expectError(F.appending("102,предыдцщий_месяц,3", to: Self.time), .duplicate, file: Self.time, line: 18,
                        column: "Период")
    }

    @Test func idMissingFromAPeriodTable() throws {
        try expectError(F.droppingLines(startingWith: "104,", from: Self.money), .missingId, file: Self.money,
                        line: nil, column: nil)
        // One of two minute rows missing is still a missing id.
        try expectError(F.droppingLines(startingWith: "107,текущий", from: Self.time), .missingId, file: Self.time,
                        line: nil, column: nil)
        let e = try #require(F.parseError(F.droppingLines(startingWith: "104,", from: Self.money)))
        #expect(e.message.contains("104"))
    }

    @Test func idMissingFromProfit() throws {
        try expectError(F.droppingLines(startingWith: "106;", from: Self.profit), .missingId, file: Self.profit,
                        line: nil, column: nil)
    }

    @Test func idMissingFromMarketFile() throws {
        // A client every other table has, but market_file does not.
        let noMarket = F.droppingLines(startingWith: "104,", from: Self.market)
        try expectError(noMarket, .missingId, file: Self.market, line: nil, column: nil)
        let e = try #require(F.parseError(noMarket))
        #expect(e.message.contains("104"))
        // Only money.csv names an extra client.
        try expectError(F.appending("999;1,0", to: Self.profit), .missingId, file: Self.market, line: nil, column: nil)
        try expectError(F.appending("999,текущий_месяц,3", "999,предыдцщий_месяц,4", to: Self.time),
                        .missingId, file: Self.market, line: nil, column: nil)
    }

    @Test func missingFile() throws {
        var texts = F.texts
        texts[Self.time] = nil
        try expectError(texts, .unreadable, file: Self.time, line: nil, column: nil)
    }

    @Test func descriptionNamesFileLineAndColumn() throws {
        let texts = F.settingField(Self.market, row: "101,", column: "Длительность", to: "много")
        let e = try #require(F.parseError(texts))
        #expect(e.description.hasPrefix("market_file.csv:4 column «Длительность»: bad_number:"))
        #expect(e.description.contains("«много»"))
        let m = try #require(F.parseError(F.droppingLines(startingWith: "104,", from: Self.money)))
        #expect(m.description.hasPrefix("market_money.csv: missing_id:"))
    }
}
