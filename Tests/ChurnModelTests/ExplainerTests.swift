import Foundation
import Testing
@testable import ChurnModel

/// Small hand-built specs and scorers for properties that need control over the model.
enum SmallModels {
    /// `n` raw inputs: numerics, except that the indices in `dummies` are categoricals with a single
    /// category (they encode to no column at all, so no model can depend on them).
    static func spec(_ n: Int, dummies: Set<Int> = []) -> FeatureSpec {
        FeatureSpec(features: (0..<n).map { i in
            dummies.contains(i)
                ? Feature(name: "d\(i)", source: "t:d\(i)", kind: .categorical, categories: ["only"], sourceValues: ["only"],
                          description: "dummy \(i)")
                : Feature(name: "f\(i)", source: "t:f\(i)", kind: .numeric, description: "numeric \(i)")
        }, promoLevelCut: 0.5)
    }

    /// Identity scaling and the given support vectors (random ones when nil).
    static func scorer(spec: FeatureSpec, supportVectors: [[Double]], coefficients: [Double], gamma: Double = 0.3,
                       rho: Double = 0.1) -> ChurnScorer {
        let numeric = spec.numericIndices.count
        let encoder = FeatureEncoder(spec: spec, scaler: Scaler(kind: .standard, offset: Array(repeating: 0, count: numeric),
                                                                scale: Array(repeating: 1, count: numeric)))
        let svc = SVCModel(gamma: gamma, cost: 1, labels: [1, 0], atRiskIndex: 0, supportVectors: supportVectors,
                           coefficients: coefficients, rho: rho, plattA: -2, plattB: 0.1)
        return ChurnScorer(encoder: encoder, svc: svc)
    }

    static func randomScorer(spec: FeatureSpec, count: Int, seed: UInt64) -> ChurnScorer {
        var rng = SplitMix64(seed: seed)
        let width = spec.encodedWidth
        let svs = (0..<count).map { _ in Fixtures.uniformVector(&rng, width: width) }
        let coef = (0..<count).map { _ in rng.unit() * 4 - 2 }
        return scorer(spec: spec, supportVectors: svs, coefficients: coef)
    }

    /// Shapley values straight from the definition: the mean marginal contribution over all n! orders.
    static func bruteForceShapley(_ explainer: ShapleyExplainer, _ x: [Double]) -> [Double] {
        let n = x.count
        var phi = [Double](repeating: 0, count: n)
        var orders = 0
        func visit(_ prefix: [Int], _ rest: [Int]) {
            if rest.isEmpty {
                orders += 1
                var z = explainer.baseline
                var previous = explainer.scorer.score(z).probability
                for i in prefix {
                    z[i] = x[i]
                    let p = explainer.scorer.score(z).probability
                    phi[i] += p - previous
                    previous = p
                }
                return
            }
            for (k, i) in rest.enumerated() {
                var r = rest
                r.remove(at: k)
                visit(prefix + [i], r)
            }
        }
        visit([], Array(0..<n))
        return phi.map { $0 / Double(orders) }
    }
}

@Suite struct ExplainerTests {
    /// A random standard-spec scorer and explainer with the artifact's baseline.
    func standardExplainer(seed: UInt64, supportVectors: Int = 12) -> (ShapleyExplainer, Scaler) {
        let artifact = Fixtures.artifact(seed: seed, supportVectors: supportVectors)
        return (ShapleyExplainer(scorer: artifact.makeScorer(), baseline: artifact.reference.baseline), artifact.scaler)
    }

    @Test func baselineProbabilityIsTheScorersProbability() {
        let (explainer, _) = standardExplainer(seed: 1)
        #expect(explainer.baselineProbability == explainer.scorer.score(explainer.baseline).probability)
    }

    /// One standard-spec client explained exactly (2¹⁷ scores, a few seconds in a debug build), shared
    /// by the tests that need an exact explanation over all 17 features. The model's coefficients are
    /// scaled up so that contributions are large next to the sampled variant's error bound.
    struct StandardCase: Sendable {
        let explainer: ShapleyExplainer
        let x: [Double]
        let exact: [Double]
        let elapsed: Duration

        static let shared: StandardCase = {
            var artifact = Fixtures.artifact(seed: 11, supportVectors: 8)
            artifact.svc.dualCoefficients = artifact.svc.dualCoefficients.map { $0 * 6 }
            let explainer = ShapleyExplainer(scorer: artifact.makeScorer(), baseline: artifact.reference.baseline)
            var rng = SplitMix64(seed: 12)
            let x = Fixtures.rawVector(&rng, scaler: artifact.scaler)
            var exact: [Double] = []
            let elapsed = ContinuousClock().measure { exact = explainer.exact(x) }
            return StandardCase(explainer: explainer, x: x, exact: exact, elapsed: elapsed)
        }()
    }

    @Test func exactContributionsSumToProbabilityChange() {
        let c = StandardCase.shared
        #expect(c.exact.count == 17)
        let change = c.explainer.scorer.score(c.x).probability - c.explainer.baselineProbability
        #expect(abs(c.exact.reduce(0, +) - change) <= 1e-12, "Σφ \(c.exact.reduce(0, +)) vs Δp \(change)")
        #expect(c.exact.filter { abs($0) > 1e-3 }.count >= 3, "a non-trivial explanation: \(c.exact)")
        #expect(c.elapsed < .seconds(60), "exact explanation took \(c.elapsed)")
    }

    @Test func exactMatchesThePermutationDefinition() {
        for (n, seed) in [(2, UInt64(1)), (3, 2), (5, 3), (6, 4)] {
            let spec = SmallModels.spec(n)
            let scorer = SmallModels.randomScorer(spec: spec, count: 9, seed: seed)
            var rng = SplitMix64(seed: seed + 100)
            let explainer = ShapleyExplainer(scorer: scorer, baseline: Fixtures.uniformVector(&rng, width: n))
            for _ in 0..<3 {
                let x = Fixtures.uniformVector(&rng, width: n)
                let exact = explainer.exact(x)
                let reference = SmallModels.bruteForceShapley(explainer, x)
                for i in 0..<n {
                    #expect(abs(exact[i] - reference[i]) <= 1e-14, "n=\(n) feature \(i): \(exact[i]) vs \(reference[i])")
                }
            }
        }
    }

    @Test func featureEqualToBaselineGetsExactlyZero() {
        let (explainer, scaler) = standardExplainer(seed: 4, supportVectors: 10)
        var rng = SplitMix64(seed: 5)
        var x = Fixtures.rawVector(&rng, scaler: scaler)
        let same = [FeatureSpec.Index.tenureDays, FeatureSpec.Index.popularCategory, FeatureSpec.Index.minutesCurrent]
        for i in same { x[i] = explainer.baseline[i] }
        for i in x.indices where !same.contains(i) {
            if x[i] == explainer.baseline[i] { x[i] = explainer.spec.features[i].kind == .numeric ? x[i] + 1 : 1 - x[i] }
        }
        let exact = explainer.exact(x)
        let sampled = explainer.sampled(x, pairs: 8, seed: 9)
        for i in same {
            #expect(exact[i] == 0, "exact φ[\(i)] = \(exact[i])")
            #expect(sampled[i] == 0, "sampled φ[\(i)] = \(sampled[i])")
        }
        #expect(exact.enumerated().contains { !same.contains($0.offset) && $0.element != 0 })
    }

    @Test func clientAtTheBaselineHasNoContributions() {
        // (The exact variant at the baseline is covered feature by feature in featureEqualToBaselineGetsExactlyZero.)
        let (explainer, _) = standardExplainer(seed: 6, supportVectors: 5)
        #expect(explainer.sampled(explainer.baseline) == [Double](repeating: 0, count: 17))
        #expect(explainer.sampled(explainer.baseline, pairs: 3, seed: 77) == [Double](repeating: 0, count: 17))
    }

    @Test func dummyFeaturesGetExactlyZero() {
        // Features 1 and 3 encode to no column: whatever their values, the score cannot depend on them.
        let spec = SmallModels.spec(5, dummies: [1, 3])
        #expect(spec.encodedWidth == 3)
        let scorer = SmallModels.randomScorer(spec: spec, count: 7, seed: 21)
        var rng = SplitMix64(seed: 22)
        let baseline = [rng.unit(), 0, rng.unit(), 0, rng.unit()]
        let explainer = ShapleyExplainer(scorer: scorer, baseline: baseline)
        for _ in 0..<5 {
            let x = [rng.unit() * 3, 4, rng.unit() * 3, 7, rng.unit() * 3]
            let change = scorer.score(x).probability - explainer.baselineProbability
            for phi in [explainer.exact(x), explainer.sampled(x, pairs: 16, seed: 3)] {
                #expect(phi[1] == 0 && phi[3] == 0, "\(phi)")
                #expect(abs(phi.reduce(0, +) - change) <= 1e-12)
                #expect(abs(phi[0]) + abs(phi[2]) + abs(phi[4]) > 1e-6)
            }
        }
    }

    @Test func onlyFeatureThatMattersGetsTheWholeChange() {
        let spec = SmallModels.spec(6, dummies: [1, 2, 3, 4, 5])
        #expect(spec.encodedWidth == 1)
        let scorer = SmallModels.scorer(spec: spec, supportVectors: [[-1], [0.5], [2]], coefficients: [1.5, -0.7, 2],
                                        gamma: 0.5, rho: 0.2)
        let explainer = ShapleyExplainer(scorer: scorer, baseline: [0, 0, 0, 0, 0, 0])
        let x = [1.7, 3, 2, 1, 9, 5]
        let change = scorer.score(x).probability - explainer.baselineProbability
        #expect(abs(change) > 1e-3)
        for phi in [explainer.exact(x), explainer.sampled(x, pairs: 4, seed: 1)] {
            #expect(abs(phi[0] - change) <= 1e-15, "\(phi[0]) vs \(change)")
            #expect(phi.dropFirst().allSatisfy { $0 == 0 }, "\(phi)")
        }
    }

    @Test func symmetricFeaturesGetEqualContributions() {
        // Support vectors closed under swapping columns 0 and 1, with equal coefficients: the model is
        // symmetric in features 0 and 1; a client and a baseline with equal values there split the credit.
        let spec = SmallModels.spec(4)
        var rng = SplitMix64(seed: 31)
        var svs: [[Double]] = [], coef: [Double] = []
        for _ in 0..<6 {
            let v = Fixtures.uniformVector(&rng, width: 4)
            let c = rng.unit() * 4 - 2
            svs += [v, [v[1], v[0], v[2], v[3]]]
            coef += [c, c]
        }
        let scorer = SmallModels.scorer(spec: spec, supportVectors: svs, coefficients: coef)
        let b = rng.unit(), a = b + 1.5
        let explainer = ShapleyExplainer(scorer: scorer, baseline: [b, b, rng.unit(), rng.unit()])
        let x = [a, a, rng.unit() + 1, rng.unit() - 1]
        let phi = explainer.exact(x)
        #expect(abs(phi[0] - phi[1]) <= 1e-14, "\(phi)")
        #expect(abs(phi[0]) > 1e-6)
        let reference = SmallModels.bruteForceShapley(explainer, x)
        #expect(zip(phi, reference).allSatisfy { abs($0 - $1) <= 1e-14 })
    }

    @Test(arguments: [1, 16, 32])
    func sampledContributionsSumToProbabilityChange(pairs: Int) {
        let (explainer, scaler) = standardExplainer(seed: 7, supportVectors: 25)
        var rng = SplitMix64(seed: 8)
        for _ in 0..<4 {
            let x = Fixtures.rawVector(&rng, scaler: scaler)
            let phi = explainer.sampled(x, pairs: pairs, seed: rng.next())
            let change = explainer.scorer.score(x).probability - explainer.baselineProbability
            #expect(phi.count == 17)
            #expect(abs(phi.reduce(0, +) - change) <= 1e-12, "Σφ \(phi.reduce(0, +)) vs Δp \(change)")
        }
    }

    @Test func sampledIsDeterministicForASeed() {
        let (explainer, scaler) = standardExplainer(seed: 9)
        var rng = SplitMix64(seed: 10)
        let x = Fixtures.rawVector(&rng, scaler: scaler)
        let a = explainer.sampled(x, pairs: 8, seed: 42)
        #expect(explainer.sampled(x, pairs: 8, seed: 42) == a)
        #expect(ShapleyExplainer(scorer: explainer.scorer, baseline: explainer.baseline).sampled(x, pairs: 8, seed: 42) == a)
        #expect(explainer.sampled(x, pairs: 8, seed: 43) != a)
        #expect(explainer.sampled(x) == explainer.sampled(x, pairs: 16, seed: 0x5EED))
        #expect(explainer.sampled(x, pairs: 0, seed: 5) == explainer.sampled(x, pairs: 1, seed: 5))
    }

    @Test func sampledIsCloseToExact() {
        let c = StandardCase.shared
        let scale = c.exact.map(abs).max() ?? 0
        // The bound must not be met by an all-zero answer.
        #expect(scale > 0.05, "largest |φ| \(scale)")
        for seed: UInt64 in [1, 2] {
            let sampled = c.explainer.sampled(c.x, pairs: 32, seed: seed)
            let error = zip(c.exact, sampled).map { abs($0 - $1) }.max() ?? .infinity
            #expect(error < 0.05, "max |sampled − exact| = \(error) (largest |φ| \(scale))")
            #expect(error < 0.1 * scale, "max |sampled − exact| = \(error) (largest |φ| \(scale))")
        }
    }

    @Test func sampledWithTwoFeaturesAndOnePairIsExact() {
        // The antithetic pair of the only two orders of two features is the whole permutation set.
        let spec = SmallModels.spec(2)
        let scorer = SmallModels.randomScorer(spec: spec, count: 5, seed: 13)
        let explainer = ShapleyExplainer(scorer: scorer, baseline: [0.2, -0.4])
        let x = [1.3, 0.9]
        let exact = explainer.exact(x)
        #expect(abs(exact[0]) > 1e-6 && abs(exact[1]) > 1e-6)
        // Whatever order the shuffle draws, its reverse is the other one (16 seeds: two independent
        // shuffles would miss one of the orders in about half of them).
        for seed in UInt64(0)..<16 {
            let sampled = explainer.sampled(x, pairs: 1, seed: seed)
            #expect(abs(exact[0] - sampled[0]) <= 1e-15 && abs(exact[1] - sampled[1]) <= 1e-15, "seed \(seed): \(exact) vs \(sampled)")
        }
    }
}

@Suite struct ContributionTests {
    let spec = FeatureSpec.standard

    func raw() -> [Double] {
        var r = [Double](repeating: 0, count: 17)
        r[FeatureSpec.Index.serviceType] = 1
        r[FeatureSpec.Index.allowMessaging] = 0
        r[FeatureSpec.Index.promoLevel] = 1
        r[FeatureSpec.Index.popularCategory] = 2
        r[FeatureSpec.Index.tenureDays] = 812
        r[FeatureSpec.Index.pagesPerVisit] = 4.5
        r[FeatureSpec.Index.promoShare] = 0.25
        r[FeatureSpec.Index.revenueCurrent] = -3
        return r
    }

    @Test func rankedSortsByMagnitudeThenName() throws {
        var phi = [Double](repeating: 0, count: 17)
        phi[FeatureSpec.Index.popularCategory] = -0.30
        phi[FeatureSpec.Index.tenureDays] = 0.20
        phi[FeatureSpec.Index.serviceType] = 0.05
        phi[FeatureSpec.Index.pagesPerVisit] = -0.05     // ties with service_type: name order
        phi[FeatureSpec.Index.minutesCurrent] = 0.001
        let ranked = Contribution.ranked(phi, raw: raw(), spec: spec)
        #expect(ranked.count == 17)
        #expect(ranked.prefix(5).map(\.feature) == ["popular_category", "tenure_days", "pages_per_visit", "service_type",
                                                  "minutes_current"])
        #expect(ranked.prefix(5).map(\.contribution) == [-0.30, 0.20, -0.05, 0.05, 0.001])
        let zeros = ranked.dropFirst(5).map(\.feature)
        #expect(zeros == zeros.sorted())
        #expect(Set(ranked.map(\.feature)) == Set(spec.features.map(\.name)))
        for c in ranked {
            let i = try #require(spec.index(of: c.feature))
            #expect(c.rawValue == raw()[i])
            #expect(c.contribution == phi[i])
        }
    }

    @Test func rankedDescribesCategoricalsByName() throws {
        let ranked = Contribution.ranked([Double](repeating: 0.01, count: 17), raw: raw(), spec: spec)
        func value(_ name: String) throws -> String { try #require(ranked.first { $0.feature == name }).value }
        #expect(try value("service_type") == "standard")
        #expect(try value("allow_messaging") == "yes")
        #expect(try value("promo_level") == "high")
        #expect(try value("popular_category") == "Кухонная посуда")
        #expect(try value("tenure_days") == "812")
        #expect(try value("pages_per_visit") == "4.5")
        #expect(try value("promo_share") == "0.25")
        #expect(try value("revenue_current") == "-3")
        #expect(try value("minutes_current") == "0")
    }

    @Test func describeOutOfRangeCategoryAsUnknown() {
        let f = spec.features[FeatureSpec.Index.popularCategory]
        #expect(spec.describe(value: 6, of: f) == "?")
        #expect(spec.describe(value: -1, of: f) == "?")
        #expect(spec.describe(value: 1.5, of: f) == "?")
        #expect(spec.describe(value: .nan, of: f) == "?")
        #expect(spec.describe(value: 5, of: f) == "Товары для детей")
        #expect(spec.describe(value: 0, of: f) == "Домашний текстиль")
    }

    @Test func describeLargeAndNonFiniteNumbers() {
        let f = spec.features[FeatureSpec.Index.revenueCurrent]
        #expect(spec.describe(value: 1e20, of: f) == "1e+20")
        #expect(spec.describe(value: 123456789012345, of: f) == "123456789012345")
        #expect(spec.describe(value: -0.0, of: f) == "0")
        #expect(!spec.describe(value: .nan, of: f).isEmpty)
        #expect(!spec.describe(value: .infinity, of: f).isEmpty)
    }
}

extension ShapleyExplainer {
    var spec: FeatureSpec { scorer.encoder.spec }
}
