import Testing
@testable import ChurnState
import ChurnModel

/// The clock entering a new day slides every client's windows, with or without events, and the
/// engine names every client with state (tenure moves for all of them).
@Suite struct AgeingTests {
    /// Clients 3, 1, 2 seen in that order on day0.
    static func threeClients() -> StateEngine {
        var engine = StateEngine()
        for id: Int64 in [3, 1, 2] { _ = engine.apply(Fixture.event(id, Fixture.day0, .visit(minutes: 2, pages: 3, categoriesViewed: 1))) }
        return engine
    }

    @Test func advanceAgesEveryClientInFirstSeenOrder() {
        var engine = Self.threeClients()
        let before = engine.allFeatures
        #expect(engine.advance(toDay: Fixture.day0 + 1) == [3, 1, 2])
        #expect(engine.stats.dayAdvances == 1)
        #expect(engine.clockMillis == Fixture.millis(Fixture.day0 + 1, hour: 0))
        for id: Int64 in [1, 2, 3] {
            var grown = before[id] ?? []
            if !grown.isEmpty { grown[FI.tenureDays] += 1 }
            #expect(engine.features(of: id) == grown, "client \(id)")
        }
        // The same day or an earlier one: nothing moves.
        let snapshot = engine.clients
        #expect(engine.advance(toDay: Fixture.day0 + 1).isEmpty)
        #expect(engine.advance(toDay: Fixture.day0 - 5).isEmpty)
        #expect(engine.stats.dayAdvances == 1)
        #expect(engine.clockMillis == Fixture.millis(Fixture.day0 + 1, hour: 0))
        #expect(engine.clients == snapshot)
    }

    @Test func advanceOnAnEmptyEngineOnlySetsTheClock() {
        var engine = StateEngine()
        #expect(engine.advance(toDay: Fixture.day0).isEmpty)
        #expect(engine.clockDay == Fixture.day0)
        #expect(engine.clientCount == 0)
        // An event 180 days before that clock is already late.
        #expect(engine.apply(Fixture.event(1, Fixture.day0 - 180, .serviceError)).late)
    }

    /// Another client's event on a later day ages the others; the new client is `updated`, not aged.
    @Test func laterEventFromAnotherClientAgesEveryone() {
        var engine = Self.threeClients()
        let outcome = engine.apply(Fixture.event(9, Fixture.day0 + 5, hour: 0, .serviceError))
        #expect(outcome.updated == 9 && outcome.aged == [3, 1, 2] && !outcome.late)
        #expect(engine.feature(1, FI.tenureDays) == 5)
        #expect(engine.feature(9, FI.tenureDays) == 0)
        // Later the same day: no ageing; the next day ages all four.
        #expect(engine.apply(Fixture.event(1, Fixture.day0 + 5, hour: 23, .serviceError)).aged.isEmpty)
        #expect(engine.apply(Fixture.event(2, Fixture.day0 + 6, hour: 0, .serviceError)).aged == [3, 1, 2, 9])
        #expect(engine.stats.dayAdvances == 2)
    }

    /// A client who visited on days 0…9 and then stopped, while the clock moves on by another
    /// client's daily events: the visit features fall away exactly as the days leave the windows.
    @Test func clientWhoStopsVisitingLosesTheirActivity() {
        var engine = StateEngine()
        let visitDays = 0..<10
        for d in visitDays { _ = engine.apply(Fixture.event(1, Fixture.day0 + Int32(d), .visit(minutes: 3, pages: 7, categoriesViewed: 2))) }
        for t in 10...200 {
            let outcome = engine.apply(Fixture.event(2, Fixture.day0 + Int32(t), .serviceError))
            #expect(outcome.aged == (t == 10 ? [1] : [1, 2]))   // client 2 is new on day 10
            func visits(_ window: Range<Int>) -> Double { Double(visitDays.filter { window.contains(t - $0) }.count) }
            let f = engine.features(of: 1)
            #expect(f?[FI.minutesCurrent] == 3 * visits(0..<30), "day \(t)")
            #expect(f?[FI.minutesPrevious] == 3 * visits(30..<60), "day \(t)")
            #expect(f?[FI.categoriesPerVisit] == (visits(0..<30) > 0 ? 2 : 0), "day \(t)")
            #expect(f?[FI.pagesPerVisit] == (visits(0..<90) > 0 ? 7 : 0), "day \(t)")
            #expect(f?[FI.tenureDays] == Double(t), "day \(t)")
        }
        // 90 days after the last visit nothing of it is kept.
        #expect(engine.state(of: 1)?.visits.isEmpty == true)
        #expect(engine.feature(1, FI.minutesCurrent) == 0)
    }

    /// Random streams with idle days, advances, out-of-order and late events: after every day
    /// change every client's features equal the definitions computed from scratch, and at the end
    /// equal the client's unpruned state (built from its accepted events) read at the clock.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func featuresAfterAgeingEqualAFreshComputation(seed: UInt64) throws {
        var engine = StateEngine()
        var reference = Reference()
        var checks = 0
        for step in RandomStream.steps(seed: seed, clients: 6, days: 420) {
            let dayBefore = engine.clockDay, idsBefore = engine.ids
            let aged = engine.run(step)
            reference.run(step)
            #expect(engine.clockMillis == reference.clockMillis)
            guard engine.clockDay != dayBefore else { continue }
            #expect(aged == (dayBefore == nil ? [] : idsBefore))
            #expect(engine.allFeatures == reference.features, "seed \(seed) day \(engine.clockDay ?? 0)")
            checks += 1
        }
        #expect(checks > 300)
        #expect(engine.stats.late == reference.late)
        #expect(reference.late > 0)
        let clock = try #require(engine.clockDay)
        for (id, events) in reference.accepted {
            var fresh = ClientState(firstSeenDay: events[0].day)
            for e in events { fresh.apply(e) }
            let state = try #require(engine.state(of: id))
            #expect(state.features(clockDay: clock) == fresh.features(clockDay: clock), "client \(id)")
            #expect(state.profit == Reference.profit(events))
            // Pruned: nothing outside the windows is kept.
            #expect(state.visits.allSatisfy { clock - $0.day < 90 })
            #expect(state.purchases.allSatisfy { clock - $0.day < 180 })
            #expect(state.counters.allSatisfy { clock - $0.day < 180 })
        }
    }
}
