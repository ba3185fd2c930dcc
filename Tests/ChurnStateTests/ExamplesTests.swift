import Foundation
import Testing
@testable import ChurnState
import ChurnModel

@Suite struct ExamplesTests {
    static let types = ["cart_unpaid", "marketing_contact", "profile", "profit", "purchase", "service_error", "snapshot", "visit"]

    @Test func oneExamplePerEventType() {
        #expect(Fixture.exampleNames == Self.types)
    }

    @Test(arguments: Fixture.exampleNames)
    func parsesToItsType(name: String) throws {
        let e = try Fixture.parse(try Fixture.example(name))
        #expect(e.typeName == name)
        #expect(Fixture.isValid(e))
    }

    @Test(arguments: Fixture.exampleNames)
    func encoderRoundTrip(name: String) throws {
        let e = try Fixture.parse(try Fixture.example(name))
        let again = try Fixture.parse(EventEncoder.json(e))
        #expect(again == e)
        // And the encoding is a fixed point.
        #expect(EventEncoder.json(again) == EventEncoder.json(e))
    }

    /// The example values land in the right slots.
    @Test func exampleValues() throws {
        let visit = try Fixture.parse(try Fixture.example("visit"))
        #expect(visit.clientId == 215348)
        #expect(visit.eventId == "web-77")
        #expect(visit.payload == .visit(minutes: 7.5, pages: 6, categoriesViewed: 3))
        // 09:05:12+03:00 is 06:05:12Z.
        #expect(visit.timeMillis == Fixture.millis(Fixture.day0, hour: 6, minute: 5) + 12_000)

        let purchase = try Fixture.parse(try Fixture.example("purchase"))
        #expect(purchase.payload == .purchase(revenue: 1543.9, items: 3, promoItems: 1, category: 5))
        #expect(purchase.timeMillis == Fixture.millis(Fixture.day0, hour: 9, minute: 12) + 40_250)

        let profile = try Fixture.parse(try Fixture.example("profile"))
        #expect(profile.payload == .profile(serviceType: 0, allowMessaging: 0,
                                            registeredDay: Int32(DayMath.days(year: 2025, month: 10, day: 31))))

        let snapshot = try Fixture.parse(try Fixture.example("snapshot"))
        guard case .snapshot(let s) = snapshot.payload else { Issue.record("not a snapshot"); return }
        #expect(s.features == [0, 0, 4.4, 4, 819, 0.75, 1, 5, 4, 4, 2, 5, 4472, 5216, 4971.6, 12, 10])
        #expect(s.profit == 4.16)
    }
}
