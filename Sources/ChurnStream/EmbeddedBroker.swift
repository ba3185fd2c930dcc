import CRdKafka

/// An in-process Kafka-protocol cluster: librdkafka's mock cluster on a random loopback port.
/// Real clients (this worker, kcat, other processes) connect to ``bootstrapServers``.
///
/// Its limits (librdkafka 2.0.2): no admin API (topics are made with ``createTopic(_:partitions:)``),
/// no compaction, about 5 MiB kept per partition (older records silently vanish), transactions
/// only pretend. Groups, commits, rebalances and idempotent producers work.
public final class EmbeddedBroker: @unchecked Sendable {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    public let bootstrapServers: String

    /// Starts a cluster of `brokers` brokers.
    public init(brokers: Int = 1) throws(StreamError) {
        guard let conf = rd_kafka_conf_new() else { throw StreamError(.brokerFailed, "rd_kafka_conf_new failed") }
        var err = [CChar](repeating: 0, count: 512)
        // The cluster needs a client instance for its bookkeeping; it sends nothing.
        _ = rd_kafka_conf_set(conf, "log_level", "3", &err, err.count)
        guard let rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &err, err.count) else {
            rd_kafka_conf_destroy(conf)
            throw StreamError(.brokerFailed, "cannot create the broker's client: \(String(cString: err))")
        }
        guard let mc = rd_kafka_mock_cluster_new(rk, Int32(brokers)) else {
            rd_kafka_destroy(rk)
            throw StreamError(.brokerFailed, "cannot start the embedded broker (rd_kafka_mock_cluster_new failed)")
        }
        owner = rk
        cluster = mc
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(mc))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    /// Creates a topic (replication factor 1).
    public func createTopic(_ name: String, partitions: Int) throws(StreamError) {
        let err = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), 1)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS else {
            throw StreamError(.brokerFailed, "cannot create topic \(name): \(kafkaErrorText(err))")
        }
    }

    /// Disconnects every broker and refuses new connections (`up == false`), or lets them back.
    public func setBrokersUp(_ up: Bool) {
        _ = up ? rd_kafka_mock_broker_set_up(cluster, -1) : rd_kafka_mock_broker_set_down(cluster, -1)
    }

    /// Makes the next `count` Produce requests fail with `error` (a Kafka error code, e.g. 29
    /// TOPIC_AUTHORIZATION_FAILED, which clients do not retry).
    public func failNextProduceRequests(_ count: Int, error: Int32) {
        var errors = [rd_kafka_resp_err_t](repeating: rd_kafka_resp_err_t(rawValue: error), count: count)
        rd_kafka_mock_push_request_errors_array(cluster, 0, count, &errors)
    }

    /// Delays every broker's responses by `millis`.
    public func setRoundTrip(millis: Int) {
        _ = rd_kafka_mock_broker_set_rtt(cluster, -1, Int32(millis))
    }
}
