import ChurnModel
import ChurnTraining
import Foundation

enum EvaluateCommand {
    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "evaluate", args, flags: ["tables", "repeats", "format", "first-seed"])
        let tablesDir = try a.required("tables")
        let repeats = try a.int("repeats", default: 10)
        guard repeats > 0 else { throw CLIError.usage("evaluate", "--repeats must be at least 1") }
        let format = try a.choice("format", ["text", "json"], default: "text")
        let firstSeed = try a.uint64("first-seed", default: 0)
        let clients = Cleaning.clean(try Files.loadTables(tablesDir)).clients
        let summaries = Evaluation.run(clients, repeats: repeats, firstSeed: firstSeed) { done, s in
            let svc = s.first { $0.family == "svc" }
            logLine("evaluate: \(done)/\(repeats) splits; svc test F1 so far \(fmt(Metrics.meanSD(svc?.testF1 ?? []).mean))")
        }
        if format == "json" {
            let families = summaries.map { s -> String in
                let cv = Metrics.meanSD(s.cvF1), test = Metrics.meanSD(s.testF1), auc = Metrics.meanSD(s.auc)
                return "{\"family\": \"\(s.family)\", \"cv_f1_mean\": \(cv.mean), \"cv_f1_sd\": \(cv.sd), \"test_f1_mean\": \(test.mean), \"test_f1_sd\": \(test.sd), \"auc_mean\": \(auc.mean), \"auc_sd\": \(auc.sd)}"
            }
            print("{\"repeats\": \(repeats), \"families\": [\(families.joined(separator: ", "))]}")
            return
        }
        print("\(repeats) stratified 75/25 splits (seeds \(firstSeed)…\(firstSeed + UInt64(repeats) - 1)), 5-fold CV selection; mean ± sd")
        print("family                CV F1            test F1          ROC-AUC")
        for s in summaries {
            let cv = Metrics.meanSD(s.cvF1), test = Metrics.meanSD(s.testF1), auc = Metrics.meanSD(s.auc)
            print("\(s.family.padding(toLength: 20, withPad: " ", startingAt: 0))  \(fmt(cv.mean)) ± \(fmt(cv.sd))    \(fmt(test.mean)) ± \(fmt(test.sd))    \(fmt(auc.mean)) ± \(fmt(auc.sd))")
        }
    }
}
