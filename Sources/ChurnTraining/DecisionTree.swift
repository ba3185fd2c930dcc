/// A CART classification tree: Gini impurity, binary splits at midpoints between distinct values.
/// Deterministic: among equal gains the lower feature index and lower threshold win.
struct DecisionTree: TrainedClassifier {
    private enum Node: Sendable {
        case leaf(Double)
        indirect case split(feature: Int, threshold: Double, left: Node, right: Node)
    }

    private let root: Node

    init(x: [[Double]], y: [Bool], maxDepth: Int, minSamplesLeaf: Int) {
        root = Self.grow(Array(x.indices), x: x, y: y, depth: 0, maxDepth: maxDepth, minLeaf: max(minSamplesLeaf, 1))
    }

    func score(_ q: [Double]) -> Double {
        var node = root
        while true {
            switch node {
            case .leaf(let p): return p
            case .split(let f, let t, let l, let r): node = q[f] <= t ? l : r
            }
        }
    }

    func predict(_ q: [Double]) -> Bool { score(q) > 0.5 }

    private static func grow(_ rows: [Int], x: [[Double]], y: [Bool], depth: Int, maxDepth: Int, minLeaf: Int) -> Node {
        let pos = rows.filter { y[$0] }.count
        let p = Double(pos) / Double(max(rows.count, 1))
        guard depth < maxDepth, pos > 0, pos < rows.count, rows.count >= 2 * minLeaf else { return .leaf(p) }
        let n = Double(rows.count)
        let parentGini = 1 - p * p - (1 - p) * (1 - p)
        var best: (gain: Double, feature: Int, threshold: Double)?
        let width = x[rows[0]].count
        for f in 0..<width {
            let sorted = rows.sorted { x[$0][f] < x[$1][f] || (x[$0][f] == x[$1][f] && $0 < $1) }
            var leftPos = 0
            for i in 0..<(sorted.count - 1) {
                if y[sorted[i]] { leftPos += 1 }
                let a = x[sorted[i]][f], b = x[sorted[i + 1]][f]
                let nl = i + 1, nr = sorted.count - nl
                guard a < b, nl >= minLeaf, nr >= minLeaf else { continue }
                let pl = Double(leftPos) / Double(nl), pr = Double(pos - leftPos) / Double(nr)
                let gini = (Double(nl) * (1 - pl * pl - (1 - pl) * (1 - pl)) + Double(nr) * (1 - pr * pr - (1 - pr) * (1 - pr))) / n
                let gain = parentGini - gini
                if gain > 1e-12, best == nil || gain > best!.gain + 1e-12 { best = (gain, f, (a + b) / 2) }
            }
        }
        guard let split = best else { return .leaf(p) }
        let left = rows.filter { x[$0][split.feature] <= split.threshold }
        let right = rows.filter { x[$0][split.feature] > split.threshold }
        return .split(feature: split.feature, threshold: split.threshold,
                      left: grow(left, x: x, y: y, depth: depth + 1, maxDepth: maxDepth, minLeaf: minLeaf),
                      right: grow(right, x: x, y: y, depth: depth + 1, maxDepth: maxDepth, minLeaf: minLeaf))
    }
}
