import ChurnModel
import ChurnTraining
import Foundation

enum ExplainCommand {
    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "explain", args, flags: ["model", "tables", "client", "pairs"], switches: ["exact"])
        let artifact = try Files.loadModel(try a.required("model"))
        let tablesDir = try a.required("tables")
        let id = try a.int("client", default: -1)
        guard a.optional("client") != nil else { throw CLIError.usage("explain", "missing --client") }
        let pairs = try a.int("pairs", default: 16)
        let clients = Cleaning.clean(try Files.loadTables(tablesDir)).clients
        guard let client = clients.first(where: { $0.id == id }) else {
            throw CLIError.failed("unknown_client", "client \(id) is not in the cleaned tables of \(tablesDir)")
        }
        let scorer = artifact.makeScorer()
        let explainer = ShapleyExplainer(scorer: scorer, baseline: artifact.reference.baseline)
        let phi = a.flag("exact") ? explainer.exact(client.features) : explainer.sampled(client.features, pairs: pairs)
        let score = scorer.score(client.features)
        print("client \(id): probability \(fmt(score.probability, digits: 4)) (baseline \(fmt(explainer.baselineProbability, digits: 4))), profit \(client.profit), in segment: \(client.profit >= artifact.thresholds.profit && score.probability >= artifact.thresholds.probability)")
        print("method: \(a.flag("exact") ? "exact Shapley (2^\(phi.count) scores)" : "permutation Shapley, \(pairs) antithetic pairs")")
        let ranked = Contribution.ranked(phi, raw: client.features, spec: artifact.featureSpec)
        let width = ranked.map(\.feature.count).max() ?? 0
        for c in ranked {
            let sign = c.contribution >= 0 ? "+" : "-"
            print("  \(c.feature.padding(toLength: width, withPad: " ", startingAt: 0))  \(sign)\(fmt(abs(c.contribution), digits: 4))  value \(c.value)")
        }
    }
}
