import CLinear

/// L2-regularised logistic regression fitted by liblinear (solver L2R_LR, bias column 1).
struct LogisticRegression: TrainedClassifier {
    let weights: [Double]
    let bias: Double

    init(x: [[Double]], y: [Bool], c: Double) {
        let n = x.count
        let d = x.first?.count ?? 0
        let nodes = UnsafeMutablePointer<feature_node>.allocate(capacity: n * (d + 2))
        let rows = UnsafeMutablePointer<UnsafeMutablePointer<feature_node>?>.allocate(capacity: max(n, 1))
        let labels = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
        defer { nodes.deallocate(); rows.deallocate(); labels.deallocate() }
        for i in 0..<n {
            let base = nodes + i * (d + 2)
            for j in 0..<d { base[j] = feature_node(index: Int32(j + 1), value: x[i][j]) }
            base[d] = feature_node(index: Int32(d + 1), value: 1)
            base[d + 1] = feature_node(index: -1, value: 0)
            rows[i] = base
            labels[i] = y[i] ? 1 : 0
        }
        set_print_string_function { _ in }
        var prob = problem(l: Int32(n), n: Int32(d + 1), y: labels, x: rows, bias: 1)
        var param = parameter(solver_type: Int32(L2R_LR), eps: 1e-4, C: c, nr_weight: 0, weight_label: nil,
                              weight: nil, p: 0.1, init_sol: nil)
        guard let model = train(&prob, &param) else {
            weights = [Double](repeating: 0, count: d)
            bias = 0
            return
        }
        // liblinear's w is oriented towards its first label.
        let sign: Double = model.pointee.label[0] == 1 ? 1 : -1
        weights = (0..<d).map { sign * model.pointee.w[$0] }
        bias = sign * model.pointee.w[d]
        var m: UnsafeMutablePointer<model>? = model
        free_and_destroy_model(&m)
    }

    func score(_ q: [Double]) -> Double {
        var s = bias
        for j in q.indices { s += weights[j] * q[j] }
        return s
    }

    func predict(_ q: [Double]) -> Bool { score(q) > 0 }
}
