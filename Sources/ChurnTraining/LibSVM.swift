import CSVM
import ChurnModel
import Foundation

/// A C-SVC with RBF kernel trained by libsvm (the solver scikit-learn's SVC wraps).
///
/// Holds libsvm's model and the training nodes it points into; `predict…` call libsvm itself,
/// which the parity tests compare with the native ``SVCModel``.
public final class LibSVMClassifier: @unchecked Sendable {
    // @unchecked: the C model is written once in init and only read afterwards.
    private let model: UnsafeMutablePointer<svm_model>
    private let nodes: UnsafeMutablePointer<svm_node>
    private let rows: UnsafeMutablePointer<UnsafeMutablePointer<svm_node>?>
    private let labels: UnsafeMutablePointer<Double>
    public let dimension: Int

    /// libsvm's version number (e.g. 324).
    public static var version: Int { Int(LIBSVM_VERSION) }

    /// Trains on encoded rows `x` with labels `y` (true = at risk).
    ///
    /// - Parameters:
    ///   - probability: also fit Platt's sigmoid (libsvm runs an internal 5-fold CV for it,
    ///     shuffled with C `rand()`, which is seeded from `seed` so a fit is repeatable).
    public init(x: [[Double]], y: [Bool], c: Double, gamma: Double, probability: Bool, seed: UInt32 = 1,
                tolerance: Double = 1e-3, cacheMB: Double = 200) {
        Self.silence()
        let n = x.count
        let d = x.first?.count ?? 0
        dimension = d
        nodes = .allocate(capacity: n * (d + 1))
        rows = .allocate(capacity: max(n, 1))
        labels = .allocate(capacity: max(n, 1))
        for i in 0..<n {
            let base = nodes + i * (d + 1)
            for j in 0..<d { base[j] = svm_node(index: Int32(j + 1), value: x[i][j]) }
            base[d] = svm_node(index: -1, value: 0)
            rows[i] = base
            labels[i] = y[i] ? 1 : 0
        }
        var problem = svm_problem(l: Int32(n), y: labels, x: rows)
        var param = svm_parameter()
        param.svm_type = Int32(C_SVC)
        param.kernel_type = Int32(RBF)
        param.gamma = gamma
        param.C = c
        param.cache_size = cacheMB
        param.eps = tolerance
        param.shrinking = 1
        param.probability = probability ? 1 : 0
        param.nr_weight = 0
        // libsvm's probability CV and nothing else draws from rand(); the lock keeps concurrent
        // probability fits from interleaving their draws.
        if probability {
            Self.randLock.lock()
            srand(seed)
            model = svm_train(&problem, &param)
            Self.randLock.unlock()
        } else {
            model = svm_train(&problem, &param)
        }
    }

    deinit {
        var m: UnsafeMutablePointer<svm_model>? = model
        svm_free_and_destroy_model(&m)
        nodes.deallocate()
        rows.deallocate()
        labels.deallocate()
    }

    private static let randLock = NSLock()
    private static let silenced: Void = { svm_set_print_string_function { _ in } }()
    private static func silence() { _ = silenced }

    /// libsvm's class labels (1 = at risk, 0 = kept buying) in its internal order.
    public var labelOrder: [Int] { (0..<Int(model.pointee.nr_class)).map { Int(model.pointee.label[$0]) } }

    /// Index into ``labelOrder`` of the at-risk class.
    public var atRiskIndex: Int { labelOrder.firstIndex(of: 1) ?? 0 }

    public var supportVectorCount: Int { Int(model.pointee.l) }

    /// 0-based indices into the training rows of the support vectors, in libsvm's order.
    public var supportIndices: [Int] { (0..<supportVectorCount).map { Int(model.pointee.sv_indices[$0]) - 1 } }

    /// The fitted model in the artifact's terms.
    public func parameters(classNames: (atRisk: String, retained: String)) -> SVCParameters {
        let m = model.pointee
        let l = Int(m.l)
        var svs: [[Double]] = []
        svs.reserveCapacity(l)
        for i in 0..<l {
            var row = [Double](repeating: 0, count: dimension)
            var p = m.SV[i]!
            while p.pointee.index != -1 {
                row[Int(p.pointee.index) - 1] = p.pointee.value
                p += 1
            }
            svs.append(row)
        }
        let coef = (0..<l).map { m.sv_coef[0]![$0] }
        let order = labelOrder
        let hasProb = m.probA != nil
        return SVCParameters(
            gamma: m.param.gamma, c: m.param.C, labels: order,
            classNames: order.map { $0 == 1 ? classNames.atRisk : classNames.retained },
            atRiskIndex: atRiskIndex,
            supportVectorCounts: (0..<Int(m.nr_class)).map { Int(m.nSV[$0]) },
            supportVectors: svs, dualCoefficients: coef, rho: m.rho[0],
            plattA: hasProb ? m.probA[0] : 0, plattB: hasProb ? m.probB[0] : 0)
    }

    /// libsvm's `svm_predict_values`: the decision value towards `labelOrder[0]`.
    public func decisionValue(_ x: [Double]) -> Double {
        withNodes(x) { nodes in
            var dec = 0.0
            _ = svm_predict_values(model, nodes, &dec)
            return dec
        }
    }

    /// The decision value with positive meaning at risk.
    public func atRiskDecision(_ x: [Double]) -> Double {
        let d = decisionValue(x)
        return atRiskIndex == 0 ? d : -d
    }

    /// libsvm's `svm_predict_probability` for the at-risk class (needs a probability fit).
    public func probability(_ x: [Double]) -> Double {
        withNodes(x) { nodes in
            var p = [0.0, 0.0]
            _ = svm_predict_probability(model, nodes, &p)
            return p[atRiskIndex]
        }
    }

    private func withNodes<T>(_ x: [Double], _ body: (UnsafePointer<svm_node>) -> T) -> T {
        withUnsafeTemporaryAllocation(of: svm_node.self, capacity: x.count + 1) { buf in
            for (j, v) in x.enumerated() { buf[j] = svm_node(index: Int32(j + 1), value: v) }
            buf[x.count] = svm_node(index: -1, value: 0)
            return body(UnsafePointer(buf.baseAddress!))
        }
    }
}
