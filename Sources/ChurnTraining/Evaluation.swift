import ChurnModel

/// The whole protocol repeated over split seeds: the honest figure, with its spread.
public enum Evaluation {
    /// One family's scores over the repeats.
    public struct FamilySummary: Sendable, Codable {
        public var family: String
        public var cvF1: [Double]
        public var testF1: [Double]
        public var auc: [Double]
    }

    /// Runs split, selection (per family, over scalers and grid), fit and test for seeds
    /// `firstSeed ..< firstSeed + repeats`.
    public static func run(_ clients: [ClientRecord], repeats: Int, firstSeed: UInt64 = 0, folds: Int = 5,
                           testShare: Double = 0.25, families: [ModelFamily] = ModelFamily.all,
                           progress: (Int, [FamilySummary]) -> Void = { _, _ in }) -> [FamilySummary] {
        let all = Dataset(clients)
        var summaries = families.map { FamilySummary(family: $0.name, cvF1: [], testF1: [], auc: []) }
        for r in 0..<repeats {
            let seed = firstSeed &+ UInt64(r)
            let (trainRows, testRows) = Splits.stratifiedSplit(labels: all.labels, testShare: testShare, seed: seed)
            let train = all.subset(trainRows)
            let test = all.subset(testRows)
            let candidates = ModelSearch.crossValidate(train, families: families, folds: folds, seed: seed)
            let results = parallelMap(families.count) { f -> (Double, Double, Double) in
                guard let best = ModelSearch.best(candidates, family: families[f].name) else { return (0, 0, 0) }
                let encoder = train.fitEncoder(best.scaler)
                let model = families[f].fit(train.encoded(with: encoder), train.labels, best.params)
                let x = test.encoded(with: encoder)
                return (best.meanF1, Metrics.f1(predicted: x.map(model.predict), actual: test.labels),
                        Metrics.rocAUC(scores: x.map(model.score), actual: test.labels))
            }
            for (f, res) in results.enumerated() {
                summaries[f].cvF1.append(res.0)
                summaries[f].testF1.append(res.1)
                summaries[f].auc.append(res.2)
            }
            progress(r + 1, summaries)
        }
        return summaries
    }
}
