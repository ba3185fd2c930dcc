import CRdKafka

/// A librdkafka producer (idempotent by default) for alerts, dead letters and changelog records.
/// Used from one thread: the one that calls ``poll(_:)`` and ``awaitDeliveries(timeoutMillis:stop:)``.
public final class KafkaProducer {
    let handle: OpaquePointer
    let context: KafkaClientContext

    /// Producer defaults: idempotence (no duplicates or reordering on retries), small batches
    /// for alert latency, keyed partitioning compatible with Kafka's Java clients.
    public static let defaults = KafkaSettings([
        ("enable.idempotence", "true"),
        ("linger.ms", "1"),
        ("partitioner", "murmur2_random"),
        ("message.timeout.ms", "120000"),
    ])

    public init(settings: KafkaSettings, log: Log) throws(StreamError) {
        context = KafkaClientContext(log: log)
        let conf = try Self.defaults.merging(settings).makeConf()
        context.install(on: conf, deliveryReports: true)
        var err = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &err, err.count) else {
            rd_kafka_conf_destroy(conf)
            throw StreamError(.clientFailed, "cannot create a Kafka producer: \(String(cString: err))")
        }
        handle = rk
    }

    deinit {
        rd_kafka_flush(handle, 2000)
        rd_kafka_destroy(handle)
    }

    /// Messages produced and not yet acknowledged or failed.
    public var outstanding: Int { Int(rd_kafka_outq_len(handle)) }
    public var acknowledged: Int { context.acknowledged }
    public var fatalError: String? { context.fatal }

    /// Queues one message. `partition` nil lets the partitioner choose by key. Waits (serving
    /// delivery reports) while librdkafka's queue is full.
    public func produce(topic: String, partition: Int32? = nil, key: [UInt8]?, value: UnsafeRawBufferPointer,
                        headers: [(String, [UInt8])] = []) throws(StreamError) {
        var attempts = 0
        while true {
            var hdrs: OpaquePointer? = nil
            if !headers.isEmpty {
                hdrs = rd_kafka_headers_new(headers.count)
                for (name, v) in headers {
                    _ = v.withUnsafeBytes { rd_kafka_header_add(hdrs, name, -1, $0.baseAddress, $0.count) }
                }
            }
            let err: rd_kafka_resp_err_t = topic.withCString { t in
                if let key {
                    return key.withUnsafeBytes { k in
                        churn_produce(handle, t, partition ?? RD_KAFKA_PARTITION_UA, k.baseAddress, k.count,
                                      value.baseAddress, value.count, hdrs, nil)
                    }
                }
                return churn_produce(handle, t, partition ?? RD_KAFKA_PARTITION_UA, nil, 0, value.baseAddress, value.count, hdrs, nil)
            }
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            if let hdrs { rd_kafka_headers_destroy(hdrs) }
            guard err == RD_KAFKA_RESP_ERR__QUEUE_FULL, attempts < 6000 else {
                throw StreamError(.kafka, "cannot produce to \(topic): \(kafkaErrorText(err))")
            }
            attempts += 1
            rd_kafka_poll(handle, 10)
        }
    }

    public func produce(topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8],
                        headers: [(String, [UInt8])] = []) throws(StreamError) {
        let result = value.withUnsafeBytes { v in
            Result { () throws(StreamError) in try produce(topic: topic, partition: partition, key: key, value: v, headers: headers) }
        }
        try result.get()
    }

    /// Serves delivery reports without waiting (or up to `millis`).
    public func poll(_ millis: Int32 = 0) { rd_kafka_poll(handle, millis) }

    /// Waits until every queued message is acknowledged, `timeoutMillis` at most, or until
    /// `stop()` says so; returns whether everything is acknowledged. Throws when a message failed
    /// for good since the previous call (or the producer hit a fatal error): its record is lost
    /// unless the input is replayed, so the caller must never commit after that.
    @discardableResult
    public func drain(timeoutMillis: Int, stop: () -> Bool = { false }) throws(StreamError) -> Bool {
        let deadline = monotonicNanos() + UInt64(timeoutMillis) * 1_000_000
        while true {
            let now = monotonicNanos()
            let left = now < deadline ? Int32(min(20, (deadline - now) / 1_000_000)) : 0
            rd_kafka_poll(handle, left)
            if rd_kafka_outq_len(handle) == 0 || left == 0 || context.failed > 0 || stop() || context.fatal != nil { break }
        }
        if let fatal = context.fatal { throw StreamError(.deliveryFailed, "producer fatal error: \(fatal)") }
        if context.failed > 0 {
            let first = context.firstFailure ?? "?"
            let n = context.failed
            context.failed = 0
            context.firstFailure = nil
            throw StreamError(.deliveryFailed, "\(n) records were not acknowledged (first: \(first))")
        }
        return rd_kafka_outq_len(handle) == 0
    }

    /// ``drain(timeoutMillis:stop:)``, and a running-out of time is an error too.
    public func awaitDeliveries(timeoutMillis: Int, stop: () -> Bool = { false }) throws(StreamError) {
        guard try drain(timeoutMillis: timeoutMillis, stop: stop) else {
            throw StreamError(.deliveryFailed, "\(outstanding) records still unacknowledged after \(timeoutMillis) ms; is the broker reachable?")
        }
    }
}
