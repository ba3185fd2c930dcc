import Foundation
import Testing
@testable import ChurnModel

@Suite struct ArtifactCodecTests {
    let artifact = Fixtures.artifact(seed: 2024, supportVectors: 17)

    func encoded(_ a: ModelArtifact) throws -> [UInt8] { try ArtifactCodec.encode(a) }

    /// The refusal of `bytes`, which must not decode.
    func refusal(_ bytes: [UInt8], expecting spec: FeatureSpec = .standard) throws -> ArtifactError {
        try #require(decodeError(bytes, expecting: spec))
    }

    /// The refusal of `a` once encoded with a valid checksum.
    func refusal(of a: ModelArtifact) throws -> ArtifactError {
        try refusal(try encoded(a))
    }

    func validationError(_ a: ModelArtifact, spec: FeatureSpec = .standard) throws -> ArtifactError {
        try #require(validateError(a, spec: spec))
    }

    func expect(_ error: ArtifactError, _ code: ArtifactError.Code, mentions words: [String],
                sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        for w in words {
            #expect(error.message.contains(w), "message \"\(error.message)\" should mention \"\(w)\"", sourceLocation: sourceLocation)
        }
        #expect(error.description.contains(code.rawValue), sourceLocation: sourceLocation)
    }

    // MARK: Round trip

    @Test(arguments: [1, 7, 32, 40])
    func fixtureIsValid(supportVectors: Int) {
        for seed in UInt64(0)..<5 {
            let a = Fixtures.artifact(seed: seed, supportVectors: supportVectors)
            #expect(validateError(a) == nil)
        }
    }

    @Test func roundTripGivesAnEqualArtifact() throws {
        let bytes = try encoded(artifact)
        let decoded = try ArtifactCodec.decode(bytes)
        #expect(decoded.checksum.hasPrefix("sha256:"))
        let hex = decoded.checksum.dropFirst("sha256:".count)
        #expect(hex.count == 64 && hex.allSatisfy { "0123456789abcdef".contains($0) })
        var expected = artifact
        expected.checksum = decoded.checksum
        #expect(decoded == expected)
        #expect(decoded.training.seed == artifact.training.seed)
        #expect(decoded.svc.supportVectors == artifact.svc.supportVectors)
        #expect(try encoded(decoded) == bytes)
    }

    @Test func decodedArtifactScoresIdentically() throws {
        let decoded = try ArtifactCodec.decode(try encoded(artifact))
        let a = artifact.makeScorer(), b = decoded.makeScorer()
        var rng = SplitMix64(seed: 3)
        for _ in 0..<50 {
            let raw = Fixtures.rawVector(&rng, scaler: artifact.scaler)
            #expect(a.score(raw) == b.score(raw))
        }
    }

    @Test func encodeIsDeterministicAndEndsWithNewline() throws {
        let a = try encoded(artifact), b = try encoded(artifact)
        #expect(a == b)
        #expect(a.last == 0x0A)
        #expect(a.dropLast().last != 0x0A)
        // The stored checksum does not feed into the new one.
        var stale = artifact
        stale.checksum = "sha256:" + String(repeating: "0", count: 64)
        #expect(try encoded(stale) == a)
        // A different artifact gives a different checksum.
        var other = artifact
        other.thresholds.probability += 0.01
        let x = try ArtifactCodec.decode(a), y = try ArtifactCodec.decode(try encoded(other))
        #expect(x.checksum != y.checksum)
    }

    @Test func keysAreSorted() throws {
        let text = try #require(String(bytes: try encoded(artifact), encoding: .utf8))
        func position(_ s: String) throws -> String.Index { try #require(text.range(of: s)).lowerBound }
        let top = ["checksum", "feature_spec", "format", "format_version", "reference", "scaler", "svc", "thresholds", "training"]
        let positions = try top.map { try position("\n  \"\($0)\"") }
        #expect(positions == positions.sorted())
        // Dictionaries too, so the bytes do not depend on hashing order.
        let tables = try ["market_file.csv", "market_money.csv", "market_time.csv", "money.csv"].map { try position("\"\($0)\"") }
        #expect(tables == tables.sorted())
        #expect(try position("\"C\"") < position("\"gamma\" :"))
    }

    // MARK: Damaged files

    @Test func truncatedBytesAreInvalidJSON() throws {
        let bytes = try encoded(artifact)
        for cut in [1, 2, 10, bytes.count / 3, bytes.count / 2, bytes.count - 3] {
            let e = try refusal(Array(bytes.prefix(cut)))
            expect(e, .invalidJSON, mentions: ["cannot parse"])
        }
    }

    @Test func emptyFileIsInvalidJSON() throws {
        expect(try refusal([]), .invalidJSON, mentions: ["cannot parse"])
        expect(try refusal(Array("\n".utf8)), .invalidJSON, mentions: ["cannot parse"])
    }

    @Test func garbageIsInvalidJSON() throws {
        var rng = SplitMix64(seed: 66)
        for length in [1, 7, 100, 4096] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            expect(try refusal(bytes), .invalidJSON, mentions: ["cannot parse"])
        }
        for text in ["[1, 2, 3]", "{}", "null", "\"churn-model\"", "{\"format\": \"churn-model\"}"] {
            expect(try refusal(Array(text.utf8)), .invalidJSON, mentions: ["cannot parse"])
        }
    }

    @Test func missingKeyIsInvalidJSONAndNamesTheKey() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(try encoded(artifact))) as? [String: Any])
        var svc = try #require(object["svc"] as? [String: Any])
        svc.removeValue(forKey: "rho")
        object["svc"] = svc
        let bytes = [UInt8](try JSONSerialization.data(withJSONObject: object))
        expect(try refusal(bytes), .invalidJSON, mentions: ["rho"])
    }

    @Test func changedDigitInSupportVectorIsChecksumMismatch() throws {
        let bytes = try encoded(artifact)
        let key = Array("\"support_vectors\"".utf8)
        let start = try #require((0..<(bytes.count - key.count)).first { Array(bytes[$0..<($0 + key.count)]) == key })
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        // The leading digit of the fifth number in the support vectors.
        let leading = (start + key.count..<bytes.count).filter { isDigit(bytes[$0]) && !isDigit(bytes[$0 - 1]) && bytes[$0 - 1] != UInt8(ascii: ".") }
        let i = try #require(leading.dropFirst(4).first)
        var edited = bytes
        edited[i] = bytes[i] == UInt8(ascii: "9") ? UInt8(ascii: "8") : bytes[i] + 1
        // Still a well-formed artifact, only the value changed.
        #expect(try JSONSerialization.jsonObject(with: Data(edited)) is [String: Any])
        let e = try refusal(edited)
        expect(e, .checksumMismatch, mentions: ["checksum", "does not match"])
    }

    @Test func editedThresholdIsChecksumMismatch() throws {
        let text = try #require(String(bytes: try encoded(artifact), encoding: .utf8))
        let profit = "\"profit\" : \(artifact.thresholds.profit)"
        #expect(text.contains(profit))
        let edited = text.replacingOccurrences(of: profit, with: "\"profit\" : 0.5")
        expect(try refusal(Array(edited.utf8)), .checksumMismatch, mentions: ["checksum"])
    }

    @Test func editedOrMissingChecksumIsChecksumMismatch() throws {
        let bytes = try encoded(artifact)
        let decoded = try ArtifactCodec.decode(bytes)
        let text = try #require(String(bytes: bytes, encoding: .utf8))
        let hex = String(decoded.checksum.dropFirst(7))
        let flipped = (hex.first == "a" ? "b" : "a") + hex.dropFirst()
        let e = try refusal(Array(text.replacingOccurrences(of: hex, with: flipped).utf8))
        expect(e, .checksumMismatch, mentions: [flipped])
        let blank = try refusal(Array(text.replacingOccurrences(of: decoded.checksum, with: "").utf8))
        expect(blank, .checksumMismatch, mentions: ["checksum"])
    }

    @Test func wrongFormatString() throws {
        var a = artifact
        a.format = "churn-modle"
        expect(try refusal(of: a), .wrongFormat, mentions: ["churn-modle", "churn-model"])
    }

    @Test(arguments: [0, 2, 99])
    func unsupportedFormatVersion(version: Int) throws {
        var a = artifact
        a.formatVersion = version
        expect(try refusal(of: a), .unsupportedVersion, mentions: ["format_version \(version)", "1"])
    }

    // MARK: Another feature spec

    @Test func renamedFeatureIsSpecMismatch() throws {
        var a = artifact
        a.featureSpec.features[FeatureSpec.Index.tenureDays].name = "tenure"
        expect(try refusal(of: a), .specMismatch, mentions: ["tenure", "tenure_days", "feature 4"])
    }

    @Test func reorderedFeaturesAreSpecMismatch() throws {
        var a = artifact
        a.featureSpec.features.swapAt(2, 3)
        expect(try refusal(of: a), .specMismatch, mentions: ["market_activity_current", "market_activity_6m"])
    }

    @Test func reorderedCategoriesAreSpecMismatch() throws {
        var a = artifact
        a.featureSpec.features[FeatureSpec.Index.popularCategory].categories.swapAt(0, 1)
        expect(try refusal(of: a), .specMismatch, mentions: ["popular_category"])
    }

    @Test func changedKindIsSpecMismatch() throws {
        var a = artifact
        a.featureSpec.features[FeatureSpec.Index.serviceErrors].kind = .categorical
        expect(try refusal(of: a), .specMismatch, mentions: ["service_errors", "categorical"])
    }

    @Test func missingOrExtraFeatureIsSpecMismatch() throws {
        var fewer = artifact
        fewer.featureSpec.features.removeLast()
        expect(try refusal(of: fewer), .specMismatch, mentions: ["16", "17"])
        var more = artifact
        more.featureSpec.features.append(Feature(name: "extra", source: "t:x", kind: .numeric, description: "x"))
        expect(try refusal(of: more), .specMismatch, mentions: ["18", "17"])
    }

    @Test func decodeExpectingAnotherSpecIsSpecMismatch() throws {
        var spec = FeatureSpec.standard
        spec.features[0].name = "tier"
        expect(try refusal(try encoded(artifact), expecting: spec), .specMismatch, mentions: ["service_type", "tier"])
    }

    /// `promo_level` is derived from `promo_share` with the spec's cut, and the derivation at scoring time
    /// uses this build's spec: a file made with another cut was trained on a different `promo_level`.
    @Test func differentPromoLevelCutIsSpecMismatch() throws {
        var a = artifact
        a.featureSpec.promoLevelCut = 0.3
        #expect(a.featureSpec != FeatureSpec.standard)
        let bytes = try encoded(a)
        let e = decodeError(bytes)
        #expect(e?.code == .specMismatch, "an artifact with promo_level_cut 0.3 was accepted by a build that derives promo_level at 0.5")
    }

    // MARK: Inconsistent models (valid checksum)

    @Test func supportVectorOfWrongWidth() throws {
        var short = artifact
        short.svc.supportVectors[3].removeLast()
        expect(try refusal(of: short), .invalidModel, mentions: ["support vector 3", "20", "21"])
        var long = artifact
        long.svc.supportVectors[0].append(0)
        expect(try refusal(of: long), .invalidModel, mentions: ["support vector 0", "22"])
    }

    @Test func mismatchedCounts() throws {
        var coefficients = artifact
        coefficients.svc.dualCoefficients.removeLast()
        expect(try refusal(of: coefficients), .invalidModel, mentions: ["17 support vectors", "16 dual coefficients"])

        var svCounts = artifact
        svCounts.svc.supportVectorCounts = [5, 5]
        expect(try refusal(of: svCounts), .invalidModel, mentions: ["support_vector_counts", "17"])

        var threeCounts = artifact
        threeCounts.svc.supportVectorCounts = [5, 5, 7]
        expect(try refusal(of: threeCounts), .invalidModel, mentions: ["support_vector_counts"])

        var none = artifact
        none.svc.supportVectors = []
        none.svc.dualCoefficients = []
        none.svc.supportVectorCounts = [0, 0]
        expect(try refusal(of: none), .invalidModel, mentions: ["0 support vectors"])

        var offsets = artifact
        offsets.scaler.offset.removeLast()
        expect(try refusal(of: offsets), .invalidModel, mentions: ["scaler", "12 offsets", "13"])

        var scales = artifact
        scales.scaler.scale.append(1)
        expect(try refusal(of: scales), .invalidModel, mentions: ["scaler", "14 scales"])

        var labels = artifact
        labels.svc.labels = [1, 0, 2]
        expect(try refusal(of: labels), .invalidModel, mentions: ["2 labels"])

        var names = artifact
        names.svc.classNames = ["Снизилась"]
        expect(try refusal(of: names), .invalidModel, mentions: ["class names"])

        for name in ["baseline", "retained_typical", "at_risk_mean"] {
            var reference = artifact
            switch name {
            case "baseline": reference.reference.baseline.removeLast()
            case "retained_typical": reference.reference.retainedTypical.append(0)
            default: reference.reference.atRiskMean = []
            }
            expect(try refusal(of: reference), .invalidModel, mentions: ["reference.\(name)", "17"])
        }
    }

    @Test func invalidParameters() throws {
        var atRisk = artifact
        atRisk.svc.atRiskIndex = 2
        expect(try refusal(of: atRisk), .invalidModel, mentions: ["at_risk_index"])

        var kernel = artifact
        kernel.svc.kernel = "linear"
        expect(try refusal(of: kernel), .invalidModel, mentions: ["linear", "rbf"])

        for (gamma, c) in [(0.0, 4.0), (-0.05, 4), (0.05, 0), (0.05, -1)] {
            var a = artifact
            a.svc.gamma = gamma
            a.svc.c = c
            expect(try refusal(of: a), .invalidModel, mentions: ["gamma and C"])
        }

        for scale in [0.0, -2] {
            var a = artifact
            a.scaler.scale[5] = scale
            expect(try refusal(of: a), .invalidModel, mentions: ["scale"])
        }

        for p in [-0.1, 1.5] {
            var a = artifact
            a.thresholds.probability = p
            expect(try refusal(of: a), .invalidModel, mentions: ["thresholds", "probability"])
        }
    }

    @Test func nonFiniteValues() throws {
        let nonFinite: [Double] = [.nan, .infinity, -.infinity]
        for v in nonFinite {
            var sv = artifact
            sv.svc.supportVectors[2][7] = v
            expect(try validationError(sv), .invalidModel, mentions: ["support vector 2", "non-finite"])

            var offset = artifact
            offset.scaler.offset[0] = v
            expect(try validationError(offset), .invalidModel, mentions: ["scaler", "non-finite"])

            var scale = artifact
            scale.scaler.scale[12] = v
            expect(try validationError(scale), .invalidModel, mentions: ["scale"])

            var coef = artifact
            coef.svc.dualCoefficients[0] = v
            expect(try validationError(coef), .invalidModel, mentions: ["dual coefficients"])

            var rho = artifact
            rho.svc.rho = v
            expect(try validationError(rho), .invalidModel, mentions: ["rho"])

            var platt = artifact
            platt.svc.plattA = v
            expect(try validationError(platt), .invalidModel, mentions: ["Platt"])

            var gamma = artifact
            gamma.svc.gamma = v
            expect(try validationError(gamma), .invalidModel, mentions: ["gamma"])

            var profit = artifact
            profit.thresholds.profit = v
            expect(try validationError(profit), .invalidModel, mentions: ["thresholds"])

            var probability = artifact
            probability.thresholds.probability = v
            expect(try validationError(probability), .invalidModel, mentions: ["thresholds"])

            var baseline = artifact
            baseline.reference.baseline[4] = v
            expect(try validationError(baseline), .invalidModel, mentions: ["reference.baseline", "finite"])

            var typical = artifact
            typical.reference.retainedTypical[16] = v
            expect(try validationError(typical), .invalidModel, mentions: ["reference.retained_typical"])
        }
    }

    @Test func nonFiniteValuesCannotBeWritten() {
        var a = artifact
        a.svc.rho = .nan
        #expect(throws: (any Error).self) { try ArtifactCodec.encode(a) }
        var b = artifact
        b.reference.baseline[0] = .infinity
        #expect(throws: (any Error).self) { try ArtifactCodec.encode(b) }
    }

    @Test func validateChecksSpecBeforeModel() throws {
        // A file for another spec is reported as such even when its model is also inconsistent.
        var a = artifact
        a.featureSpec.features[0].name = "tier"
        a.svc.supportVectors[0] = []
        expect(try validationError(a), .specMismatch, mentions: ["tier"])
    }
}
