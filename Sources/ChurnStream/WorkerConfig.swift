/// How a worker connects and what it reads and writes. Flags and environment variables of
/// `churn run` fill it; librdkafka properties pass through in `kafka`.
public struct WorkerConfig: Sendable {
    public var brokers: String
    public var group = "churn-worker"
    public var inputTopic = "client-events"
    public var alertsTopic = "churn-alerts"
    public var deadLetterTopic = "client-events-dlq"
    /// Default `<group>-state-changelog`.
    public var changelogTopic: String?
    /// How often dirty state is written to the changelog and, once acknowledged with the alerts
    /// before it, the input offsets are committed. A crash replays at most this much input (the
    /// restored state skips what it already holds); shorter intervals write each busy client's
    /// state more often (Kafka Streams defaults to 30 s for at-least-once).
    public var commitIntervalMillis = 5000
    /// How long the start-up checks wait for a broker.
    public var startupTimeoutMillis: Int32 = 10_000
    /// Upper bound on the clean shutdown (flush and commit) after SIGTERM.
    public var shutdownTimeoutMillis = 15_000
    /// `-X key=value` pass-throughs (SASL, TLS, timeouts…), applied over the worker's defaults.
    public var kafka = KafkaSettings()
    /// Clients rescored for a day change per input message (the rest when the input is idle), so
    /// that midnight does not stall the events behind it. See ``PartitionProcessor/ageingStep``.
    public var ageingStep = 8
    /// Create missing output and changelog topics through the admin API when the broker allows it.
    public var createTopics = true

    public init(brokers: String) { self.brokers = brokers }

    public var resolvedChangelogTopic: String { changelogTopic ?? "\(group)-state-changelog" }

    /// Settings shared by every client of the worker.
    var common: KafkaSettings {
        KafkaSettings([("bootstrap.servers", brokers), ("client.id", "churn-\(group)")]).merging(kafka)
    }
}
