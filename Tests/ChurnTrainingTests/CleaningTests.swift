import ChurnModel
import Testing
@testable import ChurnTraining

@Suite struct CleaningTests {
    typealias F = TableFixtures
    typealias I = FeatureSpec.Index

    private func clean(_ texts: [String: String] = F.texts, dropInactive: Bool = true) throws -> Cleaning.Result {
        Cleaning.clean(try ShopTables.parse(texts: texts), dropInactive: dropInactive)
    }

    private func count(_ r: Cleaning.Result, _ step: String) throws -> Int {
        try #require(r.log.first { $0.step == step }, "no step \(step)").count
    }

    private func client(_ r: Cleaning.Result, _ id: Int) throws -> ClientRecord {
        try #require(r.clients.first { $0.id == id }, "no client \(id)")
    }

    @Test func logCountsForTheFixture() throws {
        let r = try clean()
        #expect(r.log.map(\.step) == ["fix_service_type_typo", "fix_period_typo", "rename_columns",
                                      "replace_revenue_outliers", "drop_zero_revenue_clients", "derive_promo_level",
                                      "report_duplicates_except_id", "result"])
        #expect(r.log.map(\.count) == [1, 7, 17, 1, 1, 2, 1, 7])
    }

    @Test func serviceTypeTypoFixed() throws {
        let r = try clean()
        #expect(try client(r, F.typoId).features[I.serviceType] == 1)  // «стандарт»
        #expect(try client(r, 101).features[I.serviceType] == 0)       // «премиум»
        // A second typo is counted too.
        let two = F.settingField(ShopTables.marketFile, row: "104,", column: "Тип сервиса", to: "стандартт")
        #expect(try count(try clean(two), "fix_service_type_typo") == 2)
    }

    @Test func periodTypoFixed() throws {
        let r = try clean()
        // 103 has «предыдцщий_месяц» = 12, 102 spells it correctly (11).
        #expect(try client(r, 103).features[I.minutesPrevious] == 12)
        #expect(try client(r, 103).features[I.minutesCurrent] == 10)
        #expect(try client(r, 102).features[I.minutesPrevious] == 11)
        #expect(r.clients.allSatisfy { $0.features[I.minutesPrevious] > 0 })
    }

    @Test func revenueOutlierReplacedByPeriodMean() throws {
        let tables = try F.tables()
        let others = F.ids.filter { $0 != F.outlierId }.map { tables.revenue[$0]!["текущий_месяц"]! }
        let expected = others.reduce(0, +) / Double(others.count)
        #expect(abs(expected - 4930.514285714286) < 1e-9)
        let r = try clean()
        let x = try client(r, F.outlierId).features
        #expect(abs(x[I.revenueCurrent] - expected) < 1e-9)
        // The client's other months and every other client's revenue are untouched.
        #expect(x[I.revenueBeforePrevious] == 4826.0 && x[I.revenuePrevious] == 5058.5)
        #expect(try client(r, 104).features[I.revenueCurrent] == 5800.5)
        let detail = try #require(r.log.first { $0.step == "replace_revenue_outliers" }).detail
        #expect(detail.contains("client 108 текущий_месяц"))
    }

    @Test func noOutlierWhenRevenueIsPlausible() throws {
        let texts = F.replacingLine(ShopTables.moneyFile, startingWith: "108,текущий_месяц", with: "108,текущий_месяц,7799.4")
        let r = try clean(texts)
        #expect(try count(r, "replace_revenue_outliers") == 0)
        #expect(try client(r, F.outlierId).features[I.revenueCurrent] == 7799.4)
    }

    @Test func zeroRevenueClientsDropped() throws {
        let r = try clean()
        #expect(r.clients.map(\.id) == [101, 102, 103, 104, 106, 107, 108])
        #expect(try count(r, "drop_zero_revenue_clients") == 1)
        let kept = try clean(dropInactive: false)
        #expect(kept.clients.map(\.id) == F.ids)
        #expect(try count(kept, "drop_zero_revenue_clients") == 1)
        #expect(try count(kept, "result") == 8)
        let x = try client(kept, F.inactiveId).features
        #expect(x[I.revenueBeforePrevious] == 0 && x[I.revenuePrevious] == 0 && x[I.revenueCurrent] == 3293.1)
    }

    @Test func promoLevelCutAtHalf() throws {
        let r = try clean()
        #expect(try client(r, 101).features[I.promoLevel] == 1)  // 0.95
        #expect(try client(r, 108).features[I.promoLevel] == 1)  // 0.81
        #expect(try client(r, 102).features[I.promoLevel] == 0)  // exactly 0.5
        #expect(try client(r, 103).features[I.promoLevel] == 0)  // 0.14
        // The logged count is the number of high clients in the output (105, 0.9, is dropped).
        #expect(try count(r, "derive_promo_level") == r.clients.filter { $0.features[I.promoLevel] == 1 }.count)
        #expect(try count(try clean(dropInactive: false), "derive_promo_level") == 3)
    }

    @Test func duplicatesExceptIdCounted() throws {
        let r = try clean()
        #expect(try count(r, "report_duplicates_except_id") == 1)
        #expect(r.clients.contains { $0.id == 106 } && r.clients.contains { $0.id == 107 })  // kept
        // A different revenue, minute count or market value breaks the pair.
        let revenue = F.replacingLine(ShopTables.moneyFile, startingWith: "107,текущий", with: "107,текущий_месяц,5300.1")
        #expect(try count(try clean(revenue), "report_duplicates_except_id") == 0)
        let minutes = F.replacingLine(ShopTables.timeFile, startingWith: "107,текущий", with: "107,текущий_месяц,16")
        #expect(try count(try clean(minutes), "report_duplicates_except_id") == 0)
        let market = F.settingField(ShopTables.marketFile, row: "107,", column: "Ошибка_сервиса", to: "3")
        #expect(try count(try clean(market), "report_duplicates_except_id") == 0)
        // A third copy makes two pairs.
        let third = F.appending("109,Прежний уровень,стандарт,да,4.0,3,900,0.3,Домашний текстиль,2,1,2,14",
                                to: ShopTables.marketFile,
                                in: F.appending("109;1,0", to: ShopTables.profitFile,
                                                in: F.appending("109,текущий_месяц,15", "109,предыдцщий_месяц,17",
                                                                to: ShopTables.timeFile,
                                                                in: F.appending("109,препредыдущий_месяц,4900.0",
                                                                                "109,предыдущий_месяц,5100.0",
                                                                                "109,текущий_месяц,5300.0",
                                                                                to: ShopTables.moneyFile))))
        #expect(try count(try clean(third), "report_duplicates_except_id") == 2)
    }

    @Test func featureVectorOfOneClient() throws {
        let c = try client(try clean(), 103)
        #expect(c.atRisk)
        #expect(c.profit == 4.16)
        let x = c.features
        try #require(x.count == FeatureSpec.standard.count)
        #expect(x[I.serviceType] == 1)            // стандартт → стандарт
        #expect(x[I.allowMessaging] == 0)         // да
        #expect(x[I.marketActivity6m] == 4.9)
        #expect(x[I.marketActivityCurrent] == 3)
        #expect(x[I.tenureDays] == 539)
        #expect(x[I.promoShare] == 0.14)
        #expect(x[I.promoLevel] == 0)
        #expect(x[I.popularCategory] == 2)        // Кухонная посуда
        #expect(x[I.categoriesPerVisit] == 5)
        #expect(x[I.unpaidItemsQuarter] == 2)
        #expect(x[I.serviceErrors] == 1)
        #expect(x[I.pagesPerVisit] == 5)
        #expect(x[I.revenueBeforePrevious] == 4472.0)
        #expect(x[I.revenuePrevious] == 5216.0)
        #expect(x[I.revenueCurrent] == 4971.6)
        #expect(x[I.minutesPrevious] == 12)
        #expect(x[I.minutesCurrent] == 10)

        let o = try client(try clean(), 108)
        #expect(!o.atRisk && o.profit == 3.13)
        #expect(o.features[I.serviceType] == 0 && o.features[I.allowMessaging] == 1 && o.features[I.popularCategory] == 3)
    }

    @Test func outputSortedById() throws {
        let r = try clean(dropInactive: false)
        #expect(r.clients.map(\.id) == r.clients.map(\.id).sorted())
        #expect(r.clients.first?.id == 101 && r.clients.last?.id == 108)
        #expect(try client(r, 102).profit == 5)
        #expect(r.clients.map(\.atRisk) == [true, false, true, false, true, false, false, false])
    }

    @Test func deterministic() throws {
        let a = try clean(), b = try clean()
        #expect(a.clients == b.clients)
        #expect(a.log == b.log)
        // Row order in the files does not matter either.
        var texts = F.texts
        for file in ShopTables.files {
            texts = F.editingLines(file, in: texts) { l in l = [l[0]] + l.dropFirst().reversed() }
        }
        let c = try clean(texts)
        #expect(c.clients == a.clients)
        #expect(c.log == a.log)
    }

    /// The study's counts on the real tables.
    @Test(.needsShopTables) func realTables() throws {
        let r = Cleaning.clean(try #require(ShopData.tables))
        #expect(r.clients.count == 1297)
        let counts = Dictionary(uniqueKeysWithValues: r.log.map { ($0.step, $0.count) })
        #expect(counts["fix_service_type_typo"] == 10)
        #expect(counts["fix_period_typo"] == 1300)
        #expect(counts["replace_revenue_outliers"] == 1)
        #expect(counts["drop_zero_revenue_clients"] == 3)
        #expect(counts["derive_promo_level"] == 168)
        #expect(counts["report_duplicates_except_id"] == 11)
        #expect(!r.clients.contains { [215348, 215357, 215359].contains($0.id) })
        let c = try client(r, 215380)
        #expect(c.features[I.revenueCurrent] < 7799.4 && c.features[I.revenuePrevious] + c.features[I.revenueBeforePrevious] == 5051.0 + 6077.0)
    }
}
