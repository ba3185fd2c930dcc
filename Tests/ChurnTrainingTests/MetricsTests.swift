import ChurnModel
import Testing
@testable import ChurnTraining

@Suite struct MetricsTests {
    // tp = 3 (0, 1, 2), fn = 2 (3, 6), tn = 2 (4, 5), fp = 1 (7).
    static let predicted = [true, true, true, false, false, false, false, true]
    static let actual = [true, true, true, true, false, false, true, false]

    private func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { abs(a - b) <= tolerance }

    @Test func confusionPrecisionRecallF1() {
        let c = Metrics.confusion(predicted: Self.predicted, actual: Self.actual)
        #expect(c.tp == 3 && c.fp == 1 && c.tn == 2 && c.fn == 2)
        #expect(close(Metrics.f1(predicted: Self.predicted, actual: Self.actual), 2.0 / 3))  // 6 / (6 + 1 + 2)
        let m = Metrics.evaluate(predicted: Self.predicted, probabilities: Array(repeating: 0.5, count: 8),
                                 scores: Array(repeating: 0, count: 8), actual: Self.actual)
        #expect(close(m.precision, 0.75) && close(m.recall, 0.6) && close(m.f1, 2.0 / 3))
        #expect(m.truePositives == 3 && m.falsePositives == 1 && m.trueNegatives == 2 && m.falseNegatives == 2)
        #expect(m.rocAuc == 0.5 && close(m.brier, 0.25))
    }

    @Test func f1WithoutPositives() {
        #expect(Metrics.f1(predicted: [false, false], actual: [false, false]) == 0)
        #expect(Metrics.f1(predicted: [false, false], actual: [true, false]) == 0)
        let m = Metrics.evaluate(predicted: [false, false], probabilities: [0, 0], scores: [0, 0], actual: [false, false])
        #expect(m.precision == 0 && m.recall == 0)
    }

    @Test func rocAUCHandCases() {
        let y = [false, false, true, true]
        #expect(Metrics.rocAUC(scores: [0.1, 0.2, 0.8, 0.9], actual: y) == 1)
        #expect(Metrics.rocAUC(scores: [0.9, 0.8, 0.2, 0.1], actual: y) == 0)
        #expect(Metrics.rocAUC(scores: [0.3, 0.3, 0.3, 0.3], actual: y) == 0.5)
        // Pairs (pos, neg): 0.4 > 0.1, 0.4 = 0.4 (½), 0.8 > 0.1, 0.8 > 0.4 → 3.5 / 4.
        #expect(Metrics.rocAUC(scores: [0.1, 0.4, 0.4, 0.8], actual: [false, true, false, true]) == 0.875)
        // Unsorted scores: all 2 × 3 pairs in order, then one of them (2.5 < 3) out of order.
        #expect(close(Metrics.rocAUC(scores: [5, 1, 3, 4, 2], actual: [true, false, false, true, false]), 1))
        #expect(close(Metrics.rocAUC(scores: [5, 1, 3, 2.5, 2], actual: [true, false, false, true, false]), 5.0 / 6))
        // One class absent.
        #expect(Metrics.rocAUC(scores: [0.1, 0.9], actual: [true, true]) == 0.5)
        #expect(Metrics.rocAUC(scores: [0.1, 0.9], actual: [false, false]) == 0.5)
    }

    @Test func rocAUCEqualsPairCountWithManyTies() {
        var rng = SplitMix64(seed: 3)
        let scores = (0..<60).map { _ in Double(rng.below(5)) / 4 }
        let actual = (0..<60).map { _ in rng.below(3) == 0 }
        var wins = 0.0, pairs = 0.0
        for i in scores.indices where actual[i] {
            for j in scores.indices where !actual[j] {
                pairs += 1
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0
            }
        }
        #expect(close(Metrics.rocAUC(scores: scores, actual: actual), wins / pairs, 1e-12))
    }

    @Test func rocCurveHandCase() {
        let points = Metrics.rocCurve(scores: [0.1, 0.4, 0.4, 0.8], actual: [false, true, false, true])
        #expect(points.map(\.0) == [0, 0, 0.5, 1])
        #expect(points.map(\.1) == [0, 0.5, 1, 1])
    }

    @Test func brier() {
        // (0.1² + 0.2² + 0.6² + 0²) / 4
        #expect(close(Metrics.brier(probabilities: [0.9, 0.2, 0.6, 0.0], actual: [true, false, false, false]), 0.1025))
        #expect(Metrics.brier(probabilities: [1, 0], actual: [true, false]) == 0)
        #expect(Metrics.brier(probabilities: [0, 1], actual: [true, false]) == 1)
        #expect(Metrics.brier(probabilities: [], actual: []) == 0)
    }

    @Test func calibrationBins() {
        let p = [0.05, 0.15, 0.12, 0.95, 1.0, 0.55, 0.5, 0.58]
        let y = [false, true, false, true, true, false, true, true]
        let bins = Metrics.calibration(probabilities: p, actual: y)
        #expect(bins.map(\.count).reduce(0, +) == p.count)
        #expect(bins.map(\.lower) == [0, 0.1, 0.5, 0.9])
        #expect(bins.map(\.upper) == [0.1, 0.2, 0.6, 1])
        #expect(bins.map(\.count) == [1, 2, 3, 2])
        #expect(zip(bins.map(\.observedRate), [0, 0.5, 2.0 / 3, 1]).allSatisfy { close($0, $1) })
        #expect(zip(bins.map(\.meanPredicted), [0.05, 0.135, 1.63 / 3, 0.975]).allSatisfy { close($0, $1) })

        let two = Metrics.calibration(probabilities: p, actual: y, bins: 2)
        #expect(two.map(\.count) == [3, 5])  // 0.5 opens the upper bin, 1.0 closes it
        #expect(close(two[0].observedRate, 1.0 / 3) && close(two[1].observedRate, 0.8))
    }

    @Test func smallestCutWithNonMonotonicPrecision() throws {
        // Cumulative precision from the top: 1, 1/2, 2/3, 3/4, 3/5, 3/6, 4/7, 4/8.
        let p = [0.3, 0.9, 0.5, 0.7, 0.2, 0.8, 0.4, 0.6]
        let y = [true, true, false, true, false, false, false, true]
        let c75 = try #require(Metrics.smallestCut(probabilities: p, actual: y, target: 0.75))
        #expect(c75.cut == 0.6 && c75.precision == 0.75 && c75.recall == 0.75)
        let c70 = try #require(Metrics.smallestCut(probabilities: p, actual: y, target: 0.7))
        #expect(c70.cut == 0.6)
        let c55 = try #require(Metrics.smallestCut(probabilities: p, actual: y, target: 0.55))
        #expect(c55.cut == 0.3 && close(c55.precision, 4.0 / 7) && c55.recall == 1)
        let c100 = try #require(Metrics.smallestCut(probabilities: p, actual: y, target: 1))
        #expect(c100.cut == 0.9 && c100.recall == 0.25)
        #expect(Metrics.smallestCut(probabilities: p, actual: y, target: 1.01) == nil)
    }

    @Test func smallestCutTreatsTiesAsOneCut() throws {
        // 0.9 holds one positive and one negative: precision 1 is not reachable.
        #expect(Metrics.smallestCut(probabilities: [0.9, 0.9, 0.5], actual: [true, false, true], target: 1) == nil)
        let c = try #require(Metrics.smallestCut(probabilities: [0.9, 0.9, 0.5], actual: [true, false, true], target: 0.6))
        #expect(c.cut == 0.5 && close(c.precision, 2.0 / 3) && c.recall == 1)
        #expect(Metrics.smallestCut(probabilities: [0.9, 0.1], actual: [false, false], target: 0.1) == nil)
    }

    @Test func meanSD() {
        let m = Metrics.meanSD([2, 4, 4, 4, 5, 5, 7, 9])
        #expect(m.mean == 5 && m.sd == 2)  // population SD
        let one = Metrics.meanSD([3.5])
        #expect(one.mean == 3.5 && one.sd == 0)
        let none = Metrics.meanSD([])
        #expect(none.mean == 0 && none.sd == 0)
    }
}
