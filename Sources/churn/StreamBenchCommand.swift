import ChurnModel
import ChurnState
import ChurnStream
import ChurnWorker
import Foundation

/// `churn bench-stream`: the worker end to end through the embedded broker, in this process.
/// Throughput with per-event rescoring (input pre-produced, worker timed from its first event to
/// zero lag), restore rate from the changelog that run left, and event-to-alert latency at a
/// steady input rate. Use the release build.
enum StreamBenchCommand {
    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "bench-stream", args,
                              flags: ["clients", "days", "partitions", "runs", "rate", "seconds", "model", "explain-pairs"])
        let clients = try a.int("clients", default: 20_000)
        let days = try a.int("days", default: 8)
        let partitions = try a.int("partitions", default: 64)
        let runs = try a.int("runs", default: 3)
        let rate = try a.int("rate", default: 10_000)
        let seconds = try a.int("seconds", default: 10)
        let modelPath = a.optional("model") ?? "models/churn-svc.json"
        let bytes = try Files.read(modelPath, what: "model")
        let artifact = try Files.loadModel(modelPath)
        var composer = AlertComposer(artifact: artifact, modelVersion: "sha256:" + SHA256.hex(bytes),
                                     policy: AlertComposer.defaultPolicy(artifact))
        composer.explanationPairs = try a.int("explain-pairs", default: composer.explanationPairs)
        let sim = Simulator(stats: artifact.reference.stats, seed: 3, fadeShare: 0.2)
        let start = RFC3339.parseMillis(defaultStart) ?? 0
        var events = sim.population(clients: clients, startMillis: start)
        sim.activity(of: events, days: days, startMillis: start) { events += $0 }
        let lines = events.map { Array(EventEncoder.json($0).utf8) }
        print("bench-stream: \(events.count) events (\(clients) clients, \(days) days), \(partitions) partitions, \(runs) runs; explanations \(composer.explanationPairs) pairs")

        var throughput: [Double] = [], cpu: [Double] = [], restoreClients: [Double] = [], restoreRecords: [Double] = []
        var alerts: [Double] = []
        for run in 0..<runs {
            do {
                let broker = try EmbeddedBroker()
                let group = "bench-\(run)"
                for t in ["client-events", "churn-alerts", "client-events-dlq", "\(group)-state-changelog"] {
                    try broker.createTopic(t, partitions: partitions)
                }
                try produce(lines, events, brokers: broker.bootstrapServers, lingerMillis: 20)
                // Throughput: from the first event consumed to all consumed.
                let board = MetricsBoard()
                let worker = StartedWorker(brokers: broker.bootstrapServers, group: group, composer: composer, board: board)
                var first: Double?, firstCPU = 0.0
                while true {
                    let m = board.snapshot
                    if first == nil, m.eventsConsumed > 0 { first = now(); firstCPU = cpuSeconds() }
                    if m.eventsConsumed >= UInt64(events.count) { break }
                    if let e = worker.error { throw e }
                    usleep(2_000)
                }
                let elapsed = now() - (first ?? now())
                let used = cpuSeconds() - firstCPU
                let m = board.snapshot
                throughput.append(Double(events.count) / elapsed / 1000)
                cpu.append(used / elapsed)
                alerts.append(Double((m.alerts["at_risk"] ?? 0) + (m.alerts["recovered"] ?? 0)))
                worker.stop()
                // Restore: a new member of the same group rebuilds every partition from the changelog.
                let board2 = MetricsBoard()
                let restorer = StartedWorker(brokers: broker.bootstrapServers, group: group, composer: composer, board: board2)
                while !(board2.snapshot.ready) {
                    if let e = restorer.error { throw e }
                    usleep(2_000)
                }
                let r = board2.snapshot
                let restoreTime = r.restoreSeconds.values.max() ?? .nan
                restoreClients.append(Double(r.clients) / restoreTime / 1000)
                restoreRecords.append(Double(r.restoredRecords) / restoreTime / 1000)
                restorer.stop()
                print(String(format: "  run %d: %.1f k events/s (%.2f cores), %d alerts, %d rescores; restore %d records of %d clients in %.3f s",
                             run + 1, throughput.last ?? 0, cpu.last ?? 0, Int(alerts.last ?? 0), Int(m.clientsRescored),
                             Int(r.restoredRecords), r.clients, restoreTime))
            } catch let e as StreamError {
                throw CLIError.failed(e.code.rawValue, e.message)
            } catch {
                throw CLIError.failed("internal", "\(error)")
            }
        }
        BenchCommand.report("end-to-end throughput, per-event rescoring (worker thread + librdkafka)", throughput, unit: "k events/s")
        BenchCommand.report("process CPU while consuming", cpu, unit: "cores")
        BenchCommand.report("restore from the changelog", restoreClients, unit: "k clients/s")
        BenchCommand.report("restore from the changelog", restoreRecords, unit: "k records/s")

        try latency(lines: lines, events: events, partitions: partitions, rate: rate, seconds: seconds, composer: composer)
    }

    /// Event-to-alert latency at a steady input rate: each alert's arrival on the alerts topic
    /// minus its triggering event's produce time (the input record's CreateTime).
    static func latency(lines: [[UInt8]], events: [ClientEvent], partitions: Int, rate: Int, seconds: Int,
                        composer: AlertComposer) throws(CLIError) {
        do {
            let broker = try EmbeddedBroker()
            for t in ["client-events", "churn-alerts", "client-events-dlq", "lat-state-changelog"] {
                try broker.createTopic(t, partitions: partitions)
            }
            let board = MetricsBoard()
            let worker = StartedWorker(brokers: broker.bootstrapServers, group: "lat", composer: composer, board: board)
            while !board.snapshot.ready {
                if let e = worker.error { throw e }
                usleep(5_000)
            }
            let tail = try TopicTail(brokers: broker.bootstrapServers, topic: "churn-alerts", log: Log(component: "bench", minimum: .error))
            let count = min(lines.count, rate * seconds)
            let producerDone = DispatchSemaphore(value: 0)
            let brokers = broker.bootstrapServers
            let slice = Array(zip(lines.prefix(count), events.prefix(count).map(\.clientId)))
            Thread.detachNewThread {
                defer { producerDone.signal() }
                guard let p = try? KafkaProducer(settings: KafkaSettings([("bootstrap.servers", brokers), ("linger.ms", "0")]),
                                                 log: Log(component: "bench", minimum: .error)) else { return }
                let began = now()
                for (i, (line, id)) in slice.enumerated() {
                    // Paced in 1 ms steps: rate/1000 events each.
                    if i % max(1, rate / 1000) == 0 {
                        let due = began + Double(i) / Double(rate)
                        let wait = due - now()
                        if wait > 0 { usleep(UInt32(wait * 1e6)) }
                        p.poll(0)
                    }
                    try? p.produce(topic: "client-events", key: Array(String(id).utf8), value: line)
                }
                try? p.awaitDeliveries(timeoutMillis: 30_000)
            }
            var arrivals: [(partition: Int32, offset: Int64, at: Double)] = []
            var doneAt: Double?
            while true {
                for r in tail.poll(millis: 5) {
                    let at = Date().timeIntervalSince1970 * 1000
                    guard let o = try? JSONSerialization.jsonObject(with: Data(r.value)) as? [String: Any],
                          let src = o["source"] as? [String: Any], let p = src["partition"] as? Int, let off = src["offset"] as? Int else { continue }
                    arrivals.append((Int32(p), Int64(off), at))
                }
                if doneAt == nil, producerDone.wait(timeout: .now()) == .success { doneAt = now() }
                if let d = doneAt, board.snapshot.eventsConsumed >= UInt64(count), now() - d > 1 { break }
                if let e = worker.error { throw e }
            }
            let input = try TopicTail(brokers: broker.bootstrapServers, topic: "client-events", log: Log(component: "bench", minimum: .error)).readAll()
            var created: [Int64: Int64] = [:]
            for r in input { created[Int64(r.partition) << 40 | r.offset] = r.timestampMillis }
            let latencies = arrivals.compactMap { a -> Double? in
                created[Int64(a.partition) << 40 | a.offset].map { a.at - Double($0) }
            }.sorted()
            let m = board.snapshot
            worker.stop()
            func q(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            print(String(format: "event-to-alert latency at %d events/s for %d s (%d events, %d alerts timed): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                         rate, seconds, count, latencies.count, q(0.5), q(0.9), q(0.99), latencies.last ?? .nan))
            print(String(format: "event processing in the worker (apply + rescore + alerts): p50 ≤ %.0f µs, p99 ≤ %.0f µs (histogram bucket bounds)",
                         (m.scoring.quantile(0.5) ?? .nan) * 1e6, (m.scoring.quantile(0.99) ?? .nan) * 1e6))
        } catch let e as StreamError {
            throw CLIError.failed(e.code.rawValue, e.message)
        } catch {
            throw CLIError.failed("internal", "\(error)")
        }
    }

    static func produce(_ lines: [[UInt8]], _ events: [ClientEvent], brokers: String, lingerMillis: Int) throws(StreamError) {
        let p = try KafkaProducer(settings: KafkaSettings([("bootstrap.servers", brokers), ("linger.ms", String(lingerMillis)),
                                                          ("queue.buffering.max.messages", "1000000"), ("batch.num.messages", "10000")]),
                                  log: Log(component: "bench", minimum: .error))
        for (line, e) in zip(lines, events) {
            try p.produce(topic: "client-events", key: Array(String(e.clientId).utf8), value: line)
        }
        try p.awaitDeliveries(timeoutMillis: 120_000)
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }
}

/// A worker running on its own thread in this process.
final class StartedWorker: @unchecked Sendable {
    let control = WorkerControl()
    private let done = DispatchSemaphore(value: 0)
    private let box = ErrorBox()

    init(brokers: String, group: String, composer: AlertComposer, board: MetricsBoard) {
        var config = WorkerConfig(brokers: brokers)
        config.group = group
        config.kafka = KafkaSettings([("session.timeout.ms", "6000"), ("heartbeat.interval.ms", "1000")])
        let control = control, done = done, box = box, settings = config
        Thread.detachNewThread {
            let worker = Worker(config: settings, composer: composer, log: Log(component: "worker", minimum: .error), board: board, control: control)
            do throws(StreamError) { try worker.run() } catch { box.set(error) }
            done.signal()
        }
    }

    var error: StreamError? { box.get() }

    func stop() {
        control.requestStop()
        done.wait()
    }
}
