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

    /// Support vectors in blocks of eight, structure-of-arrays: input j of vector 8b + k is
    /// `packed[(b * dimension + j) * 8 + k]`. The count is padded to a multiple of 32 (four
    /// blocks) with zero-coefficient vectors.
    @usableFromInline let packed: [Double]
    @usableFromInline let paddedCoefficients: [Double]
    @usableFromInline let paddedCount: Int

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
        let padded = (supportVectors.count + 31) / 32 * 32
        paddedCount = padded
        var p = [Double](repeating: 0, count: padded * dim)
        var c = [Double](repeating: 0, count: padded)
        for (i, sv) in supportVectors.enumerated() {
            for j in 0..<dim { p[((i / 8) * dim + j) * 8 + i % 8] = sv[j] }
            c[i] = coefficients[i]
        }
        packed = p
        paddedCoefficients = c
    }

    /// libsvm's decision value towards `labels[0]`: Σ coefᵢ·exp(−γ‖x − svᵢ‖²) − rho.
    ///
    /// Thirty-two support vectors at a time, all in vector registers: four blocks of eight give
    /// independent dependency chains, so neither the distance sums nor the exponentials wait on
    /// the previous instruction. Each lane sums its squared differences in input order, as libsvm does.
    @inlinable
    public func libsvmDecisionValue(_ x: UnsafeBufferPointer<Double>) -> Double {
        let dim = dimension
        let g = SIMD8<Double>(repeating: -gamma)
        var s0 = SIMD8<Double>(), s1 = SIMD8<Double>(), s2 = SIMD8<Double>(), s3 = SIMD8<Double>()
        packed.withUnsafeBufferPointer { sv in
            paddedCoefficients.withUnsafeBufferPointer { coef in
                let base = UnsafeRawPointer(sv.baseAddress!)
                let c = UnsafeRawPointer(coef.baseAddress!)
                var b = 0
                while b < paddedCount / 8 {
                    let b0 = base + b * dim * 64
                    let b1 = b0 + dim * 64, b2 = b1 + dim * 64, b3 = b2 + dim * 64
                    var a0 = SIMD8<Double>(), a1 = SIMD8<Double>(), a2 = SIMD8<Double>(), a3 = SIMD8<Double>()
                    for j in 0..<dim {
                        let xj = SIMD8<Double>(repeating: x[j])
                        let t0 = xj - b0.loadUnaligned(fromByteOffset: j * 64, as: SIMD8<Double>.self)
                        let t1 = xj - b1.loadUnaligned(fromByteOffset: j * 64, as: SIMD8<Double>.self)
                        let t2 = xj - b2.loadUnaligned(fromByteOffset: j * 64, as: SIMD8<Double>.self)
                        let t3 = xj - b3.loadUnaligned(fromByteOffset: j * 64, as: SIMD8<Double>.self)
                        a0 = a0.addingProduct(t0, t0)
                        a1 = a1.addingProduct(t1, t1)
                        a2 = a2.addingProduct(t2, t2)
                        a3 = a3.addingProduct(t3, t3)
                    }
                    s0 = s0.addingProduct(c.loadUnaligned(fromByteOffset: b * 64, as: SIMD8<Double>.self), kernelExp(g * a0))
                    s1 = s1.addingProduct(c.loadUnaligned(fromByteOffset: (b + 1) * 64, as: SIMD8<Double>.self), kernelExp(g * a1))
                    s2 = s2.addingProduct(c.loadUnaligned(fromByteOffset: (b + 2) * 64, as: SIMD8<Double>.self), kernelExp(g * a2))
                    s3 = s3.addingProduct(c.loadUnaligned(fromByteOffset: (b + 3) * 64, as: SIMD8<Double>.self), kernelExp(g * a3))
                    b += 4
                }
            }
        }
        return ((s0 + s1) + (s2 + s3)).sum() - rho
    }

    /// The decision value with positive meaning at risk.
    @inlinable
    public func decisionValue(_ x: UnsafeBufferPointer<Double>) -> Double {
        let d = libsvmDecisionValue(x)
        return atRiskIndex == 0 ? d : -d
    }

    /// Probability of the at-risk class for a libsvm-oriented decision value, as libsvm 3.24's
    /// `svm_predict_probability` computes it for two classes: the Platt sigmoid, clipped to [1e-7, 1 − 1e-7].
    public func probability(libsvmDecision d: Double) -> Double {
        let minProb = 1e-7
        let p0 = min(max(Self.sigmoid(d, plattA, plattB), minProb), 1 - minProb)
        return atRiskIndex == 0 ? p0 : 1 - p0
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
}
