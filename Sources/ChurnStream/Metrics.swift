import Synchronization

/// What ops watch, as one value: the worker publishes a fresh copy a few times a second and the
/// HTTP endpoint renders the newest one. Counters only grow for the life of the process.
public struct MetricsSnapshot: Sendable, Equatable {
    public var eventsConsumed: UInt64 = 0
    public var eventsApplied: UInt64 = 0
    public var replaysSkipped: UInt64 = 0
    public var rejected: [String: UInt64] = [:]
    public var alerts: [String: UInt64] = [:]
    public var clientsRescored: UInt64 = 0
    public var scoresSkipped: UInt64 = 0
    public var scoring = LatencyHistogram()
    /// Consumer lag (high watermark − next offset) per input partition.
    public var lag: [Int32: Int64] = [:]
    public var clients = 0
    public var stateBytes = 0
    public var clientsInSegment = 0
    public var restoreSeconds: [Int32: Double] = [:]
    public var restoredRecords: UInt64 = 0
    public var restoreErrors: UInt64 = 0
    public var rebalances: UInt64 = 0
    public var commits: UInt64 = 0
    public var changelogRecords: UInt64 = 0
    public var deliveryRetries: UInt64 = 0
    public var assigned = 0
    public var restoring = 0
    /// At least one assignment received and every assigned partition restored.
    public var ready = false
    public var stopping = false

    public init() {}

    /// Prometheus text exposition format (version 0.0.4).
    public func prometheusText() -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        func sample(_ name: String, _ labels: String = "", _ value: String) {
            out += labels.isEmpty ? "\(name) \(value)\n" : "\(name){\(labels)} \(value)\n"
        }
        family("churn_events_consumed_total", "counter", "Input messages read.")
        sample("churn_events_consumed_total", "", String(eventsConsumed))
        family("churn_events_applied_total", "counter", "Events applied to client state.")
        sample("churn_events_applied_total", "", String(eventsApplied))
        family("churn_events_replayed_total", "counter", "Messages skipped after a restart because the restored state already held them.")
        sample("churn_events_replayed_total", "", String(replaysSkipped))
        family("churn_events_rejected_total", "counter", "Messages sent to the dead-letter topic, by reason.")
        for (reason, n) in rejected.sorted(by: { $0.key < $1.key }) { sample("churn_events_rejected_total", "reason=\"\(reason)\"", String(n)) }
        family("churn_alerts_total", "counter", "Alerts published, by kind.")
        for kind in ["at_risk", "recovered"] { sample("churn_alerts_total", "kind=\"\(kind)\"", String(alerts[kind] ?? 0)) }
        family("churn_clients_rescored_total", "counter", "Clients whose features changed and were checked against the alert rule (event, ageing, restore).")
        sample("churn_clients_rescored_total", "", String(clientsRescored))
        family("churn_scores_skipped_total", "counter", "Of those, clients not scored: out of the segment with a profit below its threshold, no probability can make them enter.")
        sample("churn_scores_skipped_total", "", String(scoresSkipped))
        family("churn_event_processing_seconds", "histogram", "Time to apply one event and rescore every client it changed (explanations included).")
        var cumulative: UInt64 = 0
        for (i, bound) in LatencyHistogram.bounds.enumerated() {
            cumulative += scoring.counts[i]
            sample("churn_event_processing_seconds_bucket", "le=\"\(bound)\"", String(cumulative))
        }
        sample("churn_event_processing_seconds_bucket", "le=\"+Inf\"", String(scoring.count))
        sample("churn_event_processing_seconds_sum", "", String(scoring.sum))
        sample("churn_event_processing_seconds_count", "", String(scoring.count))
        family("churn_consumer_lag", "gauge", "Messages behind the high watermark, per input partition.")
        for (p, l) in lag.sorted(by: { $0.key < $1.key }) { sample("churn_consumer_lag", "partition=\"\(p)\"", String(l)) }
        family("churn_state_clients", "gauge", "Clients held in state.")
        sample("churn_state_clients", "", String(clients))
        family("churn_state_bytes", "gauge", "Approximate bytes of client state.")
        sample("churn_state_bytes", "", String(stateBytes))
        family("churn_clients_in_segment", "gauge", "Clients now in the alert segment.")
        sample("churn_clients_in_segment", "", String(clientsInSegment))
        family("churn_restore_duration_seconds", "gauge", "Duration of the last restore from the changelog, per partition.")
        for (p, s) in restoreSeconds.sorted(by: { $0.key < $1.key }) { sample("churn_restore_duration_seconds", "partition=\"\(p)\"", String(s)) }
        family("churn_restored_records_total", "counter", "Changelog records read during restores.")
        sample("churn_restored_records_total", "", String(restoredRecords))
        family("churn_restore_errors_total", "counter", "Changelog records that could not be read.")
        sample("churn_restore_errors_total", "", String(restoreErrors))
        family("churn_rebalances_total", "counter", "Group rebalances seen (assignments and revocations).")
        sample("churn_rebalances_total", "", String(rebalances))
        family("churn_commits_total", "counter", "Input offset commits after acknowledged outputs.")
        sample("churn_commits_total", "", String(commits))
        family("churn_changelog_records_total", "counter", "State records written to the changelog.")
        sample("churn_changelog_records_total", "", String(changelogRecords))
        family("churn_delivery_retries_total", "counter", "Commit cycles retried because the broker had not acknowledged outputs.")
        sample("churn_delivery_retries_total", "", String(deliveryRetries))
        family("churn_partitions_assigned", "gauge", "Input partitions assigned to this worker.")
        sample("churn_partitions_assigned", "", String(assigned))
        family("churn_partitions_restoring", "gauge", "Assigned partitions still restoring.")
        sample("churn_partitions_restoring", "", String(restoring))
        family("churn_ready", "gauge", "1 when every assigned partition is restored.")
        sample("churn_ready", "", ready ? "1" : "0")
        return out
    }
}

/// The newest ``MetricsSnapshot``, shared between the worker thread and the HTTP thread.
public final class MetricsBoard: Sendable {
    private let current = Mutex(MetricsSnapshot())

    public init() {}

    public func publish(_ snapshot: MetricsSnapshot) { current.withLock { $0 = snapshot } }

    public func update(_ change: (inout MetricsSnapshot) -> Void) { current.withLock { change(&$0) } }

    public var snapshot: MetricsSnapshot { current.withLock { $0 } }
}
