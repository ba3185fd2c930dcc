import Testing
@testable import ChurnState
import ChurnModel

/// Events arriving behind the clock: 180 days or older at the clock's day are late (counted,
/// flagged, dropped); younger ones count on their own day.
@Suite struct LateTests {
    static let clock = Fixture.day0 + 300

    /// Client 1 with some activity, the clock at `clock` 00:00.
    static func engine() -> StateEngine {
        var engine = StateEngine()
        _ = engine.apply(Fixture.event(1, clock - 20, .profile(serviceType: 0, allowMessaging: 0, registeredDay: clock - 400)))
        _ = engine.apply(Fixture.event(1, clock - 10, .purchase(revenue: 50, items: 2, promoItems: 0, category: 3)))
        _ = engine.apply(Fixture.event(1, clock - 1, .profit(2)))
        _ = engine.apply(Fixture.event(1, clock, hour: 0, .visit(minutes: 1, pages: 1, categoriesViewed: 1)))
        return engine
    }

    static let everyKind: [ClientEvent.Payload] = [
        .profile(serviceType: 1, allowMessaging: 1, registeredDay: clock - 1000),
        .visit(minutes: 30, pages: 3, categoriesViewed: 2),
        .purchase(revenue: 900, items: 9, promoItems: 9, category: 0),
        .cartUnpaid(items: 4), .serviceError, .marketingContact(channel: .call), .profit(99),
        .snapshot(Snapshot(features: Fixture.exampleRow, profit: 7)),
    ]

    /// At 23:59:59.999 of the day 180 days back the event is barely 179 days old in hours, but its
    /// day is 180 days old: late, for the known client and for an unknown one, of every type.
    @Test(arguments: 0..<everyKind.count)
    func age180IsLateAndChangesNothing(kind: Int) {
        var engine = Self.engine()
        let clients = engine.clients, clock = engine.clockMillis, stats = engine.stats
        for id: Int64 in [1, 2] {
            let e = ClientEvent(clientId: id, timeMillis: Fixture.millis(Self.clock - 179, hour: 0) - 1, payload: Self.everyKind[kind])
            #expect(e.day == Self.clock - 180)
            let outcome = engine.apply(e)
            #expect(outcome.updated == nil && outcome.updatedSlot == nil && outcome.aged.isEmpty && outcome.late)
        }
        #expect(engine.stats == StateEngine.Stats(applied: stats.applied, late: 2, dayAdvances: stats.dayAdvances))
        #expect(engine.clients == clients)
        #expect(engine.clockMillis == clock)
        #expect(engine.state(of: 2) == nil)
    }

    /// Exactly 179 days back, at the start of that day, while the clock is late on its day: applied.
    @Test func age179IsApplied() {
        var engine = Self.engine()
        _ = engine.apply(Fixture.event(1, Self.clock, hour: 23, minute: 59, .serviceError))
        let before = engine.features(of: 1) ?? []
        let contact = engine.apply(Fixture.event(1, Self.clock - 179, hour: 0, .marketingContact(channel: .email)))
        #expect(contact.updated == 1 && contact.aged.isEmpty && !contact.late)
        _ = engine.apply(Fixture.event(1, Self.clock - 179, hour: 0, .purchase(revenue: 7, items: 3, promoItems: 3, category: 0)))
        let f = engine.features(of: 1) ?? []
        #expect(f[FI.marketActivity6m] == before[FI.marketActivity6m] + 1.0 / 6)
        #expect(f[FI.marketActivityCurrent] == before[FI.marketActivityCurrent])
        #expect(f[FI.promoShare] == 3.0 / 5)                 // 3 promo of 2 + 3 items
        #expect(f[FI.popularCategory] == 0)                  // 3 items beat category 3's 2
        #expect(f[FI.revenueBeforePrevious] == before[FI.revenueBeforePrevious])
        #expect(engine.stats.late == 0)
    }

    /// An out-of-order event counts on its own day and does not move the clock.
    @Test func outOfOrderEventCountsOnItsOwnDay() {
        var engine = Self.engine()
        let clock = engine.clockMillis
        let outcomes = [
            engine.apply(Fixture.event(1, Self.clock - 31, .visit(minutes: 20, pages: 5, categoriesViewed: 6))),
            engine.apply(Fixture.event(1, Self.clock - 29, .visit(minutes: 300, pages: 9, categoriesViewed: 3))),
            engine.apply(Fixture.event(1, Self.clock - 65, .purchase(revenue: 1000, items: 1, promoItems: 0, category: 3))),
        ]
        #expect(outcomes.allSatisfy { $0.updated == 1 && $0.aged.isEmpty && !$0.late })
        #expect(engine.clockMillis == clock)
        var f = engine.features(of: 1) ?? []
        #expect(f[FI.minutesCurrent] == 1 + 300)
        #expect(f[FI.minutesPrevious] == 20)
        #expect(f[FI.categoriesPerVisit] == (1 + 3) / 2.0)
        #expect(f[FI.pagesPerVisit] == (1 + 5 + 9) / 3.0)
        #expect(f[FI.revenueCurrent] == 50)
        #expect(f[FI.revenueBeforePrevious] == 1000)
        // A day later the visit of age 29 has moved to the previous month.
        _ = engine.advance(toDay: Self.clock + 1)
        f = engine.features(of: 1) ?? []
        #expect(f[FI.minutesCurrent] == 1)
        #expect(f[FI.minutesPrevious] == 320)
    }

    /// Events that are all younger than 180 days at the newest one give the same features in any
    /// arrival order (each client has a profile, so tenure does not depend on the first arrival).
    @Test(arguments: [11, 12, 13] as [UInt64])
    func arrivalOrderDoesNotMatter(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var events: [ClientEvent] = []
        for id: Int64 in 1...5 {
            events.append(Fixture.event(id, Fixture.day0, hour: Int(id), .profile(serviceType: 0, allowMessaging: 1, registeredDay: Fixture.day0 - 30)))
        }
        for k in 0..<400 {
            let day = Fixture.day0 + Int32(rng.below(179))
            let e = ClientEvent(clientId: Int64(1 + rng.below(5)), timeMillis: Fixture.millis(day, hour: 0) + Int64(k),
                                payload: RandomStream.payload(day, &rng))
            events.append(e)
        }
        var inOrder = StateEngine()
        for e in events.sorted(by: { $0.timeMillis < $1.timeMillis }) { _ = inOrder.apply(e) }
        for _ in 0..<3 {
            rng.shuffle(&events)
            var shuffled = StateEngine()
            for e in events { _ = shuffled.apply(e) }
            #expect(shuffled.stats.late == 0)
            #expect(shuffled.allFeatures == inOrder.allFeatures)
            #expect(shuffled.clients.mapValues(\.profit) == inOrder.clients.mapValues(\.profit))
        }
    }
}
