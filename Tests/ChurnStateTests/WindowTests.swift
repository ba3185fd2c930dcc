import Testing
@testable import ChurnState
import ChurnModel

/// The trailing windows at their edges (schemas/client-features.md): a day of age a at the clock is
/// in "the last n days" exactly when 0 ≤ a < n.
@Suite struct WindowTests {
    static let edgeAges = [0, 29, 30, 31, 59, 60, 61, 89, 90, 91, 179, 180, 181]

    /// One of everything on one day, with a profile registered 100 days before it.
    static func activity(_ id: Int64, _ day: Int32) -> [ClientEvent] {
        [
            Fixture.event(id, day, hour: 23, minute: 0, .profile(serviceType: 0, allowMessaging: 1, registeredDay: day - 100)),
            Fixture.event(id, day, hour: 23, minute: 10, .visit(minutes: 10, pages: 8, categoriesViewed: 4)),
            Fixture.event(id, day, hour: 23, minute: 20, .purchase(revenue: 1000, items: 4, promoItems: 3, category: 2)),
            Fixture.event(id, day, hour: 23, minute: 30, .cartUnpaid(items: 5)),
            Fixture.event(id, day, hour: 23, minute: 40, .serviceError),
            Fixture.event(id, day, hour: 23, minute: 59, .marketingContact(channel: .sms)),
        ]
    }

    /// The features of ``activity(_:_:)`` when its day has age `a`, straight from the definitions.
    static func expected(age a: Int) -> [Double] {
        func within(_ window: Range<Int>, _ value: Double) -> Double { window.contains(a) ? value : 0 }
        var f = [Double](repeating: 0, count: 17)
        f[FI.serviceType] = 0                               // premium, from the profile
        f[FI.allowMessaging] = 1                            // no
        f[FI.marketActivity6m] = within(0..<180, 1) / 6
        f[FI.marketActivityCurrent] = within(0..<30, 1)
        f[FI.tenureDays] = Double(100 + a)
        f[FI.promoShare] = within(0..<180, 0.75)            // 3 of 4 items
        f[FI.promoLevel] = within(0..<180, 1)               // 0.75 > 0.5
        f[FI.popularCategory] = (0..<180).contains(a) ? 2 : 5
        f[FI.categoriesPerVisit] = within(0..<30, 4)
        f[FI.unpaidItemsQuarter] = within(0..<90, 5)
        f[FI.serviceErrors] = within(0..<90, 1)
        f[FI.pagesPerVisit] = within(0..<90, 8)
        f[FI.revenueBeforePrevious] = within(60..<90, 1000)
        f[FI.revenuePrevious] = within(30..<60, 1000)
        f[FI.revenueCurrent] = within(0..<30, 1000)
        f[FI.minutesPrevious] = within(30..<60, 10)
        f[FI.minutesCurrent] = within(0..<30, 10)
        return f
    }

    /// The clock reaches the day by an idle advance, by another client's event at 00:00 (one
    /// minute after the activity at age 1), and the state read without the engine's pruning.
    @Test(arguments: edgeAges)
    func activityAtAge(_ a: Int) {
        let day = Fixture.day0, clock = day + Int32(a)
        var byAdvance = StateEngine()
        for e in Self.activity(1, day) { _ = byAdvance.apply(e) }
        #expect(byAdvance.advance(toDay: clock) == (a > 0 ? [1] : []))
        #expect(byAdvance.features(of: 1) == Self.expected(age: a), "advance, age \(a)")

        var byEvent = StateEngine()
        for e in Self.activity(1, day) { _ = byEvent.apply(e) }
        let other = byEvent.apply(Fixture.event(2, clock, hour: 0, .serviceError))
        #expect(other.aged == (a > 0 ? [1] : []))
        #expect(byEvent.features(of: 1) == Self.expected(age: a), "other client's event, age \(a)")

        var state = ClientState(firstSeenDay: day)
        for e in Self.activity(1, day) { state.apply(e) }
        #expect(state.features(clockDay: clock) == Self.expected(age: a), "unpruned state, age \(a)")
    }

    /// The same activity arriving after the clock: applied to its own day below 180 days, late from 180.
    @Test(arguments: edgeAges)
    func outOfOrderActivityAtAge(_ a: Int) {
        var engine = StateEngine()
        _ = engine.apply(Fixture.event(2, Fixture.day0 + Int32(a), hour: 0, .serviceError))
        let outcomes = Self.activity(1, Fixture.day0).map { engine.apply($0) }
        if a < 180 {
            #expect(outcomes.allSatisfy { $0.updated == 1 && !$0.late })
            #expect(engine.features(of: 1) == Self.expected(age: a))
        } else {
            #expect(outcomes.allSatisfy { $0.updated == nil && $0.late })
            #expect(engine.features(of: 1) == nil)
        }
    }

    /// Per-visit averages divide by the visits in their own window.
    @Test func perVisitMeansUseTheirWindow() {
        let clock = Fixture.day0 + 200
        // (age, minutes, pages, categories)
        let visits: [(Int32, Double, Double, Double)] = [(90, 1, 1000, 9), (89, 1, 50, 2), (30, 8, 40, 6),
                                                         (29, 6, 30, 1), (0, 2, 10, 3), (0, 4, 20, 5)]
        var engine = StateEngine()
        for (age, m, p, c) in visits { _ = engine.apply(Fixture.event(1, clock - age, .visit(minutes: m, pages: p, categoriesViewed: c))) }
        let f = engine.features(of: 1)
        #expect(f?[FI.categoriesPerVisit] == (1 + 3 + 5) / 3.0)           // ages 0, 0, 29
        #expect(f?[FI.pagesPerVisit] == (50 + 40 + 30 + 10 + 20) / 5.0)   // ages 0…89
        #expect(f?[FI.minutesCurrent] == 6.0 + 2 + 4)
        #expect(f?[FI.minutesPrevious] == 8)
        #expect(f?[FI.tenureDays] == 90)                                  // no profile: first seen 90 days ago
    }

    /// Several purchases sum per window; promo_share is promo items over all items of 180 days.
    @Test func purchasesSumPerWindow() {
        let clock = Fixture.day0 + 200
        // (age, revenue, items, promo, category)
        let purchases: [(Int32, Double, Double, Double, UInt8)] = [(179, 10, 4, 4, 0), (89, 20, 2, 0, 1), (60, 40, 1, 1, 1),
                                                                   (59, 80, 2, 0, 3), (30, 160, 1, 0, 3), (29, 320, 2, 0, 4),
                                                                   (0, 640, 1, 0, 5)]
        var engine = StateEngine()
        for (age, r, n, p, c) in purchases {
            _ = engine.apply(Fixture.event(1, clock - age, .purchase(revenue: r, items: n, promoItems: p, category: c)))
        }
        let f = engine.features(of: 1)
        #expect(f?[FI.revenueCurrent] == 320.0 + 640)
        #expect(f?[FI.revenuePrevious] == 80.0 + 160)
        #expect(f?[FI.revenueBeforePrevious] == 20.0 + 40)
        #expect(f?[FI.promoShare] == 5.0 / 13)
        #expect(f?[FI.promoLevel] == 0)
        #expect(f?[FI.popularCategory] == 0)        // 4 items of «Домашний текстиль» at age 179
        _ = engine.advance(toDay: clock + 1)        // …which are forgotten a day later
        #expect(engine.features(of: 1)?[FI.popularCategory] == 1)   // 3 items each in 1 and 3: the earlier wins
        #expect(engine.features(of: 1)?[FI.promoShare] == 1.0 / 9)
    }

    /// promo_level is high only above one half.
    @Test(arguments: [(1.0, 2.0, 0.0), (2.0, 3.0, 1.0), (0.0, 0.0, 0.0), (3.0, 3.0, 1.0)])
    func promoLevel(promo: Double, items: Double, level: Double) {
        var engine = StateEngine()
        _ = engine.apply(Fixture.event(1, Fixture.day0, .purchase(revenue: 1, items: items, promoItems: promo, category: 0)))
        #expect(engine.feature(1, FI.promoShare) == (items > 0 ? promo / items : 0))
        #expect(engine.feature(1, FI.promoLevel) == level)
    }

    /// Ties go to the earlier category in the documented order; one more item wins.
    @Test(arguments: 0..<6)
    func popularCategoryTies(first: Int) {
        for second in (first + 1)..<6 {
            var tie = StateEngine()
            for (hour, c) in [(10, second), (11, first)] {
                _ = tie.apply(Fixture.event(1, Fixture.day0, hour: hour, .purchase(revenue: 1, items: 2, promoItems: 0, category: UInt8(c))))
            }
            #expect(tie.feature(1, FI.popularCategory) == Double(first), "tie \(first)–\(second)")
            _ = tie.apply(Fixture.event(1, Fixture.day0, hour: 12, .purchase(revenue: 1, items: 1, promoItems: 0, category: UInt8(second))))
            #expect(tie.feature(1, FI.popularCategory) == Double(second), "\(second) one item ahead")
        }
    }

    /// Without items (or with only zero-item purchases): «Товары для детей».
    @Test func popularCategoryWithoutItems() {
        var engine = StateEngine()
        _ = engine.apply(Fixture.event(1, Fixture.day0, .visit(minutes: 1, pages: 1, categoriesViewed: 1)))
        #expect(engine.feature(1, FI.popularCategory) == 5)
        _ = engine.apply(Fixture.event(1, Fixture.day0, .purchase(revenue: 5, items: 0, promoItems: 0, category: 0)))
        #expect(engine.feature(1, FI.popularCategory) == 5)
        #expect(engine.feature(1, FI.promoShare) == 0)
        #expect(FeatureSpec.shopCategories[5] == "Товары для детей")
    }
}
