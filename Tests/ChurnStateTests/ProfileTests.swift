import Testing
@testable import ChurnState
import ChurnModel

/// The features outside the windows: profile defaults, the latest profile and profit by event
/// time, and tenure_days.
@Suite struct ProfileTests {
    /// A client never seen before starts standard / yes, profit 0, tenure from the day first seen.
    @Test func defaultsWithoutAProfile() {
        var engine = StateEngine()
        _ = engine.apply(Fixture.event(7, Fixture.day0, .serviceError))
        #expect(engine.feature(7, FI.serviceType) == 1)       // standard
        #expect(engine.feature(7, FI.allowMessaging) == 0)    // yes
        #expect(engine.feature(7, FI.tenureDays) == 0)
        #expect(engine.state(of: 7)?.profit == 0)
        _ = engine.advance(toDay: Fixture.day0 + 40)
        #expect(engine.feature(7, FI.tenureDays) == 40)
    }

    /// The example profile registered on 2025-10-31: at 2026-03-01 that is 30 + 31 + 31 + 28 + 1 = 121 days.
    @Test func tenureFromRegisteredAt() throws {
        var engine = StateEngine()
        let profile = try Fixture.parse(try Fixture.example("profile"))
        _ = engine.apply(profile)
        #expect(engine.feature(215348, FI.tenureDays) == 121)
        #expect(engine.feature(215348, FI.serviceType) == 0)  // premium
        #expect(engine.feature(215348, FI.allowMessaging) == 0)
        _ = engine.advance(toDay: Fixture.day0 + 365)
        #expect(engine.feature(215348, FI.tenureDays) == 121.0 + 365)
    }

    /// The latest profile by ts wins, whatever the arrival order.
    @Test func latestProfileByTimeWins() {
        let older = Fixture.event(1, Fixture.day0, hour: 9, .profile(serviceType: 0, allowMessaging: 1, registeredDay: Fixture.day0 - 10))
        let newer = Fixture.event(1, Fixture.day0, hour: 10, .profile(serviceType: 1, allowMessaging: 0, registeredDay: Fixture.day0 - 20))
        for order in [[older, newer], [newer, older]] {
            var engine = StateEngine()
            for e in order { _ = engine.apply(e) }
            #expect(engine.feature(1, FI.serviceType) == 1)
            #expect(engine.feature(1, FI.allowMessaging) == 0)
            #expect(engine.feature(1, FI.tenureDays) == 20)
        }
    }

    /// The latest profit by ts wins, whatever the arrival order; it is not a model input.
    @Test func latestProfitByTimeWins() {
        let older = Fixture.event(1, Fixture.day0 - 3, .profit(5.5))
        let newer = Fixture.event(1, Fixture.day0, .profit(-1.25))
        for order in [[older, newer], [newer, older]] {
            var engine = StateEngine()
            for e in order { _ = engine.apply(e) }
            #expect(engine.state(of: 1)?.profit == -1.25)
            #expect(engine.features(of: 1) == Reference.features(order, clockDay: Fixture.day0))
        }
    }

    /// A profile outlives every window: 400 idle days later it still sets the static features.
    @Test func profileOutlivesTheWindows() {
        var engine = StateEngine()
        _ = engine.apply(Fixture.event(1, Fixture.day0, .profile(serviceType: 0, allowMessaging: 1, registeredDay: Fixture.day0 - 5)))
        _ = engine.apply(Fixture.event(1, Fixture.day0, .profit(3)))
        _ = engine.advance(toDay: Fixture.day0 + 400)
        #expect(engine.feature(1, FI.serviceType) == 0)
        #expect(engine.feature(1, FI.allowMessaging) == 1)
        #expect(engine.feature(1, FI.tenureDays) == 405)
        #expect(engine.state(of: 1)?.profit == 3)
    }
}
