import CRdKafka

/// What librdkafka's callbacks reach through the client's opaque pointer: the log, delivery
/// counts and the first fatal error. Delivery reports and error callbacks run on the thread that
/// polls the client (the worker's); only the log callback runs on librdkafka's own threads, and
/// it reads nothing but the immutable `log`.
final class KafkaClientContext: @unchecked Sendable {
    let log: Log
    var acknowledged = 0
    var failed = 0
    var firstFailure: String?
    var fatal: String?
    /// The broker connection state from the newest error callback (all brokers down or not).
    var allBrokersDown = false
    /// Called for each consumer rebalance (set by the consumer).
    var rebalance: ((rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void)?

    init(log: Log) { self.log = log }

    /// Installs the callbacks on `conf` with this context as the opaque.
    func install(on conf: OpaquePointer, deliveryReports: Bool) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(conf) { rk, level, fac, buf in
            guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
            let ctx = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
            var lvl: Log.Level = level <= 3 ? .error : level <= 4 ? .warn : level <= 6 ? .info : .debug
            let facility = fac.map { String(cString: $0) } ?? ""
            let detail = buf.map { String(cString: $0) } ?? ""
            // -X properties reach every client of the worker; a consumer property on the producer is expected.
            if facility == "CONFWARN" && (detail.contains("is a consumer property") || detail.contains("is a producer property")) {
                lvl = .debug
            }
            ctx.log.emit(lvl, "librdkafka", ["facility": .text(facility), "detail": .text(detail)])
        }
        rd_kafka_conf_set_error_cb(conf) { rk, err, reason, opaque in
            guard let opaque else { return }
            let ctx = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
            let text = reason.map { String(cString: $0) } ?? ""
            if err == RD_KAFKA_RESP_ERR__FATAL.rawValue, let rk {
                var buf = [CChar](repeating: 0, count: 512)
                let original = rd_kafka_fatal_error(rk, &buf, buf.count)
                ctx.fatal = "\(kafkaErrorText(original)): \(String(cString: buf))"
                ctx.log.error("kafka fatal error", ["error": .text(ctx.fatal ?? text)])
                return
            }
            if err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue { ctx.allBrokersDown = true }
            ctx.log.warn("kafka error", ["error": .text(String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: err)))), "reason": .text(text)])
        }
        if deliveryReports {
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
                guard let opaque, let message else { return }
                let ctx = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
                ctx.allBrokersDown = false
                if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    ctx.acknowledged += 1
                } else {
                    ctx.failed += 1
                    if ctx.firstFailure == nil {
                        let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "?"
                        ctx.firstFailure = "\(topic): \(kafkaErrorText(message.pointee.err))"
                    }
                }
            }
        }
    }
}
