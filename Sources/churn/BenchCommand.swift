import ChurnModel
import ChurnTraining
import Dispatch
import Foundation

/// `churn bench`: scoring and explanation cost, and training time, over repeated runs.
enum BenchCommand {
    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "bench", args, flags: ["model", "tables", "runs"])
        let artifact = try Files.loadModel(try a.required("model"))
        let tables = try Files.loadTables(try a.required("tables"))
        let runs = try a.int("runs", default: 7)
        let clients = Cleaning.clean(tables, dropInactive: false).clients
        let scorer = artifact.makeScorer()
        print("bench: \(artifact.svc.supportVectors.count) support vectors × \(scorer.encoder.width) encoded inputs, \(clients.count) clients, \(runs) runs, one thread")

        // Scoring: every client, many passes per run.
        let rows = clients.map(\.features)
        let flat = rows.flatMap { $0 }
        let n = scorer.featureCount
        let passes = 200
        var sink = 0.0
        let perScore = (0..<runs).map { _ -> Double in
            let t = now()
            flat.withUnsafeBufferPointer { f in
                for _ in 0..<passes {
                    for i in 0..<rows.count {
                        sink += scorer.score(UnsafeBufferPointer(rebasing: f[(i * n)..<((i + 1) * n)])).probability
                    }
                }
            }
            return (now() - t) / Double(passes * rows.count) * 1e6
        }
        report("score (encode + decision + Platt)", perScore, unit: "µs")

        // Explanations: sampled cost, and its error against exact Shapley on a few clients.
        let explainer = ShapleyExplainer(scorer: scorer, baseline: artifact.reference.baseline)
        let sample = stride(from: 0, to: rows.count, by: rows.count / 5).prefix(5).map { rows[$0] }
        for pairs in [8, 16, 32] {
            let times = (0..<runs).map { _ -> Double in
                let t = now()
                for r in sample { sink += explainer.sampled(r, pairs: pairs)[0] }
                return (now() - t) / Double(sample.count) * 1e3
            }
            report("explain, sampled (\(pairs) antithetic pairs = \(2 * pairs * n) scores)", times, unit: "ms")
        }
        var exactTimes: [Double] = []
        var errors: [Int: [Double]] = [:]
        for r in sample {
            let t = now()
            let exact = explainer.exact(r)
            exactTimes.append((now() - t) * 1e3)
            for pairs in [8, 16, 32] {
                let s = explainer.sampled(r, pairs: pairs)
                errors[pairs, default: []].append(zip(exact, s).map { abs($0 - $1) }.max() ?? 0)
            }
        }
        report("explain, exact (2^\(n) scores)", exactTimes, unit: "ms")
        for pairs in [8, 16, 32] {
            let e = errors[pairs] ?? []
            print("  sampled (\(pairs) pairs) max |φ − φ_exact| over \(e.count) clients: mean \(String(format: "%.5f", Metrics.meanSD(e).mean)), worst \(String(format: "%.5f", e.max() ?? 0))")
        }

        // Training: the whole `churn train` protocol.
        let trainTimes = (0..<min(runs, 3)).map { _ -> Double in
            let t = now()
            _ = Trainer.train(tables)
            return now() - t
        }
        report("train (clean, 5-fold CV of 4 families × 2 scalers, fit, OOF threshold, importance)", trainTimes, unit: "s")
        if sink.isNaN { print("") }
    }

    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    static func report(_ what: String, _ values: [Double], unit: String) {
        let s = values.sorted()
        let (mean, sd) = Metrics.meanSD(values)
        print("\(what): median \(String(format: "%.3f", s[s.count / 2])) \(unit), mean \(String(format: "%.3f", mean)) ± \(String(format: "%.3f", sd)), min \(String(format: "%.3f", s.first ?? 0)), max \(String(format: "%.3f", s.last ?? 0))")
    }
}
