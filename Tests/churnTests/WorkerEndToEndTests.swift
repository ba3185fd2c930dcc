import ChurnState
import ChurnStream
import ChurnWorker
import Foundation
import Testing

/// The worker as its own process against the embedded broker: alerts equal an independent
/// replay of the same events through the state engine and the batch scorer, across restarts,
/// crashes, a second worker leaving, bad input and a broker outage.
@Suite(.serialized)
struct WorkerEndToEndTests {
    /// 300 clients and 20 days of their activity: about 9 k events, a few hundred alerts.
    static let scenario = WorkerFixture.events(clients: 300, days: 20)

    @Test func alertsEqualTheBatchScorersReplay() throws {
        let broker = try WorkerFixture.broker(partitions: 4, groups: ["e2e"], alerts: ["alerts-e2e"])
        try WorkerFixture.publish(Self.scenario, to: broker.bootstrapServers)
        let worker = try WorkerProcess(brokers: broker.bootstrapServers, group: "e2e", alerts: "alerts-e2e")
        try worker.waitUntilConsumed(Self.scenario.count)
        #expect(worker.metric("churn_events_applied_total") == Double(Self.scenario.count))
        #expect(worker.terminate() == 0)

        let input = try WorkerFixture.read(WorkerFixture.input, brokers: broker.bootstrapServers)
        let expected = WorkerFixture.expectedAlerts(inputRecords: input)
        let published = try WorkerFixture.read("alerts-e2e", brokers: broker.bootstrapServers)
        let actual = WorkerFixture.byClient(WorkerFixture.alerts(published))
        #expect(expected.values.reduce(0) { $0 + $1.count } > 20, "the scenario must produce alerts to compare")
        #expect(actual == expected)
        // Exactly once here: no restart, so no alert may be published twice.
        #expect(published.count == WorkerFixture.alerts(published).count)
        // Keyed by client, as the schema says.
        for r in published.prefix(50) {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.value)) as? [String: Any])
            #expect(r.key.map { String(decoding: $0, as: UTF8.self) } == "\(o["client_id"] ?? "")")
        }
    }

    /// An uninterrupted run's final changelog state and alerts, for the restart tests to equal.
    static func reference(_ broker: EmbeddedBroker) throws -> (alerts: [Int64: [String]], state: [Int64: ChangelogRecord]) {
        let worker = try WorkerProcess(brokers: broker.bootstrapServers, group: "ref", alerts: "alerts-ref")
        try worker.waitUntilConsumed(scenario.count)
        #expect(worker.terminate() == 0)
        let alerts = WorkerFixture.byClient(WorkerFixture.alerts(try WorkerFixture.read("alerts-ref", brokers: broker.bootstrapServers)))
        let state = WorkerFixture.finalState(try WorkerFixture.read("ref-state-changelog", brokers: broker.bootstrapServers))
        return (alerts, state)
    }

    static func expectSameOutcome(_ broker: EmbeddedBroker, group: String, alerts topic: String,
                                  as reference: (alerts: [Int64: [String]], state: [Int64: ChangelogRecord])) throws {
        let alerts = WorkerFixture.byClient(WorkerFixture.alerts(try WorkerFixture.read(topic, brokers: broker.bootstrapServers)))
        #expect(alerts == reference.alerts)
        let state = WorkerFixture.finalState(try WorkerFixture.read("\(group)-state-changelog", brokers: broker.bootstrapServers))
        #expect(state.count == reference.state.count)
        for (id, want) in reference.state {
            let got = state[id]
            #expect(got?.state == want.state, "client \(id) state")
            #expect(got?.memory == want.memory, "client \(id) alert memory")
        }
    }

    @Test(arguments: ["sigterm", "kill9"])
    func restartMidStreamLosesNothing(how: String) throws {
        let group = "restart-\(how)"
        let broker = try WorkerFixture.broker(partitions: 4, groups: ["ref", group], alerts: ["alerts-ref", "alerts-\(group)"])
        let half = Self.scenario.count * 6 / 10
        try WorkerFixture.publish(Self.scenario.prefix(half), to: broker.bootstrapServers)
        // A long commit interval leaves the last events uncommitted when the crash comes.
        let first = try WorkerProcess(brokers: broker.bootstrapServers, group: group, alerts: "alerts-\(group)",
                                      extra: ["--commit-interval-ms", "4000"])
        try first.waitUntilConsumed(half)
        if how == "sigterm" {
            let started = Date()
            #expect(first.terminate() == 0)
            #expect(Date().timeIntervalSince(started) < 20, "clean shutdown must be bounded")
        } else {
            first.kill9()
        }
        try WorkerFixture.publish(Self.scenario.dropFirst(half), to: broker.bootstrapServers)
        let second = try WorkerProcess(brokers: broker.bootstrapServers, group: group, alerts: "alerts-\(group)")
        try second.waitUntilConsumed(Self.scenario.count - half)
        if how == "sigterm" {
            // A clean stop committed everything: nothing is read twice.
            #expect(second.metric("churn_events_replayed_total") == 0)
            #expect((second.metric("churn_restored_records_total") ?? 0) > 0)
        }
        #expect(second.terminate() == 0)
        let reference = try Self.reference(broker)
        try Self.expectSameOutcome(broker, group: group, alerts: "alerts-\(group)", as: reference)
    }

    @Test func secondWorkerTakesOverAndRestores() throws {
        let broker = try WorkerFixture.broker(partitions: 6, groups: ["ref", "pair"], alerts: ["alerts-ref", "alerts-pair"])
        let half = Self.scenario.count / 2
        try WorkerFixture.publish(Self.scenario.prefix(half), to: broker.bootstrapServers)
        let a = try WorkerProcess(brokers: broker.bootstrapServers, group: "pair", alerts: "alerts-pair")
        let b = try WorkerProcess(brokers: broker.bootstrapServers, group: "pair", alerts: "alerts-pair")
        // Both members hold partitions before one leaves.
        _ = try WorkerProcess.waitFor(timeout: 60) { () -> Bool? in
            let pa = a.metric("churn_partitions_assigned") ?? 0, pb = b.metric("churn_partitions_assigned") ?? 0
            let consumed = (a.metric("churn_events_consumed_total") ?? 0) + (b.metric("churn_events_consumed_total") ?? 0)
            return pa > 0 && pb > 0 && pa + pb == 6 && consumed >= Double(half) && a.metric("churn_consumer_lag") == 0
                && b.metric("churn_consumer_lag") == 0 ? true : nil
        }
        let restoredBefore = a.metric("churn_restored_records_total") ?? 0
        #expect(b.terminate() == 0)
        _ = try WorkerProcess.waitFor(timeout: 60) { a.metric("churn_partitions_assigned") == 6 && a.metric("churn_ready") == 1 ? true : nil }
        #expect((a.metric("churn_restored_records_total") ?? 0) > restoredBefore, "the survivor restores the partitions it takes over")
        try WorkerFixture.publish(Self.scenario.dropFirst(half), to: broker.bootstrapServers)
        _ = try WorkerProcess.waitFor(timeout: 120) { a.metric("churn_consumer_lag") == 0 && (a.metric("churn_events_consumed_total") ?? 0) > 0 ? true : nil }
        try a.waitUntilConsumed(0)
        #expect(a.terminate() == 0)
        let reference = try Self.reference(broker)
        try Self.expectSameOutcome(broker, group: "pair", alerts: "alerts-pair", as: reference)
    }

    @Test func lostOutputStopsCommitsAndTheNextStartRecreatesIt() throws {
        let broker = try WorkerFixture.broker(partitions: 4, groups: ["lost"], alerts: ["alerts-lost"])
        try WorkerFixture.publish(Self.scenario, to: broker.bootstrapServers)
        // Produce requests refused for good: the alerts and changelog records in them are lost.
        broker.failNextProduceRequests(1, error: 29)
        let first = try WorkerProcess(brokers: broker.bootstrapServers, group: "lost", alerts: "alerts-lost")
        let status = first.waitExit(timeout: 120)
        #expect(status != nil && status != 0, "a lost record ends the worker instead of committing past it")
        #expect(first.log.contains("delivery_failed") || first.log.contains("not acknowledged"))
        let second = try WorkerProcess(brokers: broker.bootstrapServers, group: "lost", alerts: "alerts-lost")
        // Nothing was committed: the second start reads everything again.
        try second.waitUntilConsumed(Self.scenario.count)
        #expect(second.terminate() == 0)
        let input = try WorkerFixture.read(WorkerFixture.input, brokers: broker.bootstrapServers)
        let published = try WorkerFixture.read("alerts-lost", brokers: broker.bootstrapServers)
        #expect(WorkerFixture.byClient(WorkerFixture.alerts(published)) == WorkerFixture.expectedAlerts(inputRecords: input))
    }

    @Test func brokerOutageIsRiddenOut() throws {
        let broker = try WorkerFixture.broker(partitions: 4, groups: ["outage"], alerts: ["alerts-outage"])
        try WorkerFixture.publish(Self.scenario, to: broker.bootstrapServers)
        let worker = try WorkerProcess(brokers: broker.bootstrapServers, group: "outage", alerts: "alerts-outage")
        _ = try WorkerProcess.waitFor(timeout: 60) { (worker.metric("churn_events_consumed_total") ?? 0) > 0 ? true : nil }
        broker.setBrokersUp(false)
        sleep(4)
        broker.setBrokersUp(true)
        try worker.waitUntilConsumed(Self.scenario.count, timeout: 180)
        #expect(worker.terminate() == 0)
        let input = try WorkerFixture.read(WorkerFixture.input, brokers: broker.bootstrapServers)
        let published = try WorkerFixture.read("alerts-outage", brokers: broker.bootstrapServers)
        #expect(WorkerFixture.byClient(WorkerFixture.alerts(published)) == WorkerFixture.expectedAlerts(inputRecords: input))
    }
}
