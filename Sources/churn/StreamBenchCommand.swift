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
    /// The workers' commit interval (nil: the worker's default).
    nonisolated(unsafe) static var commitInterval: Int?

    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "bench-stream", args,
                              flags: ["clients", "days", "partitions", "runs", "rate", "seconds", "model", "explain-pairs", "commit-interval-ms"])
        if let ms = a.optional("commit-interval-ms") {
            guard let v = Int(ms), v > 0 else { throw CLIError.usage("bench-stream", "--commit-interval-ms must be a positive integer") }
            commitInterval = v
        }
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
        let population = sim.population(clients: clients, startMillis: start)
        var activity: [ClientEvent] = []
        sim.activity(of: population, days: days, startMillis: start) { activity += $0 }
        let events = population + activity
        let lines = events.map { Array(EventEncoder.json($0).utf8) }
        print("bench-stream: \(clients) clients (one snapshot each), then \(activity.count) activity events over \(days) days; \(partitions) partitions, \(runs) runs; explanations \(composer.explanationPairs) pairs")

        var throughput: [Double] = [], bootstrap: [Double] = [], cpu: [Double] = [], restoreClients: [Double] = [], restoreRecords: [Double] = []
        var compactedRestore: [Double] = []
        for run in 0..<runs {
            do {
                let broker = try EmbeddedBroker()
                let group = "bench-\(run)"
                for t in ["client-events", "churn-alerts", "client-events-dlq", "\(group)-state-changelog"] {
                    try broker.createTopic(t, partitions: partitions)
                }
                let board = MetricsBoard()
                let worker = WorkerThread(brokers: broker.bootstrapServers, group: group, composer: composer, board: board)
                // Bootstrap: one snapshot per client; everyone already at risk gets an alert now.
                try produce(lines.prefix(population.count), population, brokers: broker.bootstrapServers, lingerMillis: 20)
                let boot = try timeConsumption(board, worker, until: population.count)
                let afterBoot = board.snapshot
                // Steady state: the days of activity, pre-produced, timed from the first to the last event consumed.
                try produce(lines.dropFirst(population.count), activity, brokers: broker.bootstrapServers, lingerMillis: 20)
                let steady = try timeConsumption(board, worker, until: events.count)
                let m = board.snapshot
                bootstrap.append(Double(population.count) / boot.seconds / 1000)
                throughput.append(Double(activity.count) / steady.seconds / 1000)
                cpu.append(steady.cpu / steady.seconds)
                worker.stop()
                // Restore: a new member of the same group rebuilds every partition from the changelog.
                let board2 = MetricsBoard()
                let restorer = WorkerThread(brokers: broker.bootstrapServers, group: group, composer: composer, board: board2)
                while !(board2.snapshot.ready) {
                    if let e = restorer.error { throw e }
                    usleep(2_000)
                }
                let r = board2.snapshot
                let restoreTime = r.restoreSeconds.values.max() ?? .nan
                restoreClients.append(Double(r.clients) / restoreTime / 1000)
                restoreRecords.append(Double(r.restoredRecords) / restoreTime / 1000)
                restorer.stop()
                // The same state as a compacted changelog (one record per client, as Kafka keeps it).
                let compacted = "bench-compacted-\(run)"
                try broker.createTopic("\(compacted)-state-changelog", partitions: partitions)
                let history = try TopicTail(brokers: broker.bootstrapServers, topic: "\(group)-state-changelog",
                                            log: Log(component: "bench", minimum: .error)).readAll()
                var newest: [Int64: TopicTail.Record] = [:]
                for r in history { if let k = r.key, let id = Int64(String(decoding: k, as: UTF8.self)) { newest[id] = r } }
                let copier = try KafkaProducer(settings: KafkaSettings([("bootstrap.servers", broker.bootstrapServers), ("linger.ms", "20")]),
                                               log: Log(component: "bench", minimum: .error))
                for r in newest.values {
                    try copier.produce(topic: "\(compacted)-state-changelog", partition: r.partition, key: r.key, value: r.value)
                }
                try copier.awaitDeliveries(timeoutMillis: 60_000)
                let board3 = MetricsBoard()
                let restorer3 = WorkerThread(brokers: broker.bootstrapServers, group: compacted, composer: composer, board: board3)
                while !(board3.snapshot.ready) {
                    if let e = restorer3.error { throw e }
                    usleep(2_000)
                }
                let c = board3.snapshot
                compactedRestore.append(Double(c.clients) / (c.restoreSeconds.values.max() ?? .nan) / 1000)
                restorer3.stop()
                let bootAlerts = (afterBoot.alerts["at_risk"] ?? 0) + (afterBoot.alerts["recovered"] ?? 0)
                let allAlerts = (m.alerts["at_risk"] ?? 0) + (m.alerts["recovered"] ?? 0)
                print(String(format: "  run %d: bootstrap %.1f k snapshots/s (%d alerts); activity %.1f k events/s (%.2f cores, %d alerts, %d clients rescored, %d of them not scored: profit below the line); restore %d records of %d clients in %.3f s",
                             run + 1, bootstrap.last ?? 0, Int(bootAlerts), throughput.last ?? 0, cpu.last ?? 0, Int(allAlerts - bootAlerts),
                             Int(m.clientsRescored - afterBoot.clientsRescored), Int(m.scoresSkipped - afterBoot.scoresSkipped), Int(r.restoredRecords), r.clients, restoreTime))
            } catch let e as StreamError {
                throw CLIError.failed(e.code.rawValue, e.message)
            } catch {
                throw CLIError.failed("internal", "\(error)")
            }
        }
        BenchCommand.report("bootstrap (a snapshot per client, alerts with explanations)", bootstrap, unit: "k events/s")
        BenchCommand.report("end-to-end throughput of activity, per-event rescoring (worker thread + librdkafka)", throughput, unit: "k events/s")
        BenchCommand.report("process CPU while consuming", cpu, unit: "cores")
        BenchCommand.report("restore from the uncompacted changelog (the embedded broker does not compact)", restoreRecords, unit: "k records/s")
        BenchCommand.report("restore from the uncompacted changelog", restoreClients, unit: "k clients/s")
        BenchCommand.report("restore from a compacted changelog (one record per client)", compactedRestore, unit: "k clients/s")

        do {
            let hop = try hopLatency(partitions: partitions, rate: rate, seconds: 3)
            func q(_ p: Double) -> Double { hop.isEmpty ? .nan : hop[min(hop.count - 1, Int(Double(hop.count) * p))] }
            print(String(format: "one hop through the embedded broker at %d msg/s (produce, linger 0 → consumer poll): p50 %.1f ms, p99 %.1f ms",
                         rate, q(0.5), q(0.99)))
        } catch {
            throw CLIError.failed(error.code.rawValue, error.message)
        }
        try latency(lines: lines, events: events, population: population.count, partitions: partitions, rate: rate, seconds: seconds,
                    composer: composer)
    }

    /// Event-to-alert latency at a steady input rate: each alert's arrival on the alerts topic
    /// minus its triggering event's produce time (the input record's CreateTime).
    static func latency(lines: [[UInt8]], events: [ClientEvent], population: Int, partitions: Int, rate: Int, seconds: Int,
                        composer: AlertComposer) throws(CLIError) {
        do {
            let broker = try EmbeddedBroker()
            for t in ["client-events", "churn-alerts", "client-events-dlq", "lat-state-changelog"] {
                try broker.createTopic(t, partitions: partitions)
            }
            let board = MetricsBoard()
            let worker = WorkerThread(brokers: broker.bootstrapServers, group: "lat", composer: composer, board: board)
            while !board.snapshot.ready {
                if let e = worker.error { throw e }
                usleep(5_000)
            }
            // Steady state: the population is bootstrapped first (not timed), then activity streams at `rate`.
            try produce(lines.prefix(population), events.prefix(population), brokers: broker.bootstrapServers, lingerMillis: 20)
            while board.snapshot.eventsConsumed < UInt64(population) {
                if let e = worker.error { throw e }
                usleep(5_000)
            }
            let tail = try TopicTail(brokers: broker.bootstrapServers, topic: "churn-alerts", log: Log(component: "tail", minimum: .error),
                                     kafka: WorkerThread.mockFetch)
            // Every bootstrap alert read (and left out of the timing) before activity starts.
            var seen = try tail.readAll().count
            while true {
                let m = board.snapshot
                if seen >= Int((m.alerts["at_risk"] ?? 0) + (m.alerts["recovered"] ?? 0)) { break }
                seen += tail.poll(millis: 50).count
            }
            let count = min(lines.count - population, rate * seconds)
            let producerDone = DispatchSemaphore(value: 0)
            let brokers = broker.bootstrapServers
            let slice = Array(zip(lines.dropFirst(population).prefix(count), events.dropFirst(population).prefix(count).map(\.clientId)))
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
            var arrivals: [(partition: Int32, offset: Int64, at: Double, ageing: Bool)] = []
            var doneAt: Double?
            while true {
                for r in tail.poll(millis: 5) {
                    let at = Date().timeIntervalSince1970 * 1000
                    guard let o = try? JSONSerialization.jsonObject(with: Data(r.value)) as? [String: Any],
                          let src = o["source"] as? [String: Any], let p = src["partition"] as? Int, let off = src["offset"] as? Int else { continue }
                    arrivals.append((Int32(p), Int64(off), at, (o["trigger"] as? String) == "ageing"))
                }
                if doneAt == nil, producerDone.wait(timeout: .now()) == .success { doneAt = now() }
                if let d = doneAt, board.snapshot.eventsConsumed >= UInt64(population + count), now() - d > 1 { break }
                if let e = worker.error { throw e }
            }
            let input = try TopicTail(brokers: broker.bootstrapServers, topic: "client-events", log: Log(component: "bench", minimum: .error)).readAll()
            var created: [Int64: Int64] = [:]
            for r in input { created[Int64(r.partition) << 40 | r.offset] = r.timestampMillis }
            func latencies(ageing: Bool) -> [Double] {
                arrivals.filter { $0.ageing == ageing }.compactMap { a -> Double? in
                    created[Int64(a.partition) << 40 | a.offset].map { a.at - Double($0) }
                }.sorted()
            }
            let m = board.snapshot
            worker.stop()
            func q(_ l: [Double], _ p: Double) -> Double { l.isEmpty ? .nan : l[min(l.count - 1, Int(Double(l.count) * p))] }
            for (ageing, what) in [(false, "alerts triggered by the client's own event"), (true, "ageing alerts (a day change rescored the client; timed from the event that moved the clock)")] {
                let l = latencies(ageing: ageing)
                print(String(format: "event-to-alert latency after bootstrap, activity at %d events/s for %d s (%d events), %@: %d alerts, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms",
                             rate, seconds, count, what as NSString, l.count, q(l, 0.5), q(l, 0.9), q(l, 0.99), l.last ?? .nan))
            }
            print(String(format: "event processing in the worker (apply + rescore + alerts): p50 ≤ %.0f µs, p99 ≤ %.0f µs (histogram bucket bounds)",
                         (m.scoring.quantile(0.5) ?? .nan) * 1e6, (m.scoring.quantile(0.99) ?? .nan) * 1e6))
        } catch let e as StreamError {
            throw CLIError.failed(e.code.rawValue, e.message)
        } catch {
            throw CLIError.failed("internal", "\(error)")
        }
    }

    /// Waits until the worker has consumed `count` messages in all; seconds and process CPU from its
    /// first newly consumed message to the last.
    static func timeConsumption(_ board: MetricsBoard, _ worker: WorkerThread, until count: Int) throws(StreamError) -> (seconds: Double, cpu: Double) {
        let before = board.snapshot.eventsConsumed
        var first: Double?, firstCPU = 0.0
        while true {
            let m = board.snapshot
            if first == nil, m.eventsConsumed > before { first = now(); firstCPU = cpuSeconds() }
            if m.eventsConsumed >= UInt64(count) { break }
            if let e = worker.error { throw e }
            usleep(1_000)
        }
        let start = first ?? now()
        return (now() - start, cpuSeconds() - firstCPU)
    }

    /// What one hop through the embedded broker costs: produce (linger 0) to a consumer's poll.
    static func hopLatency(partitions: Int, rate: Int, seconds: Int) throws(StreamError) -> [Double] {
        let broker = try EmbeddedBroker()
        try broker.createTopic("hop", partitions: partitions)
        let log = Log(component: "bench", minimum: .error)
        let tail = try TopicTail(brokers: broker.bootstrapServers, topic: "hop", log: log, kafka: WorkerThread.mockFetch)
        _ = tail.poll(millis: 500)
        let p = try KafkaProducer(settings: KafkaSettings([("bootstrap.servers", broker.bootstrapServers), ("linger.ms", "0")]), log: log)
        var latencies: [Double] = []
        let count = rate * seconds
        let began = now()
        var sent = 0
        while latencies.count < count && now() - began < Double(seconds) + 5 {
            while sent < count && began + Double(sent) / Double(rate) <= now() {
                var t = now()
                let bytes = withUnsafeBytes(of: &t) { Array($0) }
                try p.produce(topic: "hop", key: Array(String(sent).utf8), value: bytes)
                sent += 1
            }
            p.poll(0)
            for r in tail.poll(millis: 1) where r.value.count == 8 {
                let t = r.value.withUnsafeBytes { $0.loadUnaligned(as: Double.self) }
                latencies.append((now() - t) * 1000)
            }
        }
        return latencies.sorted()
    }

    static func produce(_ lines: some Collection<[UInt8]>, _ events: some Collection<ClientEvent>, brokers: String, lingerMillis: Int) throws(StreamError) {
        let publisher = try EventPublisher(brokers: brokers, topic: "client-events",
                                           kafka: KafkaSettings([("linger.ms", String(lingerMillis)), ("queue.buffering.max.messages", "1000000")]),
                                           log: Log(component: "bench", minimum: .error))
        for (line, e) in zip(lines, events) { try publisher.publish(clientId: e.clientId, json: line) }
        try publisher.flush(timeoutMillis: 120_000)
    }

    static func now() -> Double { BenchCommand.now() }

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }
}

/// The benchmark's workers: on this process's threads, against the embedded broker.
extension WorkerThread {
    convenience init(brokers: String, group: String, composer: AlertComposer, board: MetricsBoard) {
        var config = WorkerConfig(brokers: brokers)
        config.group = group
        if let ms = StreamBenchCommand.commitInterval { config.commitIntervalMillis = ms }
        config.kafka = KafkaSettings([("session.timeout.ms", "6000"), ("heartbeat.interval.ms", "1000")]).merging(Self.mockFetch)
        self.init(config: config, composer: composer, log: Log(component: "worker", minimum: .error), board: board)
    }

    /// The embedded broker answers a fetch only when fetch.wait.max.ms runs out if no data was
    /// there at the start (no long-poll wake-up, unlike Kafka): a short wait keeps it from adding
    /// up to 500 ms to every hop.
    static let mockFetch = KafkaSettings([("fetch.wait.max.ms", "2"), ("fetch.error.backoff.ms", "2")])
}
