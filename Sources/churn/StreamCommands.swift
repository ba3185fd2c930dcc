import ChurnModel
import ChurnState
import ChurnStream
import ChurnTraining
import Foundation

/// Default anchor of bootstrap snapshots and simulations: the tables carry no date.
let defaultStart = "2026-01-01T00:00:00Z"

/// Where `bootstrap` and `simulate` write events: JSON lines on stdout, or a Kafka topic
/// (`--brokers`, `--topic`), keyed by client id.
struct EventSink {
    private var buffer: [UInt8] = []
    private let publisher: EventPublisher?
    private(set) var count = 0

    init(_ a: Arguments) throws(CLIError) {
        if let brokers = a.optional("brokers", env: "KAFKA_BROKERS") {
            do {
                publisher = try EventPublisher(brokers: brokers, topic: a.optional("topic") ?? "client-events",
                                               kafka: KafkaSettings(a.passthrough), log: Log(component: a.command))
            } catch {
                throw CLIError.failed(error.code.rawValue, error.message)
            }
        } else {
            publisher = nil
        }
    }

    static let flags: Set<String> = ["brokers", "topic"]

    mutating func write(_ e: ClientEvent) throws(CLIError) {
        count += 1
        if let publisher {
            do { try publisher.publish(e) } catch { throw CLIError.failed(error.code.rawValue, error.message) }
            return
        }
        buffer.append(contentsOf: EventEncoder.json(e).utf8)
        buffer.append(0x0A)
        if buffer.count > 1 << 20 { flushStdout() }
    }

    private mutating func flushStdout() {
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes out what is buffered; with Kafka, waits until the broker acknowledged every event.
    mutating func finish() throws(CLIError) {
        if let publisher {
            do { try publisher.flush() } catch { throw CLIError.failed(error.code.rawValue, error.message) }
            logLine("\(count) events acknowledged by \(publisher.topic)")
        } else {
            flushStdout()
        }
    }
}

func parseStart(_ a: Arguments) throws(CLIError) -> Int64 {
    let text = a.optional("start") ?? a.optional("at") ?? defaultStart
    guard let millis = RFC3339.parseMillis(text) else {
        throw CLIError.usage(a.command, "«\(text)» is not an RFC 3339 time (e.g. \(defaultStart))")
    }
    return millis
}

/// `churn bootstrap`: one snapshot event per client of the shop's tables.
enum BootstrapCommand {
    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "bootstrap", args, flags: Set(["tables", "at"]).union(EventSink.flags), passthrough: true)
        let at = try parseStart(a)
        let clients = Cleaning.clean(try Files.loadTables(try a.required("tables")), dropInactive: false).clients
        var out = try EventSink(a)
        for c in snapshots(clients, at: at) { try out.write(c) }
        try out.finish()
    }

    static func snapshots(_ clients: [ClientRecord], at: Int64) -> [ClientEvent] {
        clients.map {
            ClientEvent(clientId: Int64($0.id), timeMillis: at, eventId: "bootstrap-\($0.id)",
                        payload: .snapshot(Snapshot(features: $0.features, profit: $0.profit)))
        }
    }
}

/// `churn simulate`: a synthetic population, then days of activity.
enum SimulateCommand {
    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "simulate", args, flags: Set(["clients", "days", "seed", "fade", "model", "start"]).union(EventSink.flags),
                              passthrough: true)
        let n = try a.int("clients", default: 1000)
        let days = try a.int("days", default: 30)
        guard n > 0, days >= 0 else { throw CLIError.usage("simulate", "--clients must be positive and --days non-negative") }
        let fadeText = a.optional("fade") ?? "0.2"
        guard let fade = Double(fadeText), (0...1).contains(fade) else {
            throw CLIError.usage("simulate", "--fade must be a share in [0, 1], got «\(fadeText)»")
        }
        let artifact = try Files.loadModel(a.optional("model") ?? "models/churn-svc.json")
        let start = try parseStart(a)
        let sim = Simulator(stats: artifact.reference.stats, seed: try a.uint64("seed", default: 1), fadeShare: fade)
        let population = sim.population(clients: n, startMillis: start)
        var out = try EventSink(a)
        for e in population { try out.write(e) }
        var failure: CLIError?
        sim.activity(of: population, days: days, startMillis: start) { events in
            guard failure == nil else { return }
            do throws(CLIError) { for e in events { try out.write(e) } } catch { failure = error }
        }
        if let failure { throw failure }
        try out.finish()
    }
}
