import Foundation
import Testing
import ChurnModel
import ChurnState
import ChurnWorker

/// Alerts a PartitionProcessor really publishes conform to schemas/churn-alert.schema.json (every
/// kind, cause and trigger, with and without an event_id), and the schema is strict.
@Suite struct AlertSchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func schema() throws -> JSONSchemaCheck {
        try JSONSchemaCheck(schemaPath: root.appendingPathComponent("schemas/churn-alert.schema.json").path)
    }

    private static let published: [Alert]? = try? makeAlerts()

    /// Alerts of every trigger and cause from the committed model (made once).
    static func alerts() throws -> [Alert] { try #require(published, "no alerts from models/churn-svc.json") }

    private static func makeAlerts() throws -> [Alert] {
        let bytes = try [UInt8](Data(contentsOf: root.appendingPathComponent("models/churn-svc.json")))
        let artifact = try ArtifactCodec.decode(bytes)
        var composer = AlertComposer(artifact: artifact, modelVersion: "sha256:" + SHA256.hex(bytes),
                                     policy: AlertComposer.defaultPolicy(artifact))
        composer.explanationPairs = 2
        let ref = artifact.reference
        var risky = ref.atRiskMean
        for i in [FeatureSpec.Index.serviceType, FeatureSpec.Index.allowMessaging, FeatureSpec.Index.promoLevel,
                  FeatureSpec.Index.popularCategory] { risky[i] = ref.retainedTypical[i] }
        let day = Int64(DayMath.days(year: 2026, month: 3, day: 1))
        func at(_ d: Int64, _ minute: Int64 = 0) -> Int64 { d * 86_400_000 + minute * 60_000 }
        let events = [
            ClientEvent(clientId: 1, timeMillis: at(day), eventId: "snap \"1\"", payload: .snapshot(Snapshot(features: risky, profit: 9))),
            ClientEvent(clientId: 1, timeMillis: at(day, 1), payload: .profit(-2)),
            ClientEvent(clientId: 1, timeMillis: at(day, 2), eventId: "p", payload: .profit(9)),
            ClientEvent(clientId: 1, timeMillis: at(day, 3), payload: .snapshot(Snapshot(features: ref.retainedTypical, profit: 9))),
            // Client 1 is quiet from here on; client 2 moves the clock two months on.
            ClientEvent(clientId: 2, timeMillis: at(day + 60), payload: .serviceError),
        ]
        var p = PartitionProcessor(topic: "client-events", partition: 0, composer: composer)
        var out = PartitionProcessor.Output()
        for (offset, e) in events.enumerated() {
            Array(EventEncoder.json(e).utf8).withUnsafeBytes { p.process(value: $0, key: nil, offset: Int64(offset), into: &out) }
        }
        // A restart under a stricter rule: the client in the segment leaves, trigger restore.
        var records: [(clientId: Int64, value: [UInt8])] = []
        p.drainChangelog(into: &records)
        var strict = composer.policy
        strict.probabilityThreshold = 1
        var restored = PartitionProcessor(topic: "client-events", partition: 0,
                                          composer: AlertComposer(artifact: artifact, modelVersion: composer.modelVersion, policy: strict))
        for r in records {
            try Array(String(r.clientId).utf8).withUnsafeBytes { key in
                try r.value.withUnsafeBytes { try restored.restore(key: key, value: $0) }
            }
        }
        restored.finishRestore(into: &out)
        return out.alerts
    }

    static func object(_ alert: Alert) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(alert.json())) as? [String: Any])
    }

    @Test func publishedAlertsConform() throws {
        let alerts = try Self.alerts()
        let seen = Set(alerts.map { "\($0.kind.rawValue)/\($0.cause.rawValue)/\($0.trigger.rawValue)" })
        #expect(seen == ["at_risk/entered/event", "recovered/profit_fell/event", "recovered/probability_fell/event",
                         "at_risk/entered/ageing", "recovered/probability_fell/restore"])
        #expect(alerts.contains { $0.source.eventId != nil } && alerts.contains { $0.source.eventId == nil })
        let schema = try Self.schema()
        for alert in alerts {
            #expect(schema.violations(of: try Self.object(alert)) == [], "\(alert.alertId)")
        }
    }

    /// Applies `change` to a conforming alert's JSON object; the schema must name `expected`.
    static func expectRefused(_ expected: String, sourceLocation: SourceLocation = #_sourceLocation,
                              _ change: (inout [String: Any]) throws -> Void) throws {
        let alert = try #require(try alerts().first { $0.kind == .atRisk && !$0.recommendations.isEmpty })
        var object = try Self.object(alert)
        try change(&object)
        let violations = try schema().violations(of: object)
        #expect(violations.contains { $0.contains(expected) }, "\(violations)", sourceLocation: sourceLocation)
    }

    static func edit(_ object: inout [String: Any], _ key: String, _ change: (inout [String: Any]) -> Void) throws {
        var inner = try #require(object[key] as? [String: Any])
        change(&inner)
        object[key] = inner
    }

    static func editFirst(_ object: inout [String: Any], _ key: String, _ change: (inout [String: Any]) -> Void) throws {
        var items = try #require(object[key] as? [[String: Any]])
        change(&items[0])
        object[key] = items
    }

    @Test func mutatedAlertsAreRefused() throws {
        try Self.expectRefused("unexpected severity") { $0["severity"] = "high" }
        try Self.expectRefused("$.source: unexpected partition_key") { try Self.edit(&$0, "source") { $0["partition_key"] = "1" } }
        try Self.expectRefused("$.thresholds: unexpected extra") { try Self.edit(&$0, "thresholds") { $0["extra"] = 1 } }
        try Self.expectRefused("$.recommendations[0]: unexpected cost") { try Self.editFirst(&$0, "recommendations") { $0["cost"] = 1 } }
        try Self.expectRefused("$.kind: not in") { $0["kind"] = "maybe" }
        try Self.expectRefused("$.trigger: not in") { $0["trigger"] = "cron" }
        try Self.expectRefused("missing profit") { $0["profit"] = nil }
        try Self.expectRefused("$.source: missing event_id") { try Self.edit(&$0, "source") { $0["event_id"] = nil } }
        try Self.expectRefused("$.source.event_id: expected string or null") { try Self.edit(&$0, "source") { $0["event_id"] = 5 } }
        try Self.expectRefused("$.source.offset: below -1") { try Self.edit(&$0, "source") { $0["offset"] = -2 } }
        try Self.expectRefused("$.client_id: expected integer") { $0["client_id"] = 1.5 }
        try Self.expectRefused("$.probability: above 1") { $0["probability"] = 1.5 }
        try Self.expectRefused("$.recommendations[0].effect: not above 0") { try Self.editFirst(&$0, "recommendations") { $0["effect"] = 0 } }
        try Self.expectRefused("$.contributions: more than 5 items") {
            let items = try #require($0["contributions"] as? [Any])
            $0["contributions"] = items + items.prefix(1)
        }
        try Self.expectRefused("$.contributions[0].value: expected string") { try Self.editFirst(&$0, "contributions") { $0["value"] = 3 } }
        try Self.expectRefused("does not match") { $0["model_version"] = "md5:abc" }
        try Self.expectRefused("does not match") { $0["alert_id"] = "7" }
        try Self.expectRefused("not an RFC 3339 date-time") { $0["event_time"] = "yesterday" }
        try Self.expectRefused("$.schema: expected churn-alert/v1") { $0["schema"] = "churn-alert/v2" }
    }

    @Test func checkerAcceptsEveryTypeOfAList() throws {
        let schema = try Self.schema()
        let alert = try #require(try Self.alerts().first)
        var object = try Self.object(alert)
        for id: Any in [NSNull(), "x"] {
            try Self.edit(&object, "source") { $0["event_id"] = id }
            #expect(schema.violations(of: object) == [])
        }
    }
}
