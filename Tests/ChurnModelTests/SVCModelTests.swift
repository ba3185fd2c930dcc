import Foundation
import Testing
@testable import ChurnModel

/// libsvm's decision value written out plainly: Σ coefᵢ·exp(−γ‖x − svᵢ‖²) − rho, in input order.
func referenceDecision(_ m: SVCModel, _ x: [Double]) -> Double {
    var sum = 0.0
    for (sv, coef) in zip(m.supportVectors, m.coefficients) {
        var d2 = 0.0
        for j in x.indices {
            let t = x[j] - sv[j]
            d2 += t * t
        }
        sum += coef * Foundation.exp(-m.gamma * d2)
    }
    return sum - m.rho
}

/// libsvm 3.24's two-class probability of labels[0]: `sigmoid_predict` clipped to [1e-7, 1 − 1e-7].
func referenceProbabilityOfFirstLabel(decision d: Double, a: Double, b: Double) -> Double {
    let fApB = d * a + b
    let p = fApB >= 0 ? Foundation.exp(-fApB) / (1.0 + Foundation.exp(-fApB)) : 1.0 / (1 + Foundation.exp(fApB))
    return min(max(p, 1e-7), 1 - 1e-7)
}

extension SVCModel {
    func decision(_ x: [Double]) -> Double { x.withUnsafeBufferPointer { decisionValue($0) } }
    func libsvmDecision(_ x: [Double]) -> Double { x.withUnsafeBufferPointer { libsvmDecisionValue($0) } }
    func probability(_ x: [Double]) -> Double { x.withUnsafeBufferPointer { probability($0) } }
}

@Suite struct SVCModelTests {
    @Test(arguments: [1, 7, 8, 31, 32, 33, 100])
    func decisionEqualsReference(supportVectors count: Int) {
        var rng = SplitMix64(seed: 100 + UInt64(count))
        let m = Fixtures.svcModel(&rng, count: count)
        #expect(m.dimension == 21)
        #expect(m.paddedCount % 32 == 0 && m.paddedCount >= count && m.paddedCount < count + 32)
        var inputs = (0..<300).map { _ in Fixtures.encodedVector(&rng) }
        inputs += (0..<50).map { _ in Fixtures.uniformVector(&rng, width: 21, lo: -10, hi: 10) }
        inputs.append(m.supportVectors[0])            // distance 0: kernel exactly 1
        inputs.append(m.supportVectors[count - 1])    // last real vector, next to the padding
        inputs.append([Double](repeating: 0, count: 21))
        inputs.append([Double](repeating: 1000, count: 21))   // every kernel underflows: decision −rho
        var worst = 0.0
        for x in inputs {
            let native = m.libsvmDecision(x)
            let reference = referenceDecision(m, x)
            worst = max(worst, abs(native - reference))
            #expect(abs(native - reference) <= 1e-12, "n=\(count) native \(native) reference \(reference)")
        }
        #expect(abs(m.libsvmDecision([Double](repeating: 1000, count: 21)) + m.rho) <= 1e-300)
        #expect(worst <= 1e-12)
    }

    @Test(arguments: [1, 2, 5, 21, 64])
    func decisionEqualsReferenceForOtherWidths(width: Int) {
        var rng = SplitMix64(seed: 7 * UInt64(width))
        for count in [1, 9, 40, 65] {
            let m = Fixtures.svcModel(&rng, count: count, width: width, gamma: 0.3)
            for _ in 0..<40 {
                let x = Fixtures.uniformVector(&rng, width: width)
                #expect(abs(m.libsvmDecision(x) - referenceDecision(m, x)) <= 1e-12, "width \(width), \(count) SVs")
            }
        }
    }

    @Test func eachSupportVectorIsCountedOnce() {
        // Kernel value exactly 1 at the vector, about 0 elsewhere: the decision picks out each coefficient.
        let n = 37
        var svs: [[Double]] = []
        for i in 0..<n {
            var v = [Double](repeating: 0, count: 21)
            v[i % 21] = Double(100 * (i / 21 + 1))
            svs.append(v)
        }
        let coef = (0..<n).map { Double($0 + 1) }
        let m = SVCModel(gamma: 1, cost: 1, labels: [1, 0], atRiskIndex: 0, supportVectors: svs, coefficients: coef,
                         rho: 0, plattA: -2, plattB: 0.1)
        for i in 0..<n {
            #expect(abs(m.libsvmDecision(svs[i]) - coef[i]) <= 1e-12, "support vector \(i)")
        }
    }

    @Test func atRiskIndexOneFlipsTheSign() {
        var rng = SplitMix64(seed: 41)
        let p = Fixtures.svcParameters(&rng, count: 33)
        var q = p
        q.atRiskIndex = 1
        let m0 = p.makeModel(), m1 = q.makeModel()
        for _ in 0..<100 {
            let x = Fixtures.encodedVector(&rng)
            let d = m0.libsvmDecision(x)
            #expect(m1.libsvmDecision(x) == d)
            #expect(m0.decision(x) == d)
            #expect(m1.decision(x) == -d)
            #expect(m1.probability(x) == 1 - m0.probability(x))
        }
    }

    @Test func probabilityIsClippedPlattSigmoidOnBothBranches() {
        var rng = SplitMix64(seed: 5)
        let m = Fixtures.svcModel(&rng, count: 3)
        #expect(m.plattA == -2 && m.plattB == 0.1)
        // fApB = −2d + 0.1: d ≤ 0.05 takes the fApB ≥ 0 branch, d > 0.05 the other.
        var decisions = (0..<2000).map { _ in rng.unit() * 24 - 12 }
        decisions += [0.05, 0.05.nextUp, 0.05.nextDown, 0, -0.0, 8, -8, 9, -9, 20, -20, 1e300, -1e300]
        var branches = (nonNegative: 0, negative: 0)
        for d in decisions {
            let fApB = d * -2 + 0.1
            if fApB >= 0 { branches.nonNegative += 1 } else { branches.negative += 1 }
            let expected = referenceProbabilityOfFirstLabel(decision: d, a: -2, b: 0.1)
            #expect(m.probability(libsvmDecision: d) == expected, "d = \(d)")
            // Both branches are the logistic function: the naive form agrees to rounding.
            let naive = min(max(1 / (1 + Foundation.exp(fApB)), 1e-7), 1 - 1e-7)
            #expect(abs(m.probability(libsvmDecision: d) - naive) <= 1e-15, "d = \(d)")
        }
        #expect(branches.nonNegative > 100 && branches.negative > 100)
        #expect(m.probability(libsvmDecision: 0.05) == 0.5)
        // Clipping at both ends.
        #expect(m.probability(libsvmDecision: 20) == 1 - 1e-7)
        #expect(m.probability(libsvmDecision: -20) == 1e-7)
        #expect(m.probability(libsvmDecision: 1e300) == 1 - 1e-7)
        #expect(m.probability(libsvmDecision: -1e300) == 1e-7)
        // Just inside the clip: not clipped.
        let inside = m.probability(libsvmDecision: 7)
        #expect(inside > 1e-7 && inside < 1 - 1e-7 && inside > 0.999)
        // With A < 0 the probability of labels[0] increases with the decision value.
        let sorted = decisions.filter { abs($0) < 12 }.sorted()
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            #expect(m.probability(libsvmDecision: a) <= m.probability(libsvmDecision: b))
        }
    }

    @Test func probabilityOfInputUsesTheDecisionValue() {
        var rng = SplitMix64(seed: 6)
        for atRisk in [0, 1] {
            let m = Fixtures.svcModel(&rng, count: 20, atRiskIndex: atRisk)
            for _ in 0..<100 {
                let x = Fixtures.encodedVector(&rng)
                let d = referenceDecision(m, x)
                let p0 = referenceProbabilityOfFirstLabel(decision: d, a: -2, b: 0.1)
                let expected = atRisk == 0 ? p0 : 1 - p0
                #expect(abs(m.probability(x) - expected) <= 1e-12)
                #expect(m.probability(x) == m.probability(libsvmDecision: m.libsvmDecision(x)))
            }
        }
    }

    @Test func scorerEncodesThenScores() {
        let artifact = Fixtures.artifact(seed: 77, supportVectors: 40)
        let scorer = artifact.makeScorer()
        #expect(scorer.featureCount == 17)
        var rng = SplitMix64(seed: 78)
        for _ in 0..<100 {
            let raw = Fixtures.rawVector(&rng, scaler: artifact.scaler)
            let x = scorer.encoder.encode(raw)
            let score = scorer.score(raw)
            #expect(score.decisionValue == scorer.svc.decision(x))
            #expect(score.probability == scorer.svc.probability(x))
            #expect(abs(score.decisionValue - referenceDecision(scorer.svc, x)) <= 1e-12)
            let p = raw.withUnsafeBufferPointer { scorer.probability($0) }
            #expect(p == score.probability)
        }
    }

    @Test func modelEqualityIgnoresPackingButNotParameters() {
        var rng = SplitMix64(seed: 8)
        let p = Fixtures.svcParameters(&rng, count: 9)
        #expect(p.makeModel() == p.makeModel())
        var q = p
        q.rho += 1e-9
        #expect(p.makeModel() != q.makeModel())
    }
}

@Suite struct KernelExpTests {
    /// kernelExp applied lane by lane to any number of inputs.
    func kernelExp(_ xs: [Double]) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(xs.count)
        var i = 0
        while i < xs.count {
            var v = SIMD8<Double>(repeating: 0)
            let lanes = min(8, xs.count - i)
            for l in 0..<lanes { v[l] = xs[i + l] }
            let r = ChurnModel.kernelExp(v)
            for l in 0..<lanes { out.append(r[l]) }
            i += 8
        }
        return out
    }

    static let ln2 = 0.6931471805599453

    @Test func withinTwoUlpOfFoundationExp() {
        var xs: [Double] = [0, -0.0, -1e-300, -5e-324, -1e-17, -1e-10, -1e-5, -0.5, -1, -2, -10, -100, -700, -707.9, -708]
        // Dense grid over [−708, 0].
        let steps = 400_000
        for k in 0...steps { xs.append(-708 * Double(k) / Double(steps)) }
        // Tiny magnitudes.
        for e in 1...300 { xs.append(-Foundation.pow(10, -Double(e))) }
        // Either side of each rounding boundary of n = round(x / ln2), where |r| is largest.
        for n in 0...1020 {
            let x = -(Double(n) + 0.5) * Self.ln2
            xs += [x, x.nextUp, x.nextDown, x.nextUp.nextUp, x.nextDown.nextDown, -Double(n) * Self.ln2]
        }
        var rng = SplitMix64(seed: 12)
        for _ in 0..<100_000 { xs.append(-708 * rng.unit()) }
        xs = xs.filter { $0 >= -708 && $0 <= 0 }
        let got = kernelExp(xs)
        var worstUlps = 0.0, worstX = 0.0
        var failures = 0
        for (x, k) in zip(xs, got) {
            let e = Foundation.exp(x)
            let ulps = abs(k - e) / e.ulp
            if ulps > worstUlps { worstUlps = ulps; worstX = x }
            if !(ulps <= 2) { failures += 1 }
        }
        #expect(failures == 0, "\(failures) of \(xs.count) inputs beyond 2 ulp; worst \(worstUlps) ulp at x = \(worstX)")
        #expect(worstUlps <= 2, "worst \(worstUlps) ulp at x = \(worstX)")
    }

    @Test func exactAtZero() {
        #expect(kernelExp([0, -0.0, -1e-300, -5e-324]) == [1, 1, 1, 1])
    }

    @Test func belowMinus708IsTinyAndNonNegative() {
        var xs: [Double] = [-708.0.nextDown, -708.3, -708.39, -708.4, -709, -710, -744.44, -745, -745.2, -800, -1e4, -1e300,
                            -.greatestFiniteMagnitude]
        for k in 0...10_000 { xs.append(-708 - 37 * Double(k) / 10_000) }
        let got = kernelExp(xs)
        for (x, k) in zip(xs, got) {
            #expect(k >= 0 && k < 1e-300, "kernelExp(\(x)) = \(k)")
            #expect(k.isFinite)
        }
        #expect(kernelExp([-.infinity]).allSatisfy { $0 >= 0 && $0 < 1e-300 })
    }

    @Test func monotoneOnGrid() {
        let xs = (0...20_000).map { -745 * Double($0) / 20_000 }
        let got = kernelExp(xs)
        for i in 1..<got.count {
            #expect(got[i] <= got[i - 1], "x = \(xs[i])")
        }
    }
}
