import ChurnModel

/// Settings of one training run.
public struct TrainingOptions: Sendable {
    public var seed: UInt64 = 42
    public var folds = 5
    public var testShare = 0.25
    /// Out-of-fold precision the probability threshold must reach.
    public var targetPrecision = 0.9
    /// Antithetic permutation pairs per explanation (feature importance in the report).
    public var explanationPairs = 16
    public var families: [ModelFamily] = ModelFamily.all

    public init() {}
}

/// What a training run produced: the artifact and what the report shows.
public struct TrainingOutcome: Sendable {
    public var artifact: ModelArtifact
    public var clients: [ClientRecord]
    /// Best CV result per family and scaler.
    public var cvTable: [CVResult]
    public var testIds: [Int]
    public var testActual: [Bool]
    public var testDecision: [Double]
    public var testProbability: [Double]
    /// Mean |contribution| per raw feature over the test set.
    public var importance: [Double]
    /// Probability of every cleaned client under the exported model (for the segment chart).
    public var allProbabilities: [Double]
}

/// The study's protocol: clean, split, select by CV F1, fit the best SVC with Platt probabilities,
/// measure on the test set, set the alert thresholds.
public enum Trainer {
    /// The study's five most important features (SHAP), in our names.
    public static let studyTopFive = ["pages_per_visit", "minutes_current", "minutes_previous",
                                      "unpaid_items_quarter", "categories_per_visit"]

    public static func train(_ tables: ShopTables, options: TrainingOptions = TrainingOptions(),
                             log: (String) -> Void = { _ in }) -> TrainingOutcome {
        let spec = FeatureSpec.standard
        let cleaned = Cleaning.clean(tables, spec: spec)
        for step in cleaned.log { log("clean: \(step.step): \(step.count) — \(step.detail)") }
        let clients = cleaned.clients
        let all = Dataset(clients, spec: spec)
        let (trainRows, testRows) = Splits.stratifiedSplit(labels: all.labels, testShare: options.testShare, seed: options.seed)
        let train = all.subset(trainRows)
        let test = all.subset(testRows)
        log("split: \(trainRows.count) train, \(testRows.count) test (seed \(options.seed), stratified)")

        let candidates = ModelSearch.crossValidate(train, families: options.families, folds: options.folds, seed: options.seed)
        let table = ModelSearch.bestPerFamilyAndScaler(candidates)
        for c in table {
            log("cv: \(c.family) (\(c.scaler.rawValue)) \(formatParams(c.params)): F1 \(fmt(c.meanF1)) ± \(fmt(c.result.cvF1Sd))")
        }
        let chosen = ModelSearch.best(candidates, family: ModelFamily.svc.name)
            ?? ModelSearch.Candidate(family: "svc", scaler: .standard, params: ["C": 4], foldF1: [])
        let c = chosen.params["C"] ?? 4
        log("selected: svc (\(chosen.scaler.rawValue)) \(formatParams(chosen.params)), CV F1 \(fmt(chosen.meanF1))")

        let fit = fitSVC(train, scaler: chosen.scaler, c: c, seed: options.seed)
        let scorer = fit.artifactParts.scorer
        let testScores = test.raw.map { scorer.score($0) }
        let metrics = Metrics.evaluate(predicted: testScores.map { $0.decisionValue > 0 },
                                       probabilities: testScores.map(\.probability),
                                       scores: testScores.map(\.decisionValue), actual: test.labels)
        log("test: F1 \(fmt(metrics.f1)), precision \(fmt(metrics.precision)), recall \(fmt(metrics.recall)), ROC-AUC \(fmt(metrics.rocAuc)), Brier \(fmt(metrics.brier)), \(fit.svc.supportVectors.count) support vectors")

        // Probability threshold from out-of-fold probabilities on the training split.
        let oof = outOfFoldProbabilities(train, scaler: chosen.scaler, c: c, folds: options.folds, seed: options.seed)
        let cut = Metrics.smallestCut(probabilities: oof, actual: train.labels, target: options.targetPrecision)
        if cut == nil { log("warning: no cut reaches out-of-fold precision \(options.targetPrecision); using 1") }
        let profitMean = clients.reduce(0) { $0 + $1.profit } / Double(max(clients.count, 1))
        let thresholds = AlertThresholds(profit: profitMean, probability: cut?.cut ?? 1,
                                         targetPrecision: options.targetPrecision,
                                         precisionAtCut: cut?.precision ?? 0, recallAtCut: cut?.recall ?? 0)
        log("thresholds: profit ≥ \(fmt(profitMean)) (mean), probability ≥ \(fmt(thresholds.probability)) (out-of-fold precision \(fmt(thresholds.precisionAtCut)), recall \(fmt(thresholds.recallAtCut)))")

        let reference = FeatureReference.from(train: train)
        let explainer = ShapleyExplainer(scorer: scorer, baseline: reference.baseline)
        var importance = [Double](repeating: 0, count: spec.count)
        let phis = parallelMap(test.raw.count) { explainer.sampled(test.raw[$0], pairs: options.explanationPairs) }
        for phi in phis { for i in phi.indices { importance[i] += abs(phi[i]) / Double(max(phis.count, 1)) } }
        let top = importance.indices.sorted { importance[$0] > importance[$1] }.prefix(5).map { spec.features[$0].name }
        log("top 5 features: \(top.joined(separator: ", ")) (study: \(studyTopFive.joined(separator: ", ")))")

        let metadata = TrainingMetadata(
            tables: tables.sha256, seed: options.seed, trainIds: trainRows.map { clients[$0].id },
            testIds: testRows.map { clients[$0].id }, cleaning: cleaned.log, cvTable: table.map(\.result),
            selected: chosen.result, testMetrics: metrics, libsvmVersion: LibSVMClassifier.version, folds: options.folds)
        let artifact = ModelArtifact(featureSpec: spec, scaler: fit.artifactParts.scaler, svc: fit.svc,
                                     thresholds: thresholds, reference: reference, training: metadata)
        return TrainingOutcome(
            artifact: artifact, clients: clients, cvTable: table.map(\.result), testIds: metadata.testIds,
            testActual: test.labels, testDecision: testScores.map(\.decisionValue),
            testProbability: testScores.map(\.probability), importance: importance,
            allProbabilities: all.raw.map { scorer.score($0).probability })
    }

    /// An SVC fitted by libsvm with Platt probabilities, and its native scorer.
    public struct FittedSVC: Sendable {
        public var svc: SVCParameters
        public var libsvm: LibSVMClassifier
        public var artifactParts: (scaler: Scaler, scorer: ChurnScorer)
    }

    public static func fitSVC(_ data: Dataset, scaler kind: ScalerKind, c: Double, seed: UInt64) -> FittedSVC {
        let encoder = data.fitEncoder(kind)
        let x = data.encoded(with: encoder)
        let model = LibSVMClassifier(x: x, y: data.labels, c: c, gamma: scaleGamma(x), probability: true,
                                     seed: UInt32(truncatingIfNeeded: seed))
        let svc = model.parameters(classNames: (atRisk: ShopTables.dropped, retained: ShopTables.kept))
        return FittedSVC(svc: svc, libsvm: model,
                         artifactParts: (encoder.scaler, ChurnScorer(encoder: encoder, svc: svc.makeModel())))
    }

    /// Each training row's probability from a model that did not see it.
    static func outOfFoldProbabilities(_ data: Dataset, scaler: ScalerKind, c: Double, folds k: Int, seed: UInt64) -> [Double] {
        let folds = Splits.stratifiedFolds(labels: data.labels, k: k, seed: seed &+ 1)
        let perFold = parallelMap(folds.count) { f -> [Double] in
            let held = Set(folds[f])
            let fit = fitSVC(data.subset(data.raw.indices.filter { !held.contains($0) }), scaler: scaler, c: c,
                             seed: seed &+ UInt64(f))
            return folds[f].map { fit.artifactParts.scorer.score(data.raw[$0]).probability }
        }
        var out = [Double](repeating: 0, count: data.raw.count)
        for (f, rows) in folds.enumerated() { for (i, r) in rows.enumerated() { out[r] = perFold[f][i] } }
        return out
    }

    static func formatParams(_ p: [String: Double]) -> String {
        p.keys.sorted().map { "\($0)=\(compact(p[$0] ?? 0))" }.joined(separator: " ")
    }
}

/// A hyperparameter as written in a grid: `31`, `0.25`.
public func compact(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
    return String(v)
}

/// A number with a fixed number of decimals, locale-free (trailing zeros trimmed when `trim`).
public func fmt(_ v: Double, digits: Int = 3) -> String {
    guard v.isFinite else { return "\(v)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (abs(v) * scale).rounded()
    let whole = Int(r / scale)
    let frac = Int(r - Double(whole) * scale)
    let sign = v < 0 && r != 0 ? "-" : ""
    guard digits > 0 else { return sign + String(whole) }
    let f = String(frac)
    return sign + String(whole) + "." + String(repeating: "0", count: digits - f.count) + f
}

extension FeatureReference {
    /// Baseline, typical retained client, at-risk means and per-feature stats from the training rows.
    public static func from(train: Dataset) -> FeatureReference {
        let spec = train.spec
        func typical(_ rows: [[Double]]) -> [Double] {
            spec.features.indices.map { i in
                let v = rows.map { $0[i] }.sorted()
                guard !v.isEmpty else { return 0 }
                if spec.features[i].kind == .categorical {
                    let counts = spec.features[i].categories.indices.map { c in v.filter { $0 == Double(c) }.count }
                    return Double(counts.indices.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) } ?? 0)
                }
                return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
            }
        }
        let retained = zip(train.raw, train.labels).filter { !$0.1 }.map(\.0)
        let atRisk = zip(train.raw, train.labels).filter(\.1).map(\.0)
        let atRiskMean = spec.features.indices.map { i in atRisk.reduce(0) { $0 + $1[i] } / Double(max(atRisk.count, 1)) }
        let stats = spec.features.enumerated().map { i, f -> FeatureStats in
            let v = train.raw.map { $0[i] }
            let (m, sd) = Metrics.meanSD(v)
            let shares = f.categories.indices.map { c in Double(v.filter { $0 == Double(c) }.count) / Double(max(v.count, 1)) }
            return FeatureStats(name: f.name, mean: m, sd: sd, min: v.min() ?? 0, max: v.max() ?? 0, categoryShares: shares)
        }
        return FeatureReference(baseline: typical(train.raw), retainedTypical: typical(retained), atRiskMean: atRiskMean,
                                stats: stats)
    }
}
