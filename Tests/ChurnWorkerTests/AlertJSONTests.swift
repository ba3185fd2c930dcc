import Foundation
import Testing
@testable import ChurnWorker
import ChurnState
import ChurnModel

/// `alert.json()` is JSON a standard parser reads back to the alert's values, whatever the
/// event id holds.
@Suite struct AlertJSONTests {
    static func parse(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// A real at_risk alert, from an event whose id is `eventId`.
    static func alert(eventId: String?, _ model: Model) throws -> Alert {
        var feeder = Feeder(model.processor())
        feeder.send(Fixture.snapshot(42, minute: 30, id: eventId, row: model.row(1), profit: 7.25))
        return try #require(feeder.alerts.first)
    }

    /// The alert's numbers, read with JSONDecoder: JSONSerialization on Linux may round the last
    /// digit, so exact read-back of the shortest round-trip text is checked with this.
    struct Numbers: Decodable, Equatable {
        struct Thresholds: Decodable, Equatable {
            var probability, profit, probability_margin, profit_margin: Double
        }
        struct Contribution: Decodable, Equatable { var contribution: Double }
        struct Recommendation: Decodable, Equatable {
            var value, reference, target, probability_if, effect: Double
        }
        var probability, decision_value, profit: Double?
        var thresholds: Thresholds
        var contributions: [Contribution]
        var recommendations: [Recommendation]

        init(_ a: Alert) {
            probability = a.probability
            decision_value = a.decisionValue
            profit = a.profit
            thresholds = Thresholds(probability: a.policy.probabilityThreshold, profit: a.policy.profitThreshold,
                                    probability_margin: a.policy.probabilityMargin, profit_margin: a.policy.profitMargin)
            contributions = a.contributions.map { Contribution(contribution: $0.contribution) }
            recommendations = a.recommendations.map {
                Recommendation(value: $0.value, reference: $0.reference, target: $0.target, probability_if: $0.probabilityIf, effect: $0.effect)
            }
        }

        static func read(_ bytes: [UInt8]) throws -> Numbers { try JSONDecoder().decode(Numbers.self, from: Data(bytes)) }
    }

    @Test func fieldsReadBack() throws {
        let model = try Model.load()
        let alert = try Self.alert(eventId: "evt-1", model)
        let o = try Self.parse(alert.json())
        #expect(Set(o.keys) == ["schema", "alert_id", "client_id", "kind", "cause", "trigger", "probability", "decision_value",
                                "profit", "thresholds", "model_version", "event_time", "source", "contributions", "recommendations"])
        #expect(o["schema"] as? String == "churn-alert/v1")
        #expect(o["alert_id"] as? String == "42-1")
        #expect((o["client_id"] as? NSNumber)?.int64Value == 42)
        #expect(o["kind"] as? String == "at_risk" && o["cause"] as? String == "entered" && o["trigger"] as? String == "event")
        #expect(o["model_version"] as? String == model.composer.modelVersion)
        #expect(o["event_time"] as? String == "2026-03-01T09:30:00Z")
        #expect(try Numbers.read(alert.json()) == Numbers(alert))
        #expect(alert.profit == 7.25)

        let s = try #require(o["source"] as? [String: Any])
        #expect(s["topic"] as? String == Fixture.topic)
        #expect((s["partition"] as? NSNumber)?.int32Value == Fixture.partition)
        #expect((s["offset"] as? NSNumber)?.int64Value == 0)
        #expect(s["event_id"] as? String == "evt-1")

        let c = try #require(o["contributions"] as? [[String: Any]])
        #expect(c.map { $0["feature"] as? String } == alert.contributions.map(\.feature))
        #expect(c.map { $0["value"] as? String } == alert.contributions.map(\.value))

        let r = try #require(o["recommendations"] as? [[String: Any]])
        #expect(!r.isEmpty)
        #expect(r.map { $0["action"] as? String } == alert.recommendations.map(\.action))
        #expect(r.map { $0["feature"] as? String } == alert.recommendations.map(\.feature))
        #expect(r.map { $0["text"] as? String } == alert.recommendations.map(\.text))
    }

    @Test func missingEventIdIsNull() throws {
        let o = try Self.parse(try Self.alert(eventId: nil, try Model.load()).json())
        let s = try #require(o["source"] as? [String: Any])
        #expect(s["event_id"] is NSNull)
    }

    static let awkwardIds = [
        #"quote " inside"#, #"back\slash\\"#, "new\nline", "cr\rtab\t", "bell\u{07}nul\u{00}unit\u{1F}",
        "del\u{7F}", "slash/</script>", "ünïcödé — 日本 😀", #"\u0041 not an escape"#, "",
    ]

    @Test func eventIdEscapingRoundTripsThroughParserAndAlert() throws {
        let model = try Model.load()
        // End to end once: the event's JSON, the parser, the alert's JSON.
        let wild = Self.awkwardIds.joined(separator: "|")
        let alert = try Self.alert(eventId: wild, model)
        #expect(alert.source.eventId == wild)
        var copy = alert
        for id in Self.awkwardIds + [wild] {
            copy.source.eventId = id
            let bytes = copy.json()
            #expect(!bytes.contains { $0 < 0x20 }, "control characters are escaped")
            let s = try #require(try Self.parse(bytes)["source"] as? [String: Any])
            #expect(s["event_id"] as? String == id)
        }
    }

    @Test func numbersReadBackExactlyAndNonFiniteBecomesNull() throws {
        var alert = try Self.alert(eventId: nil, try Model.load())
        for v in [0.1 + 0.2, 1e-7, .leastNonzeroMagnitude, 1e21, 123_456_789_012_345_680, -0.0, -3, 2.5, .greatestFiniteMagnitude, 1e15, 999_999_999_999_999] {
            alert.profit = v
            #expect(try Numbers.read(alert.json()).profit == v, "\(v)")
        }
        alert.profit = .nan
        alert.decisionValue = -.infinity
        let n = try Numbers.read(alert.json())
        #expect(n.profit == nil && n.decision_value == nil)
    }

    @Test func writerNestsAndSeparates() throws {
        var w = JSONWriter()
        w.beginObject()
        w.key("a")
        w.beginArray()
        w.number(1)
        w.beginObject()
        w.field("b", true)
        w.field("c", Int64(-2))
        w.endObject()
        w.beginArray()
        w.endArray()
        w.endArray()
        w.fieldOrNull("d", nil)
        w.field("e", "x")
        w.endObject()
        #expect(String(decoding: w.bytes, as: UTF8.self) == #"{"a":[1,{"b":true,"c":-2},[]],"d":null,"e":"x"}"#)
    }
}
