import ChurnModel
import Testing
@testable import ChurnTraining

/// The native scorer against libsvm itself, on the same fitted model.
@Suite struct ParityTests {
    @Test(.needsShopTables)
    func nativeEqualsLibsvmOnAllClients() throws {
        let tables = try #require(ShopData.tables)
        let clients = Cleaning.clean(tables).clients
        let all = Cleaning.clean(tables, dropInactive: false).clients
        #expect(all.count == 1300)
        let data = Dataset(clients)
        let (train, _) = Splits.stratifiedSplit(labels: data.labels, testShare: 0.25, seed: 42)
        let fit = Trainer.fitSVC(data.subset(train), scaler: .standard, c: 4, seed: 42)
        let scorer = fit.artifactParts.scorer
        var maxDecision = 0.0, maxProbability = 0.0
        for c in all {
            let x = scorer.encoder.encode(c.features)
            let native = scorer.score(c.features)
            maxDecision = max(maxDecision, abs(native.decisionValue - fit.libsvm.atRiskDecision(x)))
            maxProbability = max(maxProbability, abs(native.probability - fit.libsvm.probability(x)))
        }
        #expect(maxDecision <= 1e-12, "max |Δ decision| \(maxDecision)")
        #expect(maxProbability <= 1e-12, "max |Δ probability| \(maxProbability)")
    }

    @Test func nativeEqualsLibsvmOnSyntheticData() {
        var rng = SplitMix64(seed: 7)
        let x = (0..<200).map { _ in (0..<5).map { _ in rng.unit() * 4 - 2 } }
        let y = x.map { $0[0] + 0.5 * $0[1] * $0[1] > 0.3 }
        for c in [0.5, 4.0] {
            let model = LibSVMClassifier(x: x, y: y, c: c, gamma: 0.3, probability: true, seed: 3)
            let native = model.parameters(classNames: ("at risk", "kept")).makeModel()
            for row in x.prefix(100) + [[9, 9, 9, 9, 9], [0, 0, 0, 0, 0]] {
                let d = row.withUnsafeBufferPointer { native.decisionValue($0) }
                let p = row.withUnsafeBufferPointer { native.probability($0) }
                #expect(abs(d - model.atRiskDecision(row)) <= 1e-12)
                #expect(abs(p - model.probability(row)) <= 1e-12)
            }
        }
    }
}
