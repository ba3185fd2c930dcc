import ChurnModel

/// Stratified train/test splits and K-fold partitions over row indices.
public enum Splits {
    /// Splits `labels`' indices into train and test, keeping the class balance: each class
    /// contributes round(testShare × its size) rows to the test set. Both lists are sorted.
    public static func stratifiedSplit(labels: [Bool], testShare: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        var rng = SplitMix64(seed: seed)
        var train: [Int] = []
        var test: [Int] = []
        for cls in [true, false] {
            var idx = labels.indices.filter { labels[$0] == cls }
            rng.shuffle(&idx)
            let nTest = Int((Double(idx.count) * testShare).rounded())
            test += idx.prefix(nTest)
            train += idx.dropFirst(nTest)
        }
        return (train.sorted(), test.sorted())
    }

    /// K stratified folds: returns, for each fold, the positions (into `labels`) held out.
    /// Each class is shuffled and dealt round-robin, so fold sizes differ by at most one per class.
    public static func stratifiedFolds(labels: [Bool], k: Int, seed: UInt64) -> [[Int]] {
        var rng = SplitMix64(seed: seed)
        var folds = [[Int]](repeating: [], count: k)
        var next = 0
        for cls in [true, false] {
            var idx = labels.indices.filter { labels[$0] == cls }
            rng.shuffle(&idx)
            for i in idx {
                folds[next % k].append(i)
                next += 1
            }
        }
        return folds.map { $0.sorted() }
    }
}
