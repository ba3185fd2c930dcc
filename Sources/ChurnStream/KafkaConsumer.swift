import CRdKafka

/// A librdkafka consumer: a group member (``subscribe(_:)``) or a plain reader of assigned
/// partitions (the changelog restorer). Used from one thread, the one that calls ``poll(_:)``;
/// rebalances are delivered to ``onRebalance`` from inside ``poll(_:)``.
public final class KafkaConsumer {
    let handle: OpaquePointer
    let context: KafkaClientContext

    /// What a rebalance asks of the member.
    public enum Rebalance: Sendable {
        case assigned([TopicPartition])
        case revoked([TopicPartition], lost: Bool)
    }

    /// Group defaults: offsets committed only by the worker, after its outputs are acknowledged;
    /// a new group starts from the earliest offset, as Kafka Streams does.
    public static let groupDefaults = KafkaSettings([
        ("enable.auto.commit", "false"),
        ("enable.auto.offset.store", "false"),
        ("auto.offset.reset", "earliest"),
        ("partition.assignment.strategy", "cooperative-sticky"),
        ("enable.partition.eof", "false"),
    ])

    /// Called from inside ``poll(_:)`` on a rebalance, before the assignment changes: revoked
    /// partitions are still assigned while it runs, assigned ones are not fetched until it returns.
    public var onRebalance: ((Rebalance) -> Void)?

    public init(settings: KafkaSettings, log: Log, group: Bool) throws(StreamError) {
        context = KafkaClientContext(log: log)
        var s = settings
        if group { s = Self.groupDefaults.merging(settings) }
        let conf = try s.makeConf()
        context.install(on: conf, deliveryReports: false)
        if group {
            rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
                guard let rk, let partitions, let opaque else { return }
                let ctx = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
                if let handler = ctx.rebalance {
                    handler(err, partitions)
                } else if err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
                    _ = rd_kafka_assign(rk, partitions)
                } else {
                    _ = rd_kafka_assign(rk, nil)
                }
            }
        }
        var err = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &err, err.count) else {
            rd_kafka_conf_destroy(conf)
            throw StreamError(.clientFailed, "cannot create a Kafka consumer: \(String(cString: err))")
        }
        handle = rk
        rd_kafka_poll_set_consumer(rk)
        context.rebalance = { [unowned self] err, list in self.handleRebalance(err, list) }
    }

    deinit {
        context.rebalance = nil
        rd_kafka_destroy(handle)
    }

    public var fatalError: String? { context.fatal }

    /// "COOPERATIVE" or "EAGER" (or "NONE" before the first rebalance).
    public var rebalanceProtocol: String { String(cString: rd_kafka_rebalance_protocol(handle)) }

    private func handleRebalance(_ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let partitions = PartitionList.read(list).map(\.0)
        let cooperative = rebalanceProtocol == "COOPERATIVE"
        if err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS {
            onRebalance?(.assigned(partitions))
            if cooperative {
                if let e = rd_kafka_incremental_assign(handle, list) { rd_kafka_error_destroy(e) }
            } else {
                _ = rd_kafka_assign(handle, list)
            }
        } else {
            onRebalance?(.revoked(partitions, lost: rd_kafka_assignment_lost(handle) != 0))
            if cooperative {
                if let e = rd_kafka_incremental_unassign(handle, list) { rd_kafka_error_destroy(e) }
            } else {
                _ = rd_kafka_assign(handle, nil)
            }
        }
    }

    public func subscribe(_ topics: [String]) throws(StreamError) {
        let list = PartitionList.make(topics.map { (TopicPartition($0, RD_KAFKA_PARTITION_UA), nil) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_subscribe(handle, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw StreamError(.kafka, "cannot subscribe to \(topics.joined(separator: ", ")): \(kafkaErrorText(err))")
        }
    }

    /// Reads the given partitions from the given offsets, outside any group.
    public func assign(_ partitions: [(TopicPartition, Int64)]) throws(StreamError) {
        let list = PartitionList.make(partitions.map { ($0.0, $0.1) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_assign(handle, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw StreamError(.kafka, "cannot assign partitions: \(kafkaErrorText(err))") }
    }

    /// The next message or event, waiting up to `millis`; the caller destroys it with
    /// `rd_kafka_message_destroy`. Rebalances run inside this call.
    public func poll(_ millis: Int32) -> UnsafeMutablePointer<rd_kafka_message_t>? {
        rd_kafka_consumer_poll(handle, millis)
    }

    /// Commits `offsets` (the next offset to read, per partition) to the group.
    public func commit(_ offsets: [(TopicPartition, Int64)], async: Bool) throws(StreamError) {
        guard !offsets.isEmpty else { return }
        let list = PartitionList.make(offsets.map { ($0.0, $0.1) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_commit(handle, list, async ? 1 : 0)
        switch err {
        case RD_KAFKA_RESP_ERR_NO_ERROR:
            return
        case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID, RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION, RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID:
            throw StreamError(.membershipLost, "cannot commit offsets: \(kafkaErrorText(err)); the partitions' next owner replays from the last commit")
        default:
            throw StreamError(.kafka, "cannot commit offsets: \(kafkaErrorText(err))")
        }
    }

    /// Committed offsets of the group for `partitions` (nil where none is committed).
    public func committed(_ partitions: [TopicPartition], timeoutMillis: Int32) -> [TopicPartition: Int64] {
        let list = PartitionList.make(partitions.map { ($0, nil) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        guard rd_kafka_committed(handle, list, timeoutMillis) == RD_KAFKA_RESP_ERR_NO_ERROR else { return [:] }
        var out: [TopicPartition: Int64] = [:]
        for (tp, offset, err) in PartitionList.read(list) where err == RD_KAFKA_RESP_ERR_NO_ERROR && offset >= 0 {
            out[tp] = offset
        }
        return out
    }

    public func pause(_ partitions: [TopicPartition]) { setPaused(partitions, true) }
    public func resume(_ partitions: [TopicPartition]) { setPaused(partitions, false) }

    private func setPaused(_ partitions: [TopicPartition], _ paused: Bool) {
        guard !partitions.isEmpty else { return }
        let list = PartitionList.make(partitions.map { ($0, nil) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        _ = paused ? rd_kafka_pause_partitions(handle, list) : rd_kafka_resume_partitions(handle, list)
    }

    /// Low and high watermarks as last seen in fetch responses (no broker round trip).
    public func cachedWatermarks(_ tp: TopicPartition) -> (low: Int64, high: Int64)? {
        var low: Int64 = -1, high: Int64 = -1
        guard rd_kafka_get_watermark_offsets(handle, tp.topic, tp.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
              high >= 0 else { return nil }
        return (low, high)
    }

    /// Low and high watermarks asked of the partition's leader.
    public func queryWatermarks(_ tp: TopicPartition, timeoutMillis: Int32) throws(StreamError) -> (low: Int64, high: Int64) {
        var low: Int64 = -1, high: Int64 = -1
        let err = rd_kafka_query_watermark_offsets(handle, tp.topic, tp.partition, &low, &high, timeoutMillis)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw StreamError(.kafka, "cannot read the offsets of \(tp): \(kafkaErrorText(err))")
        }
        return (low, high)
    }

    /// Every topic's partition count.
    public func topics(timeoutMillis: Int32) throws(StreamError) -> [String: Int] {
        try ClusterMetadata.topics(handle, timeoutMillis: timeoutMillis)
    }

    /// Leaves the group (revoking what is assigned, through ``onRebalance``).
    public func close() {
        _ = rd_kafka_consumer_close(handle)
    }
}
