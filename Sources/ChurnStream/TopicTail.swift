import CRdKafka

/// Reads every partition of a topic from the beginning, outside any group: the demo's alert
/// display and the tests' view of the output topics.
public final class TopicTail {
    public let topic: String
    let consumer: KafkaConsumer

    /// One record as read.
    public struct Record: Sendable, Equatable {
        public var partition: Int32
        public var offset: Int64
        public var key: [UInt8]?
        public var value: [UInt8]
        public var headers: [String: [UInt8]]
        /// Broker or producer timestamp (ms since the epoch), −1 if none.
        public var timestampMillis: Int64
    }

    public let partitions: Int

    public init(brokers: String, topic: String, log: Log, kafka: KafkaSettings = KafkaSettings()) throws(StreamError) {
        self.topic = topic
        consumer = try KafkaConsumer(settings: KafkaSettings([("bootstrap.servers", brokers), ("group.id", "churn-tail"),
                                                              ("enable.auto.commit", "false")]).merging(kafka),
                                     log: log, group: false)
        partitions = try consumer.topics(timeoutMillis: 10_000)[topic] ?? 0
        guard partitions > 0 else { throw StreamError(.missingTopic, "topic \(topic) does not exist") }
        try consumer.assign((0..<partitions).map { (TopicPartition(topic, Int32($0)), Int64(RD_KAFKA_OFFSET_BEGINNING)) })
    }

    /// The next offset to be written, per partition (asked of the broker).
    public func highWatermarks() throws(StreamError) -> [Int32: Int64] {
        var out: [Int32: Int64] = [:]
        for p in 0..<Int32(partitions) {
            out[p] = try consumer.queryWatermarks(TopicPartition(topic, p), timeoutMillis: 10_000).high
        }
        return out
    }

    /// Every record written so far: reads until each partition's high watermark at the call.
    public func readAll(timeoutMillis: Int = 60_000) throws(StreamError) -> [Record] {
        var remaining = try highWatermarks().filter { $0.value > 0 }
        var out: [Record] = []
        let deadline = monotonicNanos() + UInt64(timeoutMillis) * 1_000_000
        while !remaining.isEmpty {
            guard monotonicNanos() < deadline else {
                throw StreamError(.kafka, "reading \(topic) timed out with partitions \(remaining.keys.sorted()) unfinished")
            }
            for r in poll(millis: 100) {
                out.append(r)
                if let end = remaining[r.partition], r.offset + 1 >= end { remaining[r.partition] = nil }
            }
        }
        return out
    }

    /// Records that arrive within `millis` (at most `max`).
    public func poll(millis: Int32, max: Int = 10_000) -> [Record] {
        var out: [Record] = []
        var wait = millis
        while out.count < max, let m = consumer.poll(wait) {
            defer { rd_kafka_message_destroy(m) }
            wait = 0
            let msg = m.pointee
            guard msg.err == RD_KAFKA_RESP_ERR_NO_ERROR else { continue }
            var headers: [String: [UInt8]] = [:]
            var h: OpaquePointer?
            if rd_kafka_message_headers(m, &h) == RD_KAFKA_RESP_ERR_NO_ERROR, let h {
                var i = 0
                var name: UnsafePointer<CChar>?
                var value: UnsafeRawPointer?
                var size = 0
                while rd_kafka_header_get_all(h, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                    if let name { headers[String(cString: name)] = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? [] }
                    i += 1
                }
            }
            var tsType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            let ts = rd_kafka_message_timestamp(m, &tsType)
            out.append(Record(partition: msg.partition, offset: msg.offset,
                              key: msg.key.map { Array(UnsafeRawBufferPointer(start: $0, count: msg.key_len)) },
                              value: msg.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: msg.len)) } ?? [],
                              headers: headers, timestampMillis: ts))
        }
        return out
    }
}
