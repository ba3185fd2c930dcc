import ChurnModel
import ChurnState
import ChurnTraining
import Foundation

/// Default anchor of bootstrap snapshots and simulations: the tables carry no date.
let defaultStart = "2026-01-01T00:00:00Z"

/// Buffered JSON-lines output on stdout.
struct LineWriter {
    private var buffer: [UInt8] = []

    mutating func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count > 1 << 20 { flush() }
    }

    mutating func flush() {
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
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
        let a = try Arguments(command: "bootstrap", args, flags: ["tables", "at"])
        let at = try parseStart(a)
        let clients = Cleaning.clean(try Files.loadTables(try a.required("tables")), dropInactive: false).clients
        var out = LineWriter()
        for c in snapshots(clients, at: at) { out.write(EventEncoder.json(c)) }
        out.flush()
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
        let a = try Arguments(command: "simulate", args, flags: ["clients", "days", "seed", "fade", "model", "start"])
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
        var out = LineWriter()
        for e in population { out.write(EventEncoder.json(e)) }
        sim.activity(of: population, days: days, startMillis: start) { events in
            for e in events { out.write(EventEncoder.json(e)) }
        }
        out.flush()
    }
}
