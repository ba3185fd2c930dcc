import ChurnModel

/// Binary classification metrics with the at-risk class as positive.
public enum Metrics {
    /// F1 of predictions against labels (0 when there are no positives predicted or actual).
    public static func f1(predicted: [Bool], actual: [Bool]) -> Double {
        let c = confusion(predicted: predicted, actual: actual)
        let denominator = 2 * c.tp + c.fp + c.fn
        return denominator == 0 ? 0 : Double(2 * c.tp) / Double(denominator)
    }

    public static func confusion(predicted: [Bool], actual: [Bool]) -> (tp: Int, fp: Int, tn: Int, fn: Int) {
        var tp = 0, fp = 0, tn = 0, fn = 0
        for (p, a) in zip(predicted, actual) {
            switch (p, a) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, false): tn += 1
            case (false, true): fn += 1
            }
        }
        return (tp, fp, tn, fn)
    }

    /// Area under the ROC curve of `scores` (higher = more likely positive), ties counted half
    /// (the Mann–Whitney statistic). 0.5 when one class is absent.
    public static func rocAUC(scores: [Double], actual: [Bool]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for t in i...j where actual[order[t]] { rankSum += rank }
            i = j + 1
        }
        let pos = Double(actual.filter { $0 }.count)
        let neg = Double(actual.count) - pos
        guard pos > 0, neg > 0 else { return 0.5 }
        return (rankSum - pos * (pos + 1) / 2) / (pos * neg)
    }

    /// ROC curve points (false positive rate, true positive rate), from (0,0) to (1,1).
    public static func rocCurve(scores: [Double], actual: [Bool]) -> [(Double, Double)] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let pos = Double(max(actual.filter { $0 }.count, 1))
        let neg = Double(max(actual.count - actual.filter { $0 }.count, 1))
        var points: [(Double, Double)] = [(0, 0)]
        var tp = 0.0, fp = 0.0
        var i = 0
        while i < order.count {
            let s = scores[order[i]]
            while i < order.count && scores[order[i]] == s {
                if actual[order[i]] { tp += 1 } else { fp += 1 }
                i += 1
            }
            points.append((fp / neg, tp / pos))
        }
        return points
    }

    /// Mean squared difference between probability and outcome.
    public static func brier(probabilities: [Double], actual: [Bool]) -> Double {
        guard !actual.isEmpty else { return 0 }
        return zip(probabilities, actual).reduce(0) { $0 + ($1.0 - ($1.1 ? 1 : 0)) * ($1.0 - ($1.1 ? 1 : 0)) } / Double(actual.count)
    }

    /// Calibration table over `bins` equal-width probability bins (empty bins omitted).
    public static func calibration(probabilities: [Double], actual: [Bool], bins: Int = 10) -> [CalibrationBin] {
        var out: [CalibrationBin] = []
        for b in 0..<bins {
            let lo = Double(b) / Double(bins), hi = Double(b + 1) / Double(bins)
            let members = probabilities.indices.filter {
                probabilities[$0] >= lo && (probabilities[$0] < hi || (b == bins - 1 && probabilities[$0] <= hi))
            }
            guard !members.isEmpty else { continue }
            let n = Double(members.count)
            out.append(CalibrationBin(lower: lo, upper: hi, count: members.count,
                                      meanPredicted: members.reduce(0) { $0 + probabilities[$1] } / n,
                                      observedRate: Double(members.filter { actual[$0] }.count) / n))
        }
        return out
    }

    /// All metrics for a held-out set; `predicted` is the classifier's decision.
    public static func evaluate(predicted: [Bool], probabilities: [Double], scores: [Double], actual: [Bool]) -> ClassificationMetrics {
        let c = confusion(predicted: predicted, actual: actual)
        let precision = c.tp + c.fp == 0 ? 0 : Double(c.tp) / Double(c.tp + c.fp)
        let recall = c.tp + c.fn == 0 ? 0 : Double(c.tp) / Double(c.tp + c.fn)
        return ClassificationMetrics(
            f1: f1(predicted: predicted, actual: actual), precision: precision, recall: recall,
            rocAuc: rocAUC(scores: scores, actual: actual), brier: brier(probabilities: probabilities, actual: actual),
            truePositives: c.tp, falsePositives: c.fp, trueNegatives: c.tn, falseNegatives: c.fn,
            calibration: calibration(probabilities: probabilities, actual: actual))
    }

    /// The smallest probability cut whose precision (share of positives among scores ≥ cut) reaches
    /// `target`, with its precision and recall; nil when no cut does.
    public static func smallestCut(probabilities: [Double], actual: [Bool], target: Double) -> (cut: Double, precision: Double, recall: Double)? {
        let positives = actual.filter { $0 }.count
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        var tp = 0, taken = 0
        var best: (Double, Double, Double)?
        var i = 0
        while i < order.count {
            let cut = probabilities[order[i]]
            while i < order.count && probabilities[order[i]] == cut {
                if actual[order[i]] { tp += 1 }
                taken += 1
                i += 1
            }
            let precision = Double(tp) / Double(taken)
            if precision >= target { best = (cut, precision, positives == 0 ? 0 : Double(tp) / Double(positives)) }
        }
        return best
    }

    /// Mean and population standard deviation.
    public static func meanSD(_ v: [Double]) -> (mean: Double, sd: Double) {
        guard !v.isEmpty else { return (0, 0) }
        let m = v.reduce(0, +) / Double(v.count)
        let variance = v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)
        return (m, variance.squareRoot())
    }
}
