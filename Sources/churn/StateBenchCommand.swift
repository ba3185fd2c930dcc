import ChurnModel
import ChurnState
import Dispatch
import Foundation

/// `churn bench-state`: state engine speed and memory on the simulator's mix, one thread.
enum StateBenchCommand {
    /// The same event for Foundation's JSONDecoder, to compare parse cost.
    struct DecodableEvent: Decodable {
        var schema: String
        var type: String
        var client_id: Int64
        var ts: String
        var event_id: String?
        var minutes: Double?, pages: Double?, categories_viewed: Double?
        var revenue: Double?, items: Double?, promo_items: Double?, category: String?
        var channel: String?, profit: Double?
    }

    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "bench-state", args, flags: ["clients", "days", "model", "runs"])
        let n = try a.int("clients", default: 100_000)
        let days = try a.int("days", default: 60)
        let runs = try a.int("runs", default: 5)
        let artifact = try Files.loadModel(a.optional("model") ?? "models/churn-svc.json")
        let start = RFC3339.parseMillis(defaultStart) ?? 0
        let sim = Simulator(stats: artifact.reference.stats, seed: 7, fadeShare: 0.2)
        let population = sim.population(clients: n, startMillis: start)
        var events = population
        sim.activity(of: population, days: days, startMillis: start) { events += $0 }
        let activity = events.count - population.count
        print("bench-state: \(n) clients, \(days) days, \(events.count) events (\(activity) activity), \(runs) runs, one thread")

        // Apply (no parsing).
        var engine = StateEngine()
        let applyRates = (0..<runs).map { _ -> Double in
            var e = StateEngine()
            let t = now()
            for ev in events { _ = e.apply(ev) }
            let dt = now() - t
            engine = e
            return Double(events.count) / dt / 1e6
        }
        BenchCommand.report("apply events (incl. daily ageing)", applyRates, unit: "M events/s")

        // Feature extraction (what each rescore reads).
        let ids = Array(engine.ids.prefix(100_000))
        var sink = 0.0
        let featureTimes = (0..<runs).map { _ -> Double in
            let t = now()
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 17) { f in
                for id in ids { _ = engine.features(of: id, into: f); sink += f[0] }
            }
            return (now() - t) / Double(ids.count) * 1e9
        }
        BenchCommand.report("features of one client", featureTimes, unit: "ns")

        // Parsing a typical event: JSON lines of the activity mix.
        let lines = events.suffix(200_000).map { Array(EventEncoder.json($0).utf8) }
        let meanBytes = Double(lines.reduce(0) { $0 + $1.count }) / Double(lines.count)
        let parser = EventParser()
        let parseTimes = (0..<runs).map { _ -> Double in
            let t = now()
            for l in lines { if let e = try? parser.parse(l) { sink += Double(e.clientId) } }
            return (now() - t) / Double(lines.count) * 1e9
        }
        BenchCommand.report("parse one event with EventParser (mean \(Int(meanBytes)) bytes)", parseTimes, unit: "ns")
        let decoder = JSONDecoder()
        let sample = lines.prefix(20_000).map { Data($0) }
        let decodeTimes = (0..<runs).map { _ -> Double in
            let t = now()
            for d in sample { if let e = try? decoder.decode(DecodableEvent.self, from: d) { sink += Double(e.client_id) } }
            return (now() - t) / Double(sample.count) * 1e9
        }
        BenchCommand.report("decode one event with Foundation JSONDecoder (no validation)", decodeTimes, unit: "ns")

        // Memory on the simulator's mix.
        let bytes = engine.approximateBytes
        let encoded = engine.ids.reduce(0) { $0 + (engine.state(of: $1).map { StateCodec.encode($0).count } ?? 0) }
        let perClient = max(engine.clientCount, 1)
        print("state after \(days) days: \(engine.clientCount) clients, \(bytes / perClient) bytes per client in memory (states, records, index), \(encoded / perClient) bytes per client encoded")
        if sink.isNaN { print("") }
    }

    static func now() -> Double { BenchCommand.now() }
}
