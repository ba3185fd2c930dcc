import CRdKafka

/// One partition of a topic, with an offset where one matters.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public init(_ topic: String, _ partition: Int32) {
        self.topic = topic
        self.partition = partition
    }
    public var description: String { "\(topic)[\(partition)]" }
}

/// Conversions between Swift lists and librdkafka's topic-partition lists.
enum PartitionList {
    /// A new list (the caller destroys it) of partitions with offsets (nil: no offset).
    static func make(_ items: [(TopicPartition, Int64?)]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(max(items.count, 1)))!
        for (tp, offset) in items {
            let e = rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition)
            if let offset { e?.pointee.offset = offset }
        }
        return list
    }

    /// The entries of a list: partition, offset and error.
    static func read(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [(TopicPartition, Int64, rd_kafka_resp_err_t)] {
        (0..<Int(list.pointee.cnt)).map { i in
            let e = list.pointee.elems[i]
            return (TopicPartition(String(cString: e.topic), e.partition), e.offset, e.err)
        }
    }
}

/// Topic names and partition counts seen by one client.
enum ClusterMetadata {
    /// Every topic's partition count. Throws when no broker answers within `timeoutMillis`.
    static func topics(_ rk: OpaquePointer, timeoutMillis: Int32) throws(StreamError) -> [String: Int] {
        var md: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(rk, 1, nil, &md, timeoutMillis)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let md else {
            throw StreamError(.brokerUnreachable,
                              "no broker answered within \(timeoutMillis) ms (\(kafkaErrorText(err))); check --brokers / KAFKA_BROKERS and that the cluster is up")
        }
        defer { rd_kafka_metadata_destroy(md) }
        var out: [String: Int] = [:]
        for i in 0..<Int(md.pointee.topic_cnt) {
            let t = md.pointee.topics[i]
            if t.err == RD_KAFKA_RESP_ERR_NO_ERROR { out[String(cString: t.topic)] = Int(t.partition_cnt) }
        }
        return out
    }

    /// Creates a topic through the admin API (with `config`, e.g. cleanup.policy=compact).
    /// Throws with the broker's reason when it refuses or does not support topic creation.
    static func createTopic(_ rk: OpaquePointer, name: String, partitions: Int, config: [(String, String)],
                            timeoutMillis: Int32) throws(StreamError) {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let topic = rd_kafka_NewTopic_new(name, Int32(partitions), -1, &errstr, errstr.count) else {
            throw StreamError(.kafka, "cannot describe topic \(name): \(String(cString: errstr))")
        }
        defer { rd_kafka_NewTopic_destroy(topic) }
        for (k, v) in config { _ = rd_kafka_NewTopic_set_config(topic, k, v) }
        guard let queue = rd_kafka_queue_new(rk) else { throw StreamError(.kafka, "cannot create an admin queue") }
        defer { rd_kafka_queue_destroy(queue) }
        var topics: [OpaquePointer?] = [topic]
        rd_kafka_CreateTopics(rk, &topics, 1, nil, queue)
        guard let event = rd_kafka_queue_poll(queue, timeoutMillis) else {
            throw StreamError(.kafka, "creating topic \(name) timed out after \(timeoutMillis) ms")
        }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw StreamError(.kafka, "creating topic \(name): \(String(cString: rd_kafka_event_error_string(event)))")
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw StreamError(.kafka, "creating topic \(name): no result")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count), count > 0, let r = results[0] else {
            throw StreamError(.kafka, "creating topic \(name): empty result")
        }
        let err = rd_kafka_topic_result_error(r)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
            let msg = rd_kafka_topic_result_error_string(r).map { String(cString: $0) } ?? ""
            throw StreamError(.kafka, "creating topic \(name): \(kafkaErrorText(err)) \(msg)")
        }
    }
}
