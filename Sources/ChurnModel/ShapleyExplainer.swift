/// Each raw feature's contribution to one client's probability: Shapley values of the game
/// "probability when the features in S take the client's values and the others the baseline's".
///
/// Contributions always add up to p(client) − p(baseline), for the exact and the sampled variant
/// alike (each sampled permutation telescopes from the baseline to the client).
public struct ShapleyExplainer: Sendable {
    public let scorer: ChurnScorer
    public let baseline: [Double]
    public let baselineProbability: Double

    public init(scorer: ChurnScorer, baseline: [Double]) {
        self.scorer = scorer
        self.baseline = baseline
        baselineProbability = scorer.score(baseline).probability
    }

    /// Exact Shapley values: 2ⁿ scores (n = 17: about 131 k), for tests and benchmarks.
    public func exact(_ x: [Double]) -> [Double] {
        let n = x.count
        let masks = 1 << n
        var value = [Double](repeating: 0, count: masks)
        var z = baseline
        z.withUnsafeMutableBufferPointer { zb in
            for mask in 0..<masks {
                for i in 0..<n { zb[i] = mask & (1 << i) != 0 ? x[i] : baseline[i] }
                value[mask] = scorer.probability(UnsafeBufferPointer(zb))
            }
        }
        // weight[s] = s! (n − s − 1)! / n!
        var weight = [Double](repeating: 0, count: n)
        for s in 0..<n {
            var w = 1.0 / Double(n)
            // 1 / (n · C(n−1, s))
            var binom = 1.0
            for t in 0..<s { binom = binom * Double(n - 1 - t) / Double(t + 1) }
            w /= binom
            weight[s] = w
        }
        var phi = [Double](repeating: 0, count: n)
        for mask in 0..<masks {
            let size = mask.nonzeroBitCount
            for i in 0..<n where mask & (1 << i) == 0 {
                phi[i] += weight[size] * (value[mask | (1 << i)] - value[mask])
            }
        }
        return phi
    }

    /// Permutation-sampled Shapley values with antithetic pairs (each permutation and its reverse):
    /// `2 × pairs × n` probabilities along permutation walks (``KernelWalk``), deterministic for `seed`.
    ///
    /// A feature equal to the baseline's (or whose change the model cannot see) gets exactly 0, and each walk ends on the directly scored
    /// p(client), so contributions sum to p(client) − p(baseline) up to rounding of the sum.
    public func sampled(_ x: [Double], pairs: Int = 16, seed: UInt64 = 0x5EED) -> [Double] {
        let n = x.count
        var rng = SplitMix64(seed: seed)
        var phi = [Double](repeating: 0, count: n)
        var order = Array(0..<n)
        guard (0..<n).contains(where: { x[$0] != baseline[$0] }) else { return phi }
        var walk = KernelWalk(encoder: scorer.encoder, svc: scorer.svc, baseline: baseline, client: x)
        // A feature the model cannot see a change in gets exactly 0, like one equal to the baseline.
        let differs = (0..<n).map { x[$0] != baseline[$0] && !walk.inert[$0] }
        guard differs.contains(true) else { return phi }
        let clientProbability = scorer.score(x).probability
        let walks = max(pairs, 1) * 2
        for w in 0..<walks {
            if w % 2 == 0 { rng.shuffle(&order) } else { order.reverse() }
            walk.reset()
            let last = order.last { differs[$0] }
            var previous = baselineProbability
            for i in order where differs[i] {
                let p = i == last ? clientProbability : walk.switchFeature(i)
                phi[i] += p - previous
                previous = p
            }
        }
        return phi.map { $0 / Double(walks) }
    }
}

/// One feature's part in an explanation.
public struct Contribution: Sendable, Equatable {
    public var feature: String
    /// The client's value, as text (category name for categoricals).
    public var value: String
    public var rawValue: Double
    /// Change in probability attributed to this feature.
    public var contribution: Double

    public init(feature: String, value: String, rawValue: Double, contribution: Double) {
        self.feature = feature
        self.value = value
        self.rawValue = rawValue
        self.contribution = contribution
    }

    /// Contributions sorted by decreasing magnitude, with readable values.
    public static func ranked(_ phi: [Double], raw: [Double], spec: FeatureSpec) -> [Contribution] {
        zip(spec.features, zip(raw, phi)).map { feature, pair in
            Contribution(feature: feature.name, value: spec.describe(value: pair.0, of: feature), rawValue: pair.0,
                         contribution: pair.1)
        }.sorted { abs($0.contribution) > abs($1.contribution) || (abs($0.contribution) == abs($1.contribution) && $0.feature < $1.feature) }
    }
}

extension FeatureSpec {
    /// A raw value as a person reads it: the category name, or the number.
    public func describe(value: Double, of feature: Feature) -> String {
        if feature.kind == .categorical {
            let i = Int(exactly: value) ?? -1
            return feature.categories.indices.contains(i) ? feature.categories[i] : "?"
        }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
