import ChurnState
import ChurnStream
import Foundation
import Testing

/// What ops and the pipeline see of a running worker: dead letters, lag while paused,
/// readiness during a restore, and clear refusals at start.
@Suite(.serialized)
struct WorkerOpsTests {
    /// One message per reason code, plus truncated, empty, oversized, wrongly keyed and late ones.
    static func badMessages(clock: Int64) -> [(reason: String, key: Int64?, bytes: [UInt8])] {
        let day = RFC3339.format(millis: clock)
        let old = RFC3339.format(millis: clock - 200 * 86_400_000)
        func visit(_ fields: String, id: Int64 = 1, ts: String? = nil, schema: String = "client-event/v1", type: String = "visit") -> String {
            "{\"schema\":\"\(schema)\",\"type\":\"\(type)\",\"client_id\":\(id),\"ts\":\"\(ts ?? day)\"\(fields)}"
        }
        let valid = visit(",\"minutes\":3,\"pages\":4,\"categories_viewed\":2")
        let cases: [(String, Int64?, String)] = [
            ("bad_json", 1, "{\"schema\":\"client-event/v1\",\"type\":"),
            ("unknown_schema", 1, visit(",\"minutes\":3,\"pages\":4,\"categories_viewed\":2", schema: "client-event/v9")),
            ("unknown_type", 1, visit("", type: "teleport")),
            ("missing_field", 1, visit(",\"minutes\":3,\"pages\":4")),
            ("bad_type", 1, visit(",\"minutes\":\"three\",\"pages\":4,\"categories_viewed\":2")),
            ("bad_value", 1, visit(",\"minutes\":-3,\"pages\":4,\"categories_viewed\":2")),
            ("unknown_category", 1, visit(",\"revenue\":10,\"items\":1,\"promo_items\":0,\"category\":\"Books\"", type: "purchase")),
            ("duplicate_field", 1, visit(",\"minutes\":3,\"minutes\":4,\"pages\":4,\"categories_viewed\":2")),
            ("too_large", 1, visit(",\"minutes\":3,\"pages\":4,\"categories_viewed\":2,\"note\":\"\(String(repeating: "x", count: 17_000))\"")),
            ("bad_json", 1, String(valid.prefix(valid.count / 2))),
            ("bad_json", 1, ""),
            ("key_mismatch", 2, valid),
            ("late", 1, visit(",\"minutes\":3,\"pages\":4,\"categories_viewed\":2", ts: old)),
        ]
        return cases.map { ($0.0, $0.1, Array($0.2.utf8)) }
    }

    @Test func badInputGoesToTheDeadLetterTopicAndNothingValidIsLost() throws {
        let broker = try WorkerFixture.broker(partitions: 3, groups: ["dlq"], alerts: ["alerts-dlq"])
        let valid = WorkerFixture.events(clients: 60, days: 5, seed: 5)
        let clock = valid.map(\.timeMillis).max() ?? 0
        let bad = Self.badMessages(clock: clock)
        let publisher = try EventPublisher(brokers: broker.bootstrapServers, topic: WorkerFixture.input, log: Log(component: "test", minimum: .error))
        // Bad messages spread through the valid stream, after the clock has moved (so `late` is late).
        for (i, e) in valid.enumerated() {
            try publisher.publish(e)
            if i >= valid.count / 2, (i - valid.count / 2) < bad.count {
                let b = bad[i - valid.count / 2]
                try publisher.publish(clientId: b.key, json: b.bytes)
            }
        }
        try publisher.flush()
        let worker = try WorkerProcess(brokers: broker.bootstrapServers, group: "dlq", alerts: "alerts-dlq")
        try worker.waitUntilConsumed(valid.count + bad.count)
        #expect(worker.metric("churn_events_applied_total") == Double(valid.count))
        #expect(worker.metric("churn_events_rejected_total") == Double(bad.count))
        #expect(worker.terminate() == 0)

        let dead = try WorkerFixture.read("client-events-dlq", brokers: broker.bootstrapServers)
        let input = try WorkerFixture.read(WorkerFixture.input, brokers: broker.bootstrapServers)
        #expect(dead.count == bad.count)
        let reasons = dead.compactMap { $0.headers["churn.reason"].map { String(decoding: $0, as: UTF8.self) } }
        #expect(reasons.sorted() == bad.map(\.reason).sorted())
        for d in dead {
            // The dead letter carries the original bytes and points back at them.
            let partition = d.headers["churn.source.partition"].flatMap { Int32(String(decoding: $0, as: UTF8.self)) }
            let offset = d.headers["churn.source.offset"].flatMap { Int64(String(decoding: $0, as: UTF8.self)) }
            let original = input.first { $0.partition == partition && $0.offset == offset }
            #expect(original?.value == d.value, "dead letter \(reasons) points at its original message")
            #expect(d.headers["churn.source.topic"].map { String(decoding: $0, as: UTF8.self) } == WorkerFixture.input)
            #expect(!(d.headers["churn.error"] ?? []).isEmpty)
        }
        // The valid events still give exactly the expected alerts.
        let alerts = WorkerFixture.byClient(WorkerFixture.alerts(try WorkerFixture.read("alerts-dlq", brokers: broker.bootstrapServers)))
        #expect(alerts == WorkerFixture.expectedAlerts(inputRecords: input))
    }

    @Test func lagRisesWhilePausedAndReadinessWaitsForTheRestore() throws {
        let broker = try WorkerFixture.broker(partitions: 4, groups: ["ops"], alerts: ["alerts-ops"])
        let events = WorkerFixture.events(clients: 200, days: 6, seed: 9)
        let split = events.count / 2
        try WorkerFixture.publish(events.prefix(split), to: broker.bootstrapServers)
        let first = try WorkerProcess(brokers: broker.bootstrapServers, group: "ops", alerts: "alerts-ops")
        try first.waitUntilConsumed(split)
        #expect(first.post("/pause")?.status == 202)
        _ = try WorkerProcess.waitFor(timeout: 10) { first.log.contains("consumption paused") ? true : nil }
        try WorkerFixture.publish(events.dropFirst(split), to: broker.bootstrapServers)
        let lag = try WorkerProcess.waitFor(timeout: 20) { () -> Double? in
            guard let l = first.metric("churn_consumer_lag"), l >= Double(events.count - split) else { return nil }
            return l
        }
        #expect(lag == Double(events.count - split), "every unread message shows as lag while paused")
        #expect(first.post("/resume")?.status == 202)
        try first.waitUntilConsumed(events.count)
        #expect(first.metric("churn_consumer_lag") == 0)
        #expect(first.terminate() == 0)

        // A slow broker makes the next start's restore take a while: /readyz says so, then turns 200.
        broker.setRoundTrip(millis: 150)
        let second = try WorkerProcess(brokers: broker.bootstrapServers, group: "ops", alerts: "alerts-ops")
        var sawRestoring = false
        let ready = try WorkerProcess.waitFor(timeout: 60) { () -> Bool? in
            guard let r = second.get("/readyz") else { return nil }
            if r.status == 503 && r.body.contains("restoring") { sawRestoring = true }
            return r.status == 200 ? true : nil
        }
        broker.setRoundTrip(millis: 0)
        #expect(ready)
        #expect(sawRestoring, "/readyz answered 503 while the partitions were restoring")
        #expect((second.metric("churn_restored_records_total") ?? 0) > 0)
        #expect(second.get("/healthz")?.status == 200)
        #expect(second.get("/nope")?.status == 404)
        #expect(second.terminate() == 0)
    }

    @Test func startFailsClearlyOnABrokenModelAnUnreachableBrokerOrAMissingTopic() throws {
        let badModel = CLIRunner.temporaryPath("model.json")
        try Data("{\"format\":\"churn-model\"".utf8).write(to: URL(fileURLWithPath: badModel))
        let broken = try CLIRunner.run(["run", "--brokers", "127.0.0.1:9", "--model", badModel, "--http", "127.0.0.1:0"])
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("model.json"))

        let started = Date()
        let unreachable = try CLIRunner.run(["run", "--brokers", "127.0.0.1:9", "--model", WorkerFixture.modelPath, "--http", "127.0.0.1:0",
                                             "-X", "socket.connection.setup.timeout.ms=1000", "-X", "sasl.password=hunter2-secret"])
        #expect(unreachable.status != 0)
        #expect(unreachable.stderr.contains("sasl.password=[redacted]"))
        #expect(!unreachable.stderr.contains("hunter2"), "secret values never reach the log")
        #expect(unreachable.stderr.contains("broker_unreachable"))
        #expect(Date().timeIntervalSince(started) < 30, "an unreachable broker fails within the start-up timeout, no hang")

        let broker = try EmbeddedBroker()
        let missing = try CLIRunner.run(["run", "--brokers", broker.bootstrapServers, "--model", WorkerFixture.modelPath,
                                         "--http", "127.0.0.1:0", "--input", "no-such-topic"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no-such-topic"))
        #expect(missing.stderr.contains("does not exist"))
    }
}
