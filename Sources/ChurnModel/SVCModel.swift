import Foundation

/// A trained binary RBF-kernel support vector classifier with Platt probabilities,
/// evaluated natively with the same arithmetic as libsvm's `svm_predict_values` and
/// `svm_predict_probability`.
///
/// Coefficients, intercept and Platt parameters are kept exactly as libsvm reports them
/// (oriented towards `labels[0]`); ``atRiskIndex`` says which label is the at-risk class,
/// and ``decisionValue(_:)`` is turned so that positive means at risk.
public struct SVCModel: Sendable, Equatable {
    public let gamma: Double
    public let cost: Double
    /// libsvm's class labels in its internal order.
    public let labels: [Int]
    /// Index into ``labels`` of the at-risk class («Снизилась»).
    public let atRiskIndex: Int
    public let supportVectors: [[Double]]
    /// libsvm's `sv_coef[0]`: yᵢαᵢ towards `labels[0]`.
    public let coefficients: [Double]
    /// libsvm's `rho[0]`: the decision function is Σ coefᵢ·K(x, svᵢ) − rho.
    public let rho: Double
    public let plattA: Double
    public let plattB: Double
    public let dimension: Int

    /// Support vectors in blocks of eight, structure-of-arrays: block b, input j, lane k is
    /// `packed[(b * dimension + j) * 8 + k]`. Padding lanes have coefficient 0.
    @usableFromInline let packed: [Double]
    @usableFromInline let packedCoefficients: [Double]
    @usableFromInline let blocks: Int

    public static func == (a: SVCModel, b: SVCModel) -> Bool {
        a.gamma == b.gamma && a.cost == b.cost && a.labels == b.labels && a.atRiskIndex == b.atRiskIndex
            && a.supportVectors == b.supportVectors && a.coefficients == b.coefficients && a.rho == b.rho
            && a.plattA == b.plattA && a.plattB == b.plattB
    }

    /// - Precondition: every support vector has the same length and there is one coefficient per vector;
    ///   ``ModelArtifact`` validation checks this before building a model from a file.
    public init(gamma: Double, cost: Double, labels: [Int], atRiskIndex: Int, supportVectors: [[Double]],
                coefficients: [Double], rho: Double, plattA: Double, plattB: Double) {
        self.gamma = gamma
        self.cost = cost
        self.labels = labels
        self.atRiskIndex = atRiskIndex
        self.supportVectors = supportVectors
        self.coefficients = coefficients
        self.rho = rho
        self.plattA = plattA
        self.plattB = plattB
        let dim = supportVectors.first?.count ?? 0
        dimension = dim
        let nBlocks = (supportVectors.count + 7) / 8
        blocks = nBlocks
        var p = [Double](repeating: 0, count: nBlocks * dim * 8)
        var c = [Double](repeating: 0, count: nBlocks * 8)
        for (i, sv) in supportVectors.enumerated() {
            let b = i / 8, lane = i % 8
            for j in 0..<dim { p[(b * dim + j) * 8 + lane] = sv[j] }
            c[i] = coefficients[i]
        }
        packed = p
        packedCoefficients = c
    }

    /// libsvm's decision value towards `labels[0]`: Σ coefᵢ·exp(−γ‖x − svᵢ‖²) − rho.
    @inlinable
    public func libsvmDecisionValue(_ x: UnsafeBufferPointer<Double>) -> Double {
        let dim = dimension
        let g = SIMD8<Double>(repeating: -gamma)
        var total = SIMD8<Double>()
        packed.withUnsafeBufferPointer { sv in
            packedCoefficients.withUnsafeBufferPointer { coef in
                let svBase = UnsafeRawPointer(sv.baseAddress!)
                let coefBase = UnsafeRawPointer(coef.baseAddress!)
                for b in 0..<blocks {
                    var acc = SIMD8<Double>()
                    let block = svBase + b * dim * 64
                    for j in 0..<dim {
                        let s = block.loadUnaligned(fromByteOffset: j * 64, as: SIMD8<Double>.self)
                        let d = SIMD8<Double>(repeating: x[j]) - s
                        acc = acc + d * d
                    }
                    let k = vectorExp(g * acc)
                    total = total + coefBase.loadUnaligned(fromByteOffset: b * 64, as: SIMD8<Double>.self) * k
                }
            }
        }
        return total.sum() - rho
    }

    /// The decision value with positive meaning at risk.
    @inlinable
    public func decisionValue(_ x: UnsafeBufferPointer<Double>) -> Double {
        let d = libsvmDecisionValue(x)
        return atRiskIndex == 0 ? d : -d
    }

    /// Probability of the at-risk class for a libsvm-oriented decision value, as
    /// `svm_predict_probability` computes it (Platt sigmoid, clipped, then pairwise coupling).
    public func probability(libsvmDecision d: Double) -> Double {
        let minProb = 1e-7
        let r01 = min(max(Self.sigmoid(d, plattA, plattB), minProb), 1 - minProb)
        let p = Self.coupleTwoClasses(r01: r01, r10: 1 - r01)
        return p[atRiskIndex]
    }

    /// Probability of the at-risk class for one encoded input.
    public func probability(_ x: UnsafeBufferPointer<Double>) -> Double {
        probability(libsvmDecision: libsvmDecisionValue(x))
    }

    /// libsvm's `sigmoid_predict`: P(labels[0]) = 1 / (1 + exp(A·f + B)), written to avoid cancellation.
    static func sigmoid(_ f: Double, _ a: Double, _ b: Double) -> Double {
        let fApB = f * a + b
        if fApB >= 0 {
            return exp(-fApB) / (1.0 + exp(-fApB))
        }
        return 1.0 / (1 + exp(fApB))
    }

    /// libsvm's `multiclass_probability` for k = 2 (Wu, Lin and Weng's coupling, which libsvm
    /// also runs for two classes). Its stopping tolerance makes it differ slightly from r01,
    /// so it is reproduced step by step rather than replaced by r01.
    static func coupleTwoClasses(r01: Double, r10: Double) -> [Double] {
        let k = 2
        let r = [[0, r01], [r10, 0]]
        var q = [[0.0, 0.0], [0.0, 0.0]]
        var p = [0.5, 0.5]
        var qp = [0.0, 0.0]
        let maxIter = max(100, k)
        let eps = 0.005 / Double(k)
        for t in 0..<k {
            q[t][t] = 0
            for j in 0..<t {
                q[t][t] += r[j][t] * r[j][t]
                q[t][j] = q[j][t]
            }
            for j in (t + 1)..<k {
                q[t][t] += r[j][t] * r[j][t]
                q[t][j] = -r[j][t] * r[t][j]
            }
        }
        for _ in 0..<maxIter {
            var pQp = 0.0
            for t in 0..<k {
                qp[t] = 0
                for j in 0..<k { qp[t] += q[t][j] * p[j] }
                pQp += p[t] * qp[t]
            }
            var maxError = 0.0
            for t in 0..<k { maxError = max(maxError, abs(qp[t] - pQp)) }
            if maxError < eps { break }
            for t in 0..<k {
                let diff = (-qp[t] + pQp) / q[t][t]
                p[t] += diff
                pQp = (pQp + diff * (diff * q[t][t] + 2 * qp[t])) / (1 + diff) / (1 + diff)
                for j in 0..<k {
                    qp[j] = (qp[j] + diff * q[t][j]) / (1 + diff)
                    p[j] /= (1 + diff)
                }
            }
        }
        return p
    }
}
