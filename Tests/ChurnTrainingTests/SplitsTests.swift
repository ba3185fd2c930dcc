import ChurnModel
import Testing
@testable import ChurnTraining

@Suite struct SplitsTests {
    /// 33 positives and 51 negatives, interleaved irregularly.
    static let labels: [Bool] = (0..<84).map { ($0 * 7 + $0 / 5) % 8 < 3 }

    @Test func labelsHaveBothClasses() {
        #expect(Self.labels.filter { $0 }.count == 33)
        #expect(Self.labels.count == 84)
    }

    @Test(arguments: [0, 1, 42, 12345] as [UInt64])
    func stratifiedSplitIsAPartitionWithClassBalance(seed: UInt64) {
        let labels = Self.labels
        let (train, test) = Splits.stratifiedSplit(labels: labels, testShare: 0.25, seed: seed)
        #expect(Set(train).isDisjoint(with: test))
        #expect((train + test).sorted() == Array(labels.indices))
        #expect(train == train.sorted() && test == test.sorted())
        for cls in [true, false] {
            let n = labels.filter { $0 == cls }.count
            let inTest = test.filter { labels[$0] == cls }.count
            #expect(abs(inTest - Int((0.25 * Double(n)).rounded())) <= 1, "class \(cls): \(inTest) of \(n)")
        }
    }

    @Test func stratifiedSplitDependsOnlyOnTheSeed() {
        let a = Splits.stratifiedSplit(labels: Self.labels, testShare: 0.25, seed: 42)
        let b = Splits.stratifiedSplit(labels: Self.labels, testShare: 0.25, seed: 42)
        let c = Splits.stratifiedSplit(labels: Self.labels, testShare: 0.25, seed: 43)
        #expect(a.train == b.train && a.test == b.test)
        #expect(a.test != c.test)
        #expect(a.test.count == c.test.count)
    }

    @Test func stratifiedSplitEdgeShares() {
        let none = Splits.stratifiedSplit(labels: Self.labels, testShare: 0, seed: 1)
        #expect(none.test.isEmpty && none.train.count == Self.labels.count)
        let all = Splits.stratifiedSplit(labels: Self.labels, testShare: 1, seed: 1)
        #expect(all.train.isEmpty && all.test.count == Self.labels.count)
    }

    @Test(arguments: [(5, 7 as UInt64), (4, 42), (10, 3), (3, 0)])
    func stratifiedFoldsPartitionWithBalancedClasses(k: Int, seed: UInt64) {
        let labels = Self.labels
        let folds = Splits.stratifiedFolds(labels: labels, k: k, seed: seed)
        #expect(folds.count == k)
        #expect(folds.flatMap { $0 }.sorted() == Array(labels.indices))  // every row exactly once
        #expect(folds.allSatisfy { $0 == $0.sorted() })
        for cls in [true, false] {
            let counts = folds.map { fold in fold.filter { labels[$0] == cls }.count }
            #expect(counts.max()! - counts.min()! <= 1, "class \(cls): \(counts)")
        }
        let sizes = folds.map(\.count)
        #expect(sizes.max()! - sizes.min()! <= 1, "\(sizes)")
    }

    @Test func stratifiedFoldsDependOnlyOnTheSeed() {
        let a = Splits.stratifiedFolds(labels: Self.labels, k: 5, seed: 42)
        #expect(a == Splits.stratifiedFolds(labels: Self.labels, k: 5, seed: 42))
        #expect(a != Splits.stratifiedFolds(labels: Self.labels, k: 5, seed: 41))
    }

    @Test func splitMixKnownSequence() {
        // Reference SplitMix64 (Steele, Lea & Flood) from seed 0.
        var rng = SplitMix64(seed: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)
        #expect(rng.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(rng.next() == 0x06C4_5D18_8009_454F)
    }

    @Test(arguments: [1, 2, 3, 7, 10, 1000, Int(Int32.max), Int.max])
    func belowStaysInRange(n: Int) {
        var rng = SplitMix64(seed: UInt64(n))
        for _ in 0..<2000 {
            let v = rng.below(n)
            #expect(v >= 0 && v < n)
            if v < 0 || v >= n { return }
        }
    }

    @Test func belowCoversEveryValue() {
        var rng = SplitMix64(seed: 9)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<6000 { counts[rng.below(6)] += 1 }
        #expect(counts.allSatisfy { (850...1150).contains($0) }, "\(counts)")
    }

    @Test func unitIsInHalfOpenInterval() {
        var rng = SplitMix64(seed: 5)
        let u = (0..<5000).map { _ in rng.unit() }
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(u.reduce(0, +) / 5000 - 0.5) < 0.02)
    }

    @Test func shuffleIsADeterministicPermutation() {
        let original = Array(0..<50)
        var a = original, b = original, c = original
        var r1 = SplitMix64(seed: 11), r2 = SplitMix64(seed: 11), r3 = SplitMix64(seed: 12)
        r1.shuffle(&a)
        r2.shuffle(&b)
        r3.shuffle(&c)
        #expect(a.sorted() == original)
        #expect(a != original)
        #expect(a == b)
        #expect(a != c)
        var one = [7], empty: [Int] = []
        r1.shuffle(&one)
        r1.shuffle(&empty)
        #expect(one == [7] && empty.isEmpty)
    }
}
