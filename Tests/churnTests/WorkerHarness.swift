import ChurnModel
import ChurnState
import ChurnStream
import ChurnWorker
import Foundation
import Testing

/// A `churn run` process against an in-process embedded broker, observed through its ops
/// endpoint and its log. Each worker logs to its own file (a pipe could fill and block it).
final class WorkerProcess {
    let process = Process()
    let logPath: String
    private(set) var port: UInt16 = 0

    init(brokers: String, group: String, alerts: String, extra: [String] = []) throws {
        logPath = CLIRunner.temporaryPath("\(group).log")
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = CLIRunner.executable
        process.arguments = ["run", "--brokers", brokers, "--group", group, "--alerts", alerts, "--http", "127.0.0.1:0",
                             "--model", WorkerFixture.modelPath,
                             "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=1000"] + extra
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        port = try Self.waitFor(timeout: 15) { () -> UInt16? in
            guard let log = try? String(contentsOfFile: logPath, encoding: .utf8),
                  let r = log.range(of: "\"url\":\"http://127.0.0.1:") else { return nil }
            return UInt16(log[r.upperBound...].prefix { $0.isNumber })
        }
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func get(_ path: String) -> (status: Int, body: String)? { HTTPProbe.request("GET", port: port, path: path) }
    func post(_ path: String) -> (status: Int, body: String)? { HTTPProbe.request("POST", port: port, path: path) }

    /// A metric's value (summed over its label sets).
    func metric(_ name: String) -> Double? {
        guard let (status, body) = get("/metrics"), status == 200 else { return nil }
        var total: Double?
        for line in body.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { continue }
            let series = parts[0]
            if series == name || series.hasPrefix(name + "{") { total = (total ?? 0) + (Double(parts[1]) ?? 0) }
        }
        return total
    }

    /// Waits until the worker has read `events` input messages and has no lag left.
    func waitUntilConsumed(_ events: Int, timeout: Double = 120) throws {
        _ = try Self.waitFor(timeout: timeout) { () -> Bool? in
            guard let consumed = metric("churn_events_consumed_total"), consumed + (metric("churn_events_replayed_total") ?? 0) >= Double(events) - 0.5,
                  metric("churn_consumer_lag") == 0, metric("churn_ready") == 1 else { return nil }
            return true
        }
    }

    /// SIGTERM, then the exit status (nil if it did not exit within `timeout` seconds).
    func terminate(timeout: Double = 30) -> Int32? {
        kill(process.processIdentifier, SIGTERM)
        return waitExit(timeout: timeout)
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        _ = waitExit(timeout: 10)
    }

    func waitExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    struct Timeout: Error, CustomStringConvertible {
        let seconds: Double
        var description: String { "condition not met within \(seconds) s" }
    }

    /// Polls `check` every 50 ms until it returns a value.
    static func waitFor<T>(timeout: Double, _ check: () -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let v = check() { return v }
            usleep(50_000)
        }
        throw Timeout(seconds: timeout)
    }
}

/// A minimal HTTP/1.0 client over a loopback socket, for the worker's ops endpoint.
enum HTTPProbe {
    static func request(_ method: String, port: UInt16, path: String) -> (status: Int, body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { return nil }
        let request = "\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        var data = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            data += buf[0..<n]
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let statusLine = text.split(separator: "\r\n").first, statusLine.split(separator: " ").count >= 2,
              let status = Int(statusLine.split(separator: " ")[1]) else { return nil }
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, body)
    }
}

/// The broker, topics and events of one scenario, and the independent expectation of its alerts.
enum WorkerFixture {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let modelPath = packageRoot.appendingPathComponent("models/churn-svc.json").path
    static let artifact: ModelArtifact = {
        // The committed model is part of the repository; a broken one fails every test that uses it.
        (try? ArtifactCodec.decode([UInt8](FileManager.default.contents(atPath: modelPath) ?? Data())))!
    }()
    static let input = "client-events"

    /// A broker with the input, dead-letter and alert topics, and a changelog per group.
    static func broker(partitions: Int, groups: [String], alerts: [String]) throws -> EmbeddedBroker {
        let broker = try EmbeddedBroker()
        for t in [input, "client-events-dlq"] + alerts + groups.map({ "\($0)-state-changelog" }) {
            try broker.createTopic(t, partitions: partitions)
        }
        return broker
    }

    /// A synthetic population (snapshots) and `days` days of its activity, in time order.
    static func events(clients: Int, days: Int, seed: UInt64 = 11, fade: Double = 0.4) -> [ClientEvent] {
        let sim = Simulator(stats: artifact.reference.stats, seed: seed, fadeShare: fade)
        let start = RFC3339.parseMillis("2026-01-01T00:00:00Z") ?? 0
        var events = sim.population(clients: clients, startMillis: start)
        sim.activity(of: events, days: days, startMillis: start) { events += $0 }
        return events
    }

    static func publish(_ events: some Sequence<ClientEvent>, to brokers: String) throws {
        let publisher = try EventPublisher(brokers: brokers, topic: input, log: Log(component: "test", minimum: .error))
        for e in events { try publisher.publish(e) }
        try publisher.flush()
    }

    /// Every record of a topic so far.
    static func read(_ topic: String, brokers: String) throws -> [TopicTail.Record] {
        try TopicTail(brokers: brokers, topic: topic, log: Log(component: "test", minimum: .error)).readAll()
    }

    /// (client, sequence, kind) of each alert record, deduplicated by alert id (at-least-once).
    static func alerts(_ records: [TopicTail.Record]) -> [AlertKey] {
        var seen = Set<String>()
        var out: [AlertKey] = []
        for r in records {
            guard let o = try? JSONSerialization.jsonObject(with: Data(r.value)) as? [String: Any],
                  let id = o["alert_id"] as? String, let client = o["client_id"] as? Int, let kind = o["kind"] as? String else { continue }
            if seen.insert(id).inserted { out.append(AlertKey(client: Int64(client), id: id, kind: kind)) }
        }
        return out
    }

    struct AlertKey: Hashable, CustomStringConvertible {
        var client: Int64
        var id: String
        var kind: String
        var description: String { "\(id):\(kind)" }
    }

    /// Alert kinds per client, in order.
    static func byClient(_ keys: [AlertKey]) -> [Int64: [String]] {
        Dictionary(grouping: keys, by: \.client).mapValues { $0.sorted { seq($0.id) < seq($1.id) }.map(\.kind) }
    }

    static func seq(_ id: String) -> Int { Int(id.split(separator: "-").last ?? "") ?? 0 }

    /// The alerts the worker must publish, computed without the worker: each partition's events
    /// in offset order through a StateEngine, every changed client scored by the batch scorer,
    /// the alert rule applied (with its hysteresis).
    static func expectedAlerts(inputRecords: [TopicTail.Record]) -> [Int64: [String]] {
        let scorer = artifact.makeScorer()
        let policy = AlertPolicy(probabilityThreshold: artifact.thresholds.probability, profitThreshold: artifact.thresholds.profit)
        let parser = EventParser()
        var out: [Int64: [String]] = [:]
        for (_, records) in Dictionary(grouping: inputRecords, by: \.partition) {
            var engine = StateEngine()
            var inSegment: [Int64: Bool] = [:]
            func rescore(_ id: Int64) {
                guard let f = engine.features(of: id), let state = engine.state(of: id) else { return }
                let p = scorer.score(f).probability
                let was = inSegment[id] ?? false
                switch policy.transition(wasIn: was, probability: p, profit: state.profit) {
                case .stay: break
                case .enter: inSegment[id] = true; out[id, default: []].append("at_risk")
                case .leaveProbability, .leaveProfit: inSegment[id] = false; out[id, default: []].append("recovered")
                }
            }
            for r in records.sorted(by: { $0.offset < $1.offset }) {
                guard let e = try? parser.parse(r.value) else { continue }
                if let key = r.key, String(decoding: key, as: UTF8.self) != String(e.clientId) { continue }
                let outcome = engine.apply(e)
                guard let id = outcome.updated else { continue }
                for other in outcome.aged where other != id { rescore(other) }
                rescore(id)
            }
        }
        return out
    }

    /// The newest changelog record per client.
    static func finalState(_ records: [TopicTail.Record]) -> [Int64: ChangelogRecord] {
        var out: [Int64: ChangelogRecord] = [:]
        for r in records {
            guard let key = r.key, let id = Int64(String(decoding: key, as: UTF8.self)),
                  let record = try? ChangelogRecord.decode(r.value) else { continue }
            out[id] = record
        }
        return out
    }
}
