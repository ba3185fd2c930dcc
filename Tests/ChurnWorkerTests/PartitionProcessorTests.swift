import Testing
@testable import ChurnWorker
import ChurnState
import ChurnModel

/// Refused messages: each reason code comes out as a Rejection carrying the message, the state
/// does not move, the offset still advances, and the next good event is applied.
@Suite struct PartitionProcessorTests {
    static let visit = #"{"schema":"client-event/v1","type":"visit","client_id":7,"ts":"2026-03-01T10:00:00Z","minutes":5,"pages":3,"categories_viewed":1}"#

    /// One message per parser reason code.
    static let samples: [EventError.Reason: String] = [
        .badJSON: #"{"schema":"client-event/v1","type":"visit","client_id":7"#,
        .unknownSchema: visit.replacingOccurrences(of: "client-event/v1", with: "client-event/v2"),
        .unknownType: visit.replacingOccurrences(of: #""visit""#, with: #""teleport""#),
        .missingField: visit.replacingOccurrences(of: #","minutes":5"#, with: ""),
        .badType: visit.replacingOccurrences(of: #""minutes":5"#, with: #""minutes":"5""#),
        .badValue: visit.replacingOccurrences(of: #""minutes":5"#, with: #""minutes":-5"#),
        .unknownCategory: #"{"schema":"client-event/v1","type":"purchase","client_id":7,"ts":"2026-03-01T10:00:00Z","revenue":10,"items":1,"promo_items":0,"category":"Oтвертки"}"#,
        .duplicateField: visit.replacingOccurrences(of: #""client_id":7"#, with: #""client_id":7,"client_id":8"#),
        .tooLarge: visit.replacingOccurrences(of: "}", with: #","padding":""# + String(repeating: "x", count: 17_000) + #""}"#),
    ]

    /// A processor with two clients, one of them in the segment, its changelog drained.
    static func populated(_ model: Model) throws -> Feeder {
        var feeder = Feeder(model.processor(explanationPairs: 1))
        feeder.send(Fixture.snapshot(7, row: try model.row(probability: 0.9), profit: 10))
        feeder.send(Fixture.event(8, minute: 5, .visit(minutes: 12, pages: 4, categoriesViewed: 2)))
        #expect(feeder.alerts.count == 1 && feeder.processor.clientCount == 2)
        _ = feeder.drain()
        return feeder
    }

    /// Sends a message that must be refused for `reason`, and checks nothing else happened.
    static func expectRefused(_ message: Message, _ reason: String, _ feeder: inout Feeder,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        let before = Observed(feeder.processor)
        let offset = feeder.nextOffset
        let out = feeder.send(message)
        #expect(out.rejections.count == 1, sourceLocation: sourceLocation)
        if let r = out.rejections.first {
            #expect(r.reason == reason, "\(r.message)", sourceLocation: sourceLocation)
            #expect(r.offset == offset && r.value == message.value ?? [] && r.key == message.key, sourceLocation: sourceLocation)
            #expect(!r.message.isEmpty, sourceLocation: sourceLocation)
        }
        #expect(out.applied == 0 && out.alerts.isEmpty && out.rescored == 0 && out.replaysSkipped == 0, sourceLocation: sourceLocation)
        #expect(Observed(feeder.processor) == before, sourceLocation: sourceLocation)
        #expect(feeder.processor.dirtyCount == 0, sourceLocation: sourceLocation)
        #expect(feeder.processor.committableOffset == offset + 1, "a refused message is committed too", sourceLocation: sourceLocation)
    }

    @Test func everyParserReasonIsARejectionThatLeavesTheStateAlone() throws {
        var feeder = try Self.populated(try Model.load())
        for reason in EventError.Reason.allCases {
            let sample = try #require(Self.samples[reason], "no sample message for \(reason.rawValue)")
            Self.expectRefused(Message(sample, key: "7"), reason.rawValue, &feeder)
            Self.expectRefused(Message(sample), reason.rawValue, &feeder)
        }
        let out = feeder.send(Message(Self.visit, key: "7"))
        #expect(out.applied == 1 && out.rejections.isEmpty)
        #expect(feeder.processor.committableOffset == feeder.nextOffset)
        #expect(feeder.processor.memory(of: 7)?.appliedOffset == feeder.nextOffset - 1)
    }

    @Test func nullAndEmptyValuesAreBadJSON() throws {
        var feeder = try Self.populated(try Model.load())
        Self.expectRefused(Message(value: nil, key: Fixture.key(7)), "bad_json", &feeder)
        Self.expectRefused(Message(value: []), "bad_json", &feeder)
        Self.expectRefused(Message(value: nil), "bad_json", &feeder)
        Self.expectRefused(Message("   "), "bad_json", &feeder)
    }

    @Test func keyMustBeTheClientId() throws {
        var feeder = try Self.populated(try Model.load())
        Self.expectRefused(Message(Self.visit, key: "42"), Rejection.keyMismatch, &feeder)
        Self.expectRefused(Message(Self.visit, key: "7x"), Rejection.keyMismatch, &feeder)
        Self.expectRefused(Message(Self.visit, key: "-7"), Rejection.keyMismatch, &feeder)
        Self.expectRefused(Message(Self.visit, key: "99999999999999999999"), Rejection.keyMismatch, &feeder)
        Self.expectRefused(Message(value: Array(Self.visit.utf8), key: [0x37, 0x00]), Rejection.keyMismatch, &feeder)
        // The client's own key, an empty key and no key are all fine.
        for key in ["7", "", nil] {
            let out = feeder.send(Message(Self.visit, key: key))
            #expect(out.applied == 1 && out.rejections.isEmpty, "key \(key ?? "nil")")
        }
    }

    @Test func eventsHalfAYearBehindTheClockAreLate() throws {
        let model = try Model.load()
        var feeder = try Self.populated(model)
        let clockDay = try #require(feeder.processor.engine.clockDay)
        let late = Fixture.event(7, day: clockDay - Int32(Windows.halfYear), .visit(minutes: 3, pages: 1, categoriesViewed: 1))
        Self.expectRefused(Message(late), Rejection.late, &feeder)
        // A client never seen before does not get a state from a late event either.
        let lateNewcomer = Fixture.event(9, day: clockDay - 400, .profit(50))
        Self.expectRefused(Message(lateNewcomer), Rejection.late, &feeder)
        #expect(feeder.processor.memory(of: 9) == nil)
        // One day younger is within the windows: applied to its own day.
        let oldest = Fixture.event(7, day: clockDay - Int32(Windows.halfYear) + 1, .marketingContact(channel: .email))
        let out = feeder.send(oldest)
        #expect(out.applied == 1 && out.rejections.isEmpty)
        #expect(feeder.processor.engine.clockDay == clockDay, "an old event does not move the clock")
    }

    @Test func committableOffsetFollowsEveryMessage() throws {
        var feeder = Feeder(try Model.load().processor())
        #expect(feeder.processor.committableOffset == nil)
        let messages = [Message(Self.visit), Message("nonsense"), Message(value: nil), Message(Self.visit, key: "1")]
        for m in messages {
            feeder.send(m)
            #expect(feeder.processor.committableOffset == feeder.nextOffset)
        }
        #expect(feeder.rejections.map(\.reason) == ["bad_json", "bad_json", Rejection.keyMismatch])
        #expect(feeder.applied == 1)
    }

    @Test func aNewDayRescoresEveryClientAndTheSameDayOnlyTheEventsClient() throws {
        var feeder = try Self.populated(try Model.load())
        var out = feeder.send(Fixture.event(8, minute: 30, .serviceError))
        #expect(out.rescored == 1)
        out = feeder.send(Fixture.event(9, day: Fixture.day0 + 1, .serviceError))
        #expect(out.rescored == 3 && feeder.processor.clientCount == 3)
        #expect(feeder.processor.dirtyCount == 2, "ageing alone does not dirty a client whose segment held")
    }
}
