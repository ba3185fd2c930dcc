import Foundation
@testable import ChurnModel

/// Seeded, hand-built models and inputs for the ChurnModel tests (no libsvm, no files).
enum Fixtures {
    static let spec = FeatureSpec.standard
    /// Platt parameters of the hand-built models.
    static let plattA = -2.0
    static let plattB = 0.1

    // MARK: Raw and encoded vectors

    /// A raw feature vector in `spec` order. Categorical values are valid category indices;
    /// numerics are `offset + scale · u` with u uniform in [−2, 2] when a scaler is given
    /// (so they encode to [−2, 2]), otherwise uniform in [0, 100).
    static func rawVector(_ rng: inout SplitMix64, spec: FeatureSpec = .standard, scaler: Scaler? = nil) -> [Double] {
        var raw: [Double] = []
        var numericColumn = 0
        for f in spec.features {
            switch f.kind {
            case .categorical:
                raw.append(Double(rng.below(max(f.categories.count, 1))))
            case .numeric:
                if let s = scaler {
                    raw.append(s.offset[numericColumn] + s.scale[numericColumn] * (rng.unit() * 4 - 2))
                } else {
                    raw.append(rng.unit() * 100)
                }
                numericColumn += 1
            }
        }
        return raw
    }

    /// An encoded vector as the encoder would produce it for `spec`: numerics uniform in [−2, 2],
    /// each categorical block all zeros (reference level) or a single 1.
    static func encodedVector(_ rng: inout SplitMix64, spec: FeatureSpec = .standard) -> [Double] {
        var x = spec.numericIndices.map { _ in rng.unit() * 4 - 2 }
        for f in spec.features where f.kind == .categorical {
            let levels = max(f.categories.count - 1, 0)
            var block = [Double](repeating: 0, count: levels)
            let level = rng.below(levels + 1)
            if level > 0 { block[level - 1] = 1 }
            x += block
        }
        return x
    }

    /// A plain vector of `width` values uniform in [lo, hi).
    static func uniformVector(_ rng: inout SplitMix64, width: Int, lo: Double = -2, hi: Double = 2) -> [Double] {
        (0..<width).map { _ in lo + (hi - lo) * rng.unit() }
    }

    // MARK: Models

    /// `count` random support vectors shaped like encoded inputs of the standard spec (or plain uniform
    /// vectors when `width` differs from its encoded width).
    static func supportVectors(_ rng: inout SplitMix64, count: Int, width: Int = FeatureSpec.standard.encodedWidth) -> [[Double]] {
        (0..<count).map { _ in
            width == FeatureSpec.standard.encodedWidth ? encodedVector(&rng) : uniformVector(&rng, width: width)
        }
    }

    /// A random SVC: `count` support vectors, coefficients in [−1, 1], rho in [−0.5, 0.5], gamma 0.05,
    /// Platt A = −2, B = 0.1.
    static func svcParameters(_ rng: inout SplitMix64, count: Int, width: Int = FeatureSpec.standard.encodedWidth,
                              gamma: Double = 0.05, atRiskIndex: Int = 0) -> SVCParameters {
        let svs = supportVectors(&rng, count: count, width: width)
        let coefficients = (0..<count).map { _ in rng.unit() * 2 - 1 }
        let first = count / 2
        return SVCParameters(gamma: gamma, c: 4, labels: [1, 0], classNames: ["Снизилась", "Прежний уровень"],
                             atRiskIndex: atRiskIndex, supportVectorCounts: [first, count - first],
                             supportVectors: svs, dualCoefficients: coefficients, rho: rng.unit() - 0.5,
                             plattA: plattA, plattB: plattB)
    }

    static func svcModel(_ rng: inout SplitMix64, count: Int, width: Int = FeatureSpec.standard.encodedWidth,
                         gamma: Double = 0.05, atRiskIndex: Int = 0) -> SVCModel {
        svcParameters(&rng, count: count, width: width, gamma: gamma, atRiskIndex: atRiskIndex).makeModel()
    }

    /// A standard scaler with 13 random offsets in [0, 200) and scales in [0.5, 50.5).
    static func scaler(_ rng: inout SplitMix64, spec: FeatureSpec = .standard) -> Scaler {
        let n = spec.numericIndices.count
        return Scaler(kind: .standard, offset: (0..<n).map { _ in rng.unit() * 200 },
                      scale: (0..<n).map { _ in 0.5 + rng.unit() * 50 })
    }

    /// A random scorer for the standard spec.
    static func scorer(seed: UInt64, supportVectors: Int = 12) -> ChurnScorer {
        artifact(seed: seed, supportVectors: supportVectors).makeScorer()
    }

    // MARK: Artifact

    /// A random but seeded artifact for the standard spec that passes ``ArtifactCodec/validate(_:spec:)``.
    static func artifact(seed: UInt64, supportVectors count: Int = 12) -> ModelArtifact {
        var rng = SplitMix64(seed: seed)
        let spec = FeatureSpec.standard
        let scaler = scaler(&rng)
        let svc = svcParameters(&rng, count: count)
        let thresholds = AlertThresholds(profit: 4 + rng.unit(), probability: 0.3 + 0.6 * rng.unit(),
                                         targetPrecision: 0.8, precisionAtCut: 0.8 + 0.1 * rng.unit(),
                                         recallAtCut: rng.unit())
        let stats = spec.features.map { f in
            FeatureStats(name: f.name, mean: rng.unit() * 100, sd: rng.unit() * 10, min: 0, max: 100 + rng.unit(),
                         categoryShares: f.kind == .categorical ? f.categories.map { _ in 1 / Double(f.categories.count) } : [])
        }
        let reference = FeatureReference(baseline: rawVector(&rng, scaler: scaler),
                                         retainedTypical: rawVector(&rng, scaler: scaler),
                                         atRiskMean: rawVector(&rng, scaler: scaler), stats: stats)
        let selected = CVResult(family: "svc", scaler: .standard, params: ["C": 4, "gamma": 0.05],
                                cvF1: rng.unit(), cvF1Sd: rng.unit() / 10)
        let metrics = ClassificationMetrics(
            f1: rng.unit(), precision: rng.unit(), recall: rng.unit(), rocAuc: rng.unit(), brier: rng.unit() / 4,
            truePositives: 40, falsePositives: 7, trueNegatives: 180, falseNegatives: 12,
            calibration: [CalibrationBin(lower: 0, upper: 0.5, count: 150, meanPredicted: 0.2, observedRate: 0.18),
                          CalibrationBin(lower: 0.5, upper: 1, count: 89, meanPredicted: 0.7, observedRate: 0.74)])
        let training = TrainingMetadata(
            tables: ["market_file.csv": SHA256.hex(Array("market".utf8)), "market_money.csv": SHA256.hex(Array("money".utf8)),
                     "market_time.csv": SHA256.hex(Array("time".utf8)), "money.csv": SHA256.hex(Array("profit".utf8))],
            seed: rng.next(), trainIds: [215349, 215350, 215351, 215352], testIds: [215353, 215354],
            cleaning: [CleaningRecord(step: "drop_inactive", detail: "clients with no revenue in a month", count: 3),
                       CleaningRecord(step: "fix_typo", detail: "Стандартт → стандарт", count: 1)],
            cvTable: [selected, CVResult(family: "logistic", scaler: .minmax, params: ["C": 1], cvF1: 0.7, cvF1Sd: 0.02)],
            selected: selected, testMetrics: metrics, libsvmVersion: 324, folds: 5)
        return ModelArtifact(featureSpec: spec, scaler: scaler, svc: svc, thresholds: thresholds,
                             reference: reference, training: training)
    }
}

/// Why `ArtifactCodec.decode` refuses `bytes`, or nil if it accepts them.
func decodeError(_ bytes: [UInt8], expecting spec: FeatureSpec = .standard) -> ArtifactError? {
    do {
        _ = try ArtifactCodec.decode(bytes, expecting: spec)
        return nil
    } catch {
        return error
    }
}

/// Why `ArtifactCodec.validate` refuses `artifact`, or nil if it accepts it.
func validateError(_ artifact: ModelArtifact, spec: FeatureSpec = .standard) -> ArtifactError? {
    do {
        try ArtifactCodec.validate(artifact, spec: spec)
        return nil
    } catch {
        return error
    }
}
