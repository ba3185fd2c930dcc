import Testing
@testable import ChurnState
import ChurnModel

/// A snapshot seeds a client with its table row: exact at its own day, then ageing like activity
/// spread evenly over the days each column describes (schemas/client-features.md, «Snapshots»).
@Suite struct SnapshotTests {
    static let day = Fixture.day0
    static let row = Fixture.exampleRow

    /// The part of `total`, spread evenly over the snapshot ages `block`, that lies in the clock's
    /// window `window` k days later (snapshot age a is clock age a + k).
    static func spread(_ total: Double, _ block: Range<Int>, in window: Range<Int>, k: Int) -> Double {
        total * Double(block.filter { window.contains($0 + k) }.count) / Double(block.count)
    }

    /// The documented spreading of `row` k days after its snapshot, without other events.
    static func expected(_ row: [Double], k: Int) -> [Double] {
        var f = row
        let rc = row[FI.revenueCurrent], rp = row[FI.revenuePrevious], rbp = row[FI.revenueBeforePrevious]
        f[FI.revenueCurrent] = spread(rc, 0..<30, in: 0..<30, k: k)
        f[FI.revenuePrevious] = spread(rc, 0..<30, in: 30..<60, k: k) + spread(rp, 30..<60, in: 30..<60, k: k)
        f[FI.revenueBeforePrevious] = spread(rc, 0..<30, in: 60..<90, k: k) + spread(rp, 30..<60, in: 60..<90, k: k)
            + spread(rbp, 60..<90, in: 60..<90, k: k)
        let mc = row[FI.minutesCurrent], mp = row[FI.minutesPrevious]
        f[FI.minutesCurrent] = spread(mc, 0..<30, in: 0..<30, k: k)
        f[FI.minutesPrevious] = spread(mc, 0..<30, in: 30..<60, k: k) + spread(mp, 30..<60, in: 30..<60, k: k)
        let now = row[FI.marketActivityCurrent], older = max(0, 6 * row[FI.marketActivity6m] - now)
        f[FI.marketActivityCurrent] = spread(now, 0..<30, in: 0..<30, k: k)
        f[FI.marketActivity6m] = (spread(now, 0..<30, in: 0..<180, k: k) + spread(older, 30..<180, in: 0..<180, k: k)) / 6
        f[FI.unpaidItemsQuarter] = spread(row[FI.unpaidItemsQuarter], 0..<90, in: 0..<90, k: k)
        f[FI.serviceErrors] = spread(row[FI.serviceErrors], 0..<90, in: 0..<90, k: k)
        // The averages hold while some of their visits or items are still in the window.
        if k >= 30 { f[FI.categoriesPerVisit] = 0 }
        if k >= 90 { f[FI.pagesPerVisit] = 0 }
        if k >= 180 { f[FI.promoShare] = 0; f[FI.promoLevel] = 0; f[FI.popularCategory] = 5 }
        f[FI.tenureDays] = row[FI.tenureDays] + Double(k)
        return f
    }

    static func close(_ a: [Double]?, _ b: [Double]) -> Bool {
        guard let a, a.count == b.count else { return false }
        return zip(a, b).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) }
    }

    static func seeded(_ row: [Double] = row, profit: Double = 4) -> StateEngine {
        var engine = StateEngine()
        _ = engine.apply(Fixture.snapshot(1, day, row: row, profit: profit))
        return engine
    }

    @Test func exampleSnapshotIsTheRow() throws {
        var engine = StateEngine()
        let e = try Fixture.parse(try Fixture.example("snapshot"))
        _ = engine.apply(e)
        #expect(engine.features(of: 215349) == Self.row)
        #expect(engine.state(of: 215349)?.profit == 4.16)
    }

    /// Random rows in the shop's ranges, at any time of the day, also through the JSON the bootstrap writes.
    @Test func featuresAtTheSnapshotAreTheRowExactly() throws {
        var rng = SplitMix64(seed: 7)
        for i in 0..<300 {
            let (row, profit) = Fixture.randomRow(&rng)
            let e = ClientEvent(clientId: Int64(i), timeMillis: Fixture.millis(Self.day) + Int64(rng.below(86_400_000)) - 43_200_000,
                                payload: .snapshot(Snapshot(features: row, profit: profit)))
            var direct = StateEngine(), viaJSON = StateEngine()
            _ = direct.apply(e)
            _ = viaJSON.apply(try Fixture.parse(EventEncoder.json(e)))
            #expect(direct.features(of: Int64(i)) == row)
            #expect(viaJSON.features(of: Int64(i)) == row)
            #expect(direct.state(of: Int64(i))?.profit == profit)
        }
    }

    /// Fifteen days on, by hand: half of each month has moved one window back.
    @Test func fifteenDaysLaterByHand() throws {
        var engine = Self.seeded()
        _ = engine.advance(toDay: Self.day + 15)
        let f = try #require(engine.features(of: 1))
        let expected: [(Int, Double)] = [
            (FI.revenueCurrent, 4971.6 / 2), (FI.revenuePrevious, 4971.6 / 2 + 5216 / 2),
            (FI.revenueBeforePrevious, 5216 / 2 + 4472 / 2),
            (FI.minutesCurrent, 5), (FI.minutesPrevious, 5 + 6), (FI.marketActivityCurrent, 2),
            // 26.4 contacts in six months: 4 over the last 30 days, 22.4 over the 150 before; 15 of those 150 days left the window.
            (FI.marketActivity6m, (4 + 22.4 * 135 / 150) / 6),
            (FI.unpaidItemsQuarter, 4 * 75.0 / 90), (FI.serviceErrors, 2 * 75.0 / 90),
            (FI.tenureDays, 834), (FI.categoriesPerVisit, 4), (FI.pagesPerVisit, 5), (FI.promoShare, 0.75),
            (FI.popularCategory, 5),
        ]
        for (i, v) in expected { #expect(abs(f[i] - v) < 1e-9, "\(FeatureSpec.standard.features[i].name)") }
    }

    /// Every day of the snapshot's half year (and past it) follows the documented spreading, by
    /// idle advances; at 180 days the seed is gone, tenure keeps counting, the category falls back.
    @Test(arguments: [1, 2, 14, 29, 30, 31, 59, 60, 61, 89, 90, 91, 150, 179, 180, 181, 400])
    func agesLikeSpreadActivity(k: Int) {
        var row = Self.row
        row[FI.popularCategory] = 2
        var engine = Self.seeded(row)
        _ = engine.advance(toDay: Self.day + Int32(k))
        #expect(Self.close(engine.features(of: 1), Self.expected(row, k: k)), "k \(k): \(engine.features(of: 1) ?? [])")
        #expect((engine.state(of: 1)?.seed == nil) == (k >= 180))
    }

    /// The day after the snapshot, a visit, a purchase and a contact add to it; per-visit and
    /// per-item means weigh them against 1/3 visit and 1/3 item per day of the snapshot still in the window.
    @Test func eventsAfterTheSnapshotAddToIt() throws {
        var engine = Self.seeded()
        let next = Self.day + 1
        _ = engine.apply(Fixture.event(1, next, .visit(minutes: 3, pages: 20, categoriesViewed: 10)))
        _ = engine.apply(Fixture.event(1, next, .purchase(revenue: 100, items: 3, promoItems: 0, category: 0)))
        _ = engine.apply(Fixture.event(1, next, .marketingContact(channel: .push)))
        var f = Self.expected(Self.row, k: 1)
        f[FI.revenueCurrent] = 4971.6 * 29 / 30 + 100
        f[FI.minutesCurrent] = 10.0 * 29 / 30 + 3
        f[FI.marketActivityCurrent] = 4.0 * 29 / 30 + 1
        f[FI.marketActivity6m] = (4 + 22.4 * 149 / 150 + 1) / 6
        f[FI.categoriesPerVisit] = (4 * 29.0 / 3 + 10) / (29.0 / 3 + 1)
        f[FI.pagesPerVisit] = (5 * 89.0 / 3 + 20) / (89.0 / 3 + 1)
        f[FI.promoShare] = (0.75 * 179.0 / 3) / (179.0 / 3 + 3)
        f[FI.promoLevel] = 1
        f[FI.popularCategory] = 5                         // 179/3 snapshot items beat 3
        #expect(Self.close(engine.features(of: 1), f), "\(engine.features(of: 1) ?? [])")
    }

    /// Activity on or before the snapshot's day is in the row already: dropped, whether it arrived
    /// before the snapshot or after it (even later on the snapshot's own day).
    @Test func eventsOnOrBeforeTheSnapshotDayAreReplaced() {
        let covered = [
            Fixture.event(1, Self.day - 100, .cartUnpaid(items: 3)),
            Fixture.event(1, Self.day - 40, .purchase(revenue: 500, items: 2, promoItems: 2, category: 1)),
            Fixture.event(1, Self.day - 3, .visit(minutes: 30, pages: 2, categoriesViewed: 1)),
            Fixture.event(1, Self.day - 2, .profile(serviceType: 1, allowMessaging: 1, registeredDay: Self.day - 5)),
            Fixture.event(1, Self.day - 1, .profit(-3)),
            Fixture.event(1, Self.day, hour: 12, .marketingContact(channel: .sms)),
            Fixture.event(1, Self.day, hour: 13, .visit(minutes: 5, pages: 5, categoriesViewed: 5)),
        ]
        let snapshot = Fixture.snapshot(1, Self.day, hour: 0, row: Self.row, profit: 4)
        var only = Self.seeded()
        _ = only.advance(toDay: Self.day + 10)
        for order in [covered + [snapshot], [snapshot] + covered] {
            var engine = StateEngine()
            for e in order { _ = engine.apply(e) }
            #expect(engine.features(of: 1) == Self.row)
            #expect(engine.state(of: 1)?.profit == 4)
            _ = engine.advance(toDay: Self.day + 10)
            #expect(engine.features(of: 1) == only.features(of: 1))
        }
    }

    /// A profile or profit newer than the snapshot wins over the row, in either arrival order.
    @Test func newerProfileAndProfitWinOverTheSnapshot() {
        let snapshot = Fixture.snapshot(1, Self.day, row: Self.row, profit: 4)
        let newer = [Fixture.event(1, Self.day + 2, .profile(serviceType: 1, allowMessaging: 1, registeredDay: Self.day - 1000)),
                     Fixture.event(1, Self.day + 2, hour: 13, .profit(9.5))]
        var only = Self.seeded()
        _ = only.advance(toDay: Self.day + 2)
        var f = only.features(of: 1) ?? []
        f[FI.serviceType] = 1
        f[FI.allowMessaging] = 1
        f[FI.tenureDays] = 1002
        for order in [[snapshot] + newer, newer + [snapshot]] {
            var engine = StateEngine()
            for e in order { _ = engine.apply(e) }
            #expect(engine.features(of: 1) == f)
            #expect(engine.state(of: 1)?.profit == 9.5)
        }
    }

    /// A snapshot of an earlier day arriving after a newer one is stale; a later one replaces it.
    @Test func onlyTheNewestSnapshotCounts() {
        var newer = Self.row
        newer[FI.revenueCurrent] = 1234
        newer[FI.popularCategory] = 0
        let old = Fixture.snapshot(1, Self.day - 10, row: Self.row), new = Fixture.snapshot(1, Self.day, row: newer, profit: 6)
        for order in [[old, new], [new, old]] {
            var engine = StateEngine()
            for e in order { _ = engine.apply(e) }
            #expect(engine.features(of: 1) == newer)
            #expect(engine.state(of: 1)?.profit == 6)
        }
    }
}
