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
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples { out += labels.isEmpty ? "\(name) \(value)\n" : "\(name){\(labels)} \(value)\n" }
        }
        func one(_ name: String, _ type: String, _ help: String, _ value: some CustomStringConvertible) {
            family(name, type, help, [("", value.description)])
        }
        func byPartition<V: CustomStringConvertible>(_ values: [Int32: V]) -> [(labels: String, value: String)] {
            values.sorted { $0.key < $1.key }.map { ("partition=\"\($0.key)\"", $0.value.description) }
        }
        one("churn_events_consumed_total", "counter", "Input messages read.", eventsConsumed)
        one("churn_events_applied_total", "counter", "Events applied to client state.", eventsApplied)
        one("churn_events_replayed_total", "counter", "Messages skipped after a restart because the restored state already held them.", replaysSkipped)
        family("churn_events_rejected_total", "counter", "Messages sent to the dead-letter topic, by reason.",
               rejected.sorted { $0.key < $1.key }.map { ("reason=\"\($0.key)\"", String($0.value)) })
        family("churn_alerts_total", "counter", "Alerts published, by kind.",
               ["at_risk", "recovered"].map { ("kind=\"\($0)\"", String(alerts[$0] ?? 0)) })
        one("churn_clients_rescored_total", "counter", "Clients whose features changed and were checked against the alert rule (event, ageing, restore).", clientsRescored)
        one("churn_scores_skipped_total", "counter", "Of those, clients not scored: out of the segment with a profit below its threshold, no probability can make them enter.", scoresSkipped)
        var cumulative: UInt64 = 0
        var buckets: [(labels: String, value: String)] = LatencyHistogram.bounds.enumerated().map { i, bound in
            cumulative += scoring.counts[i]
            return ("le=\"\(bound)\"", String(cumulative))
        }
        buckets.append(("le=\"+Inf\"", String(scoring.count)))
        family("churn_event_processing_seconds", "histogram", "Time to apply one event and rescore every client it changed (explanations included).", [])
        for (labels, value) in buckets { out += "churn_event_processing_seconds_bucket{\(labels)} \(value)\n" }
        out += "churn_event_processing_seconds_sum \(scoring.sum)\nchurn_event_processing_seconds_count \(scoring.count)\n"
        family("churn_consumer_lag", "gauge", "Messages behind the high watermark, per input partition.", byPartition(lag))
        one("churn_state_clients", "gauge", "Clients held in state.", clients)
        one("churn_state_bytes", "gauge", "Approximate bytes of client state.", stateBytes)
        one("churn_clients_in_segment", "gauge", "Clients now in the alert segment.", clientsInSegment)
        family("churn_restore_duration_seconds", "gauge", "Duration of the last restore from the changelog, per partition.", byPartition(restoreSeconds))
        one("churn_restored_records_total", "counter", "Changelog records read during restores.", restoredRecords)
        one("churn_restore_errors_total", "counter", "Changelog records that could not be read.", restoreErrors)
        one("churn_rebalances_total", "counter", "Group rebalances seen (assignments and revocations).", rebalances)
        one("churn_commits_total", "counter", "Input offset commits after acknowledged outputs.", commits)
        one("churn_changelog_records_total", "counter", "State records written to the changelog.", changelogRecords)
        one("churn_delivery_retries_total", "counter", "Commit cycles retried because the broker had not acknowledged outputs.", deliveryRetries)
        one("churn_partitions_assigned", "gauge", "Input partitions assigned to this worker.", assigned)
        one("churn_partitions_restoring", "gauge", "Assigned partitions still restoring.", restoring)
        one("churn_ready", "gauge", "1 when every assigned partition is restored.", ready ? 1 : 0)
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
