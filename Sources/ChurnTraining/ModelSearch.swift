import ChurnModel

/// Grid search by stratified K-fold cross-validated F1, every family with every scaler;
/// the scaler is fitted inside each fold, as a scikit-learn pipeline does.
public enum ModelSearch {
    /// Mean and spread of one configuration's fold F1s.
    public struct Candidate: Sendable {
        public var family: String
        public var scaler: ScalerKind
        public var params: [String: Double]
        public var foldF1: [Double]
        public var meanF1: Double { Metrics.meanSD(foldF1).mean }

        public var result: CVResult {
            let (m, sd) = Metrics.meanSD(foldF1)
            return CVResult(family: family, scaler: scaler, params: params, cvF1: m, cvF1Sd: sd)
        }
    }

    /// Every candidate's CV scores, in family, scaler, grid order. Folds run in parallel.
    public static func crossValidate(_ data: Dataset, families: [ModelFamily], folds k: Int, seed: UInt64) -> [Candidate] {
        let folds = Splits.stratifiedFolds(labels: data.labels, k: k, seed: seed)
        let scalers = ScalerKind.allCases
        // Encode each fold once per scaler.
        struct Fold: Sendable { let trainX: [[Double]], trainY: [Bool], testX: [[Double]], testY: [Bool] }
        let prepared: [[Fold]] = scalers.map { kind in
            folds.map { held in
                let heldSet = Set(held)
                let trainRows = data.raw.indices.filter { !heldSet.contains($0) }
                let train = data.subset(trainRows)
                let test = data.subset(held)
                let encoder = train.fitEncoder(kind)
                return Fold(trainX: train.encoded(with: encoder), trainY: train.labels,
                            testX: test.encoded(with: encoder), testY: test.labels)
            }
        }
        let configs: [(family: ModelFamily, scaler: Int, params: [String: Double])] = families.flatMap { family in
            scalers.indices.flatMap { s in family.grid.map { (family, s, $0) } }
        }
        let jobs = configs.count * k
        let scores = parallelMap(jobs) { job in
            let config = configs[job / k]
            let fold = prepared[config.scaler][job % k]
            let model = config.family.fit(fold.trainX, fold.trainY, config.params)
            return Metrics.f1(predicted: fold.testX.map(model.predict), actual: fold.testY)
        }
        return configs.enumerated().map { i, c in
            Candidate(family: c.family.name, scaler: scalers[c.scaler], params: c.params,
                      foldF1: Array(scores[(i * k)..<((i + 1) * k)]))
        }
    }

    /// The best candidate per family and scaler (first in grid order among equal means).
    public static func bestPerFamilyAndScaler(_ candidates: [Candidate]) -> [Candidate] {
        var best: [Candidate] = []
        for c in candidates {
            if let i = best.firstIndex(where: { $0.family == c.family && $0.scaler == c.scaler }) {
                if c.meanF1 > best[i].meanF1 { best[i] = c }
            } else {
                best.append(c)
            }
        }
        return best
    }

    /// The best candidate of `family` over all scalers.
    public static func best(_ candidates: [Candidate], family: String) -> Candidate? {
        candidates.filter { $0.family == family }.reduce(nil) { (acc: Candidate?, c) in
            acc.map { c.meanF1 > $0.meanF1 ? c : $0 } ?? c
        }
    }
}
