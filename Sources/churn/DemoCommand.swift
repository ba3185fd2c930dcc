import ChurnModel
import ChurnState
import ChurnStream
import ChurnWorker
import Foundation

/// `churn demo`: everything in one process — an embedded broker, a synthetic population and its
/// activity at a chosen speed, the worker, and the alerts as they arrive, with a live summary.
enum DemoCommand {
    static func run(_ args: [String]) throws(CLIError) {
        var flags: Set<String> = ["clients", "days", "speed", "partitions", "duration", "seed", "fade", "start"]
        flags.formUnion(WorkerOptions.flags.subtracting(["brokers"]))
        let a = try Arguments(command: "demo", args, flags: flags, switches: ["quiet"], passthrough: true)
        let clients = try a.int("clients", default: 2000)
        let days = try a.int("days", default: 45)
        let partitions = try a.int("partitions", default: 8)
        let seed = try a.uint64("seed", default: 1)
        let speed = try a.double("speed") ?? 3
        let duration = try a.double("duration")
        let fade = try a.double("fade") ?? 0.3
        guard clients > 0, days >= 0, partitions > 0, speed > 0, (0...1).contains(fade) else {
            throw CLIError.usage("demo", "--clients, --partitions and --speed must be positive, --days ≥ 0, --fade in [0, 1]")
        }
        let start = try parseStart(a)
        let quiet = a.flag("quiet")

        let broker: EmbeddedBroker
        var options: WorkerOptions
        do {
            broker = try EmbeddedBroker()
            options = try WorkerOptions(a, brokers: broker.bootstrapServers)
            for t in [options.config.inputTopic, options.config.alertsTopic, options.config.deadLetterTopic,
                      options.config.resolvedChangelogTopic] {
                try broker.createTopic(t, partitions: partitions)
            }
        } catch let e as StreamError {
            throw CLIError.failed(e.code.rawValue, e.message)
        } catch let e as CLIError {
            throw e
        } catch {
            throw CLIError.failed("internal", "\(error)")
        }
        // The demo's endpoint picks a free port unless one is asked for.
        if a.optional("http", env: "CHURN_HTTP") == nil { options.httpPort = 0 }
        // The embedded broker forms groups slowly with the defaults; these keep the demo snappy.
        var kafka = KafkaSettings([("session.timeout.ms", "6000"), ("heartbeat.interval.ms", "1000")])
        kafka = kafka.merging(options.config.kafka)
        options.config.kafka = kafka
        let workerLog = Log(component: "worker", minimum: a.optional("log-level", env: "CHURN_LOG_LEVEL").flatMap(Log.Level.init) ?? .warn)
        let say = Log(component: "demo")

        let control = WorkerControl()
        let board = MetricsBoard()
        let http = try options.startEndpoint(board: board, control: control)
        StopSignals.install(control, graceSeconds: 20, log: say)
        note("""
            churn demo: embedded Kafka broker at \(broker.bootstrapServers) (kcat -b \(broker.bootstrapServers) -L)
              topics \(options.config.inputTopic) → worker → \(options.config.alertsTopic), dead letters \(options.config.deadLetterTopic), \
            changelog \(options.config.resolvedChangelogTopic); \(partitions) partitions
              metrics http://\(options.httpHost):\(http.port)/metrics  readiness /readyz
              \(clients) synthetic clients, \(days) days of activity at \(speed) days/s, \(Int(fade * 100))% of clients fading; Ctrl-C ends
            """)

        // The worker on its own thread.
        let config = options.config
        let composer = options.composer
        let worker = WorkerThread(config: config, composer: composer, log: workerLog, board: board, control: control)

        // The pipeline: snapshots, then day after day of activity, paced.
        let artifact = options.artifact
        let brokers = broker.bootstrapServers
        let produced = Counter()
        let producerDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            defer { producerDone.signal() }
            do {
                let publisher = try EventPublisher(brokers: brokers, topic: config.inputTopic, log: say)
                let sim = Simulator(stats: artifact.reference.stats, seed: seed, fadeShare: fade)
                let population = sim.population(clients: clients, startMillis: start)
                for e in population { try publisher.publish(e) }
                try publisher.flush()
                produced.add(population.count)
                let began = Date()
                var day = 0
                var failure: StreamError?
                sim.activity(of: population, days: days, startMillis: start) { events in
                    guard failure == nil, !control.stopRequested else { return }
                    day += 1
                    let due = began.addingTimeInterval(Double(day) / speed)
                    do throws(StreamError) {
                        for e in events { try publisher.publish(e) }
                        try publisher.flush()
                    } catch { failure = error }
                    produced.add(events.count)
                    let wait = due.timeIntervalSinceNow
                    if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                }
                if let failure { throw failure }
            } catch {
                say.error("event producer stopped", ["error": .text("\(error)")])
            }
        }

        // Alerts as they arrive, and a live one-line summary.
        let tail: TopicTail
        do {
            tail = try TopicTail(brokers: broker.bootstrapServers, topic: options.config.alertsTopic, log: say)
        } catch {
            control.requestStop()
            throw CLIError.failed(error.code.rawValue, error.message)
        }
        let began = Date()
        var lastLine = Date.distantPast
        var lastConsumed: UInt64 = 0
        var lastLineTime = began
        var producerFinished = false
        var idleSince: Date?
        var shown = 0
        while !control.stopRequested {
            for r in tail.poll(millis: 200) {
                shown += 1
                if !quiet { print(describe(r.value)) }
            }
            if !producerFinished, producerDone.wait(timeout: .now()) == .success { producerFinished = true }
            let m = board.snapshot
            let now = Date()
            if now.timeIntervalSince(lastLine) >= 1 {
                let rate = Double(m.eventsConsumed - lastConsumed) / now.timeIntervalSince(lastLineTime)
                lastConsumed = m.eventsConsumed
                lastLineTime = now
                lastLine = now
                note(String(format: "[%5.1fs] events %d (%.0f/s)  lag %d  alerts %d at_risk / %d recovered  clients at risk %d  %@",
                            now.timeIntervalSince(began), Int(m.eventsConsumed), rate, Int(m.lag.values.reduce(0, +)),
                            Int(m.alerts["at_risk"] ?? 0), Int(m.alerts["recovered"] ?? 0), m.clientsInSegment,
                            m.ready ? "ready" : m.restoring > 0 ? "restoring" : "joining"))
            }
            if let duration, now.timeIntervalSince(began) >= duration { break }
            // Without --duration, end once everything produced has been processed.
            if duration == nil, producerFinished, m.ready, m.lag.values.reduce(0, +) == 0, m.eventsConsumed >= UInt64(produced.value) {
                if let since = idleSince, now.timeIntervalSince(since) > 2 { break }
                if idleSince == nil { idleSince = now }
            } else {
                idleSince = nil
            }
            if worker.finished { break }
        }
        worker.stop(timeout: 30)
        for r in tail.poll(millis: 300) {
            shown += 1
            if !quiet { print(describe(r.value)) }
        }
        http.stop()
        let m = board.snapshot
        note("""
            demo finished after \(String(format: "%.1f", Date().timeIntervalSince(began))) s: \(produced.value) events produced, \
            \(m.eventsConsumed) consumed, \(m.rejected.values.reduce(0, +)) rejected; \
            \(m.alerts["at_risk"] ?? 0) at_risk and \(m.alerts["recovered"] ?? 0) recovered alerts (\(shown) read back from \(options.config.alertsTopic)); \
            \(m.clientsInSegment) of \(m.clients) clients in the alert segment
            """)
        if let error = worker.error { throw CLIError.failed(error.code.rawValue, error.message) }
        withExtendedLifetime(broker) {}
    }

    /// One line per alert: when, who, what, why, and the first recommendation.
    static func describe(_ value: [UInt8]) -> String {
        guard let o = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any] else {
            return String(decoding: value, as: UTF8.self)
        }
        let kind = o["kind"] as? String ?? "?"
        let p = o["probability"] as? Double ?? .nan
        let profit = o["profit"] as? Double ?? .nan
        var line = String(format: "%@  %-9@ client %@  p=%.2f  profit %.2f", (o["event_time"] as? String ?? "") as NSString,
                          kind as NSString, "\(o["client_id"] ?? "?")" as NSString, p, profit)
        if let top = (o["contributions"] as? [[String: Any]])?.first {
            line += "  top: \(top["feature"] ?? "?")=\(top["value"] ?? "?")"
        }
        if let rec = (o["recommendations"] as? [[String: Any]])?.first {
            line += String(format: "  → %@ (p → %.2f)", (rec["action"] as? String ?? "") as NSString, rec["probability_if"] as? Double ?? .nan)
        }
        return line
    }

    static func note(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }
}

/// A counter shared between the demo's threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ k: Int) { lock.lock(); n += k; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
