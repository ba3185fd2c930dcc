/// k nearest neighbours by Euclidean distance, uniform vote; a tie goes to "kept buying"
/// (scikit-learn's order of classes). Ties in distance keep the earlier training row.
struct KNearestNeighbors: TrainedClassifier {
    let x: [[Double]]
    let y: [Bool]
    let k: Int

    func score(_ q: [Double]) -> Double {
        var d: [(Double, Int)] = x.indices.map { i in
            var s = 0.0
            for j in q.indices { let t = q[j] - x[i][j]; s += t * t }
            return (s, i)
        }
        let kk = min(k, d.count)
        guard kk > 0 else { return 0 }
        d.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        let votes = d.prefix(kk).filter { y[$0.1] }.count
        return Double(votes) / Double(kk)
    }

    func predict(_ q: [Double]) -> Bool { score(q) > 0.5 }
}
