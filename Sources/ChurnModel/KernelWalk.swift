/// Probabilities along a path that switches a client's raw features from a baseline's values to
/// the client's, one feature at a time — the walk a Shapley permutation takes.
///
/// Switching one raw feature changes one or two encoded inputs, so each support vector's squared
/// distance moves by a fixed amount Δᵢ, and its kernel value is multiplied by a fixed factor
/// exp(−γΔᵢ). Both are computed once per client; a step then costs one multiplication per support
/// vector instead of a distance and an exponential (about twenty times cheaper than scoring anew).
/// Where a product could leave the range of doubles (extreme inputs), the walk keeps distances and
/// takes the exponential at each step instead. Probabilities agree with direct scoring to about
/// 1e-14, not bit for bit.
struct KernelWalk {
    let svc: SVCModel
    /// Kernel values (or squared distances, without products) at the baseline, padded with zeros.
    let start: [Double]
    /// Per raw feature i, for support vector s at `i * paddedCount + s`: the kernel factor
    /// exp(−γΔ) (or the distance change Δ, without products).
    let step: [Double]
    /// Kernel values, or squared distances, at the walk's current point.
    var current: [Double]
    /// Whether `start`, `step` and `current` hold kernel values and factors.
    let products: Bool
    /// Raw features whose switch moves no support vector's distance (equal encodings, or columns
    /// the model does not have): their steps change nothing.
    let inert: [Bool]

    init(encoder: FeatureEncoder, svc: SVCModel, baseline: [Double], client: [Double]) {
        self.svc = svc
        let n = svc.paddedCount
        let eb = encoder.encode(baseline), ex = encoder.encode(client)
        var columns = [[Int]](repeating: [], count: baseline.count)
        for (c, r) in encoder.numeric.enumerated() { columns[r].append(c) }
        for cat in encoder.categorical { columns[cat.raw] += (cat.column..<cat.column + cat.levels).map { $0 } }
        var distance = [Double](repeating: 0, count: n)
        var delta = [Double](repeating: 0, count: n * baseline.count)
        var farthest = 0.0
        var inert = [Bool](repeating: true, count: baseline.count)
        for (s, sv) in svc.supportVectors.enumerated() {
            var d = 0.0
            for j in 0..<sv.count { d += (eb[j] - sv[j]) * (eb[j] - sv[j]) }
            distance[s] = d
            var reach = d
            for (i, cols) in columns.enumerated() {
                var change = 0.0
                for j in cols { change += (ex[j] - sv[j]) * (ex[j] - sv[j]) - (eb[j] - sv[j]) * (eb[j] - sv[j]) }
                delta[i * n + s] = change
                if change != 0 { inert[i] = false }
                reach += max(change, 0)
            }
            farthest = max(farthest, reach)
        }
        self.inert = inert
        // Every point of any walk lies within `farthest` of each support vector: when γ·farthest
        // stays well inside exp's range, no kernel value or factor under- or overflows.
        products = svc.gamma * farthest < 600 && farthest.isFinite
        if products {
            start = Self.kernel(distance, gamma: svc.gamma)
            step = Self.kernel(delta, gamma: svc.gamma)
        } else {
            start = distance
            step = delta
        }
        current = start
    }

    /// exp(−γ·v) elementwise (the count is a multiple of eight).
    private static func kernel(_ v: [Double], gamma: Double) -> [Double] {
        var out = [Double](repeating: 0, count: v.count)
        let g = SIMD8<Double>(repeating: -gamma)
        v.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var i = 0
                while i + 8 <= src.count {
                    let x = SIMD8<Double>(src[i..<i + 8])
                    let y = kernelExp(g * x)
                    for k in 0..<8 { dst[i + k] = y[k] }
                    i += 8
                }
            }
        }
        return out
    }

    /// Back to the baseline.
    mutating func reset() {
        current.withUnsafeMutableBufferPointer { c in start.withUnsafeBufferPointer { s in c.update(fromContentsOf: s) } }
    }

    /// Switches raw feature `i` to the client's value and returns the probability of the at-risk class.
    mutating func switchFeature(_ i: Int) -> Double {
        let n = svc.paddedCount
        let products = products
        let g = SIMD8<Double>(repeating: -svc.gamma)
        var s0 = SIMD8<Double>(), s1 = SIMD8<Double>()
        current.withUnsafeMutableBufferPointer { cur in
            step.withUnsafeBufferPointer { st in
                svc.paddedCoefficients.withUnsafeBufferPointer { coef in
                    let c = UnsafeMutableRawPointer(cur.baseAddress!)
                    let d = UnsafeRawPointer(st.baseAddress!) + i * n * 8
                    let k = UnsafeRawPointer(coef.baseAddress!)
                    var b = 0
                    if products {
                        // Four blocks of eight per turn: independent dependency chains.
                        var s2 = SIMD8<Double>(), s3 = SIMD8<Double>()
                        while b < n {
                            for (o, acc) in [(0, 0), (8, 1), (16, 2), (24, 3)] {
                                let v = c.loadUnaligned(fromByteOffset: (b + o) * 8, as: SIMD8<Double>.self)
                                    * d.loadUnaligned(fromByteOffset: (b + o) * 8, as: SIMD8<Double>.self)
                                c.storeBytes(of: v, toByteOffset: (b + o) * 8, as: SIMD8<Double>.self)
                                let kv = k.loadUnaligned(fromByteOffset: (b + o) * 8, as: SIMD8<Double>.self)
                                switch acc {
                                case 0: s0 = s0.addingProduct(kv, v)
                                case 1: s1 = s1.addingProduct(kv, v)
                                case 2: s2 = s2.addingProduct(kv, v)
                                default: s3 = s3.addingProduct(kv, v)
                                }
                            }
                            b += 32
                        }
                        s0 += s2
                        s1 += s3
                    } else {
                        while b < n {
                            let v0 = c.loadUnaligned(fromByteOffset: b * 8, as: SIMD8<Double>.self)
                                + d.loadUnaligned(fromByteOffset: b * 8, as: SIMD8<Double>.self)
                            let v1 = c.loadUnaligned(fromByteOffset: (b + 8) * 8, as: SIMD8<Double>.self)
                                + d.loadUnaligned(fromByteOffset: (b + 8) * 8, as: SIMD8<Double>.self)
                            c.storeBytes(of: v0, toByteOffset: b * 8, as: SIMD8<Double>.self)
                            c.storeBytes(of: v1, toByteOffset: (b + 8) * 8, as: SIMD8<Double>.self)
                            s0 = s0.addingProduct(k.loadUnaligned(fromByteOffset: b * 8, as: SIMD8<Double>.self), kernelExp(g * v0))
                            s1 = s1.addingProduct(k.loadUnaligned(fromByteOffset: (b + 8) * 8, as: SIMD8<Double>.self), kernelExp(g * v1))
                            b += 16
                        }
                    }
                }
            }
        }
        return svc.probability(libsvmDecision: (s0 + s1).sum() - svc.rho)
    }
}
