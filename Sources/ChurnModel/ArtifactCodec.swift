import Foundation

/// Reads and writes ``ModelArtifact`` as canonical JSON (sorted keys, pretty-printed), so the
/// same training gives the same bytes, and a checksum over those bytes detects any change.
public enum ArtifactCodec {
    /// Canonical bytes of `artifact`, checksum filled in.
    public static func encode(_ artifact: ModelArtifact) throws -> [UInt8] {
        var a = artifact
        a.checksum = ""
        a.checksum = "sha256:" + SHA256.hex(try canonicalBytes(a))
        return try canonicalBytes(a)
    }

    /// Parses and validates an artifact; refuses anything corrupt, truncated, edited or made for
    /// another feature spec.
    public static func decode(_ bytes: [UInt8], expecting spec: FeatureSpec = .standard) throws(ArtifactError) -> ModelArtifact {
        let artifact: ModelArtifact
        do {
            artifact = try JSONDecoder().decode(ModelArtifact.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw ArtifactError(.invalidJSON, "cannot parse the file (\(describe(error))); it is truncated, corrupt or not a model file — retrain with `churn train` or restore it")
        } catch {
            throw ArtifactError(.invalidJSON, "cannot parse the file: \(error)")
        }
        guard artifact.format == ModelArtifact.formatName else {
            throw ArtifactError(.wrongFormat, "format is \"\(artifact.format)\", expected \"\(ModelArtifact.formatName)\"")
        }
        guard artifact.formatVersion == ModelArtifact.currentVersion else {
            throw ArtifactError(.unsupportedVersion, "format_version \(artifact.formatVersion) is not supported by this build (it reads \(ModelArtifact.currentVersion)); retrain the model")
        }
        var blank = artifact
        blank.checksum = ""
        let expected: String
        do { expected = "sha256:" + SHA256.hex(try canonicalBytes(blank)) } catch {
            throw ArtifactError(.invalidModel, "a value cannot be encoded: \(error)")
        }
        guard artifact.checksum == expected else {
            throw ArtifactError(.checksumMismatch, "checksum \(artifact.checksum) does not match the content (\(expected)): the file was changed after training; restore it or retrain (thresholds are overridden by flags, not by editing the file)")
        }
        try validate(artifact, spec: spec)
        return artifact
    }

    /// Semantic checks: the artifact is internally consistent and fits this build's feature spec.
    public static func validate(_ a: ModelArtifact, spec: FeatureSpec) throws(ArtifactError) {
        guard a.featureSpec.count == spec.count else {
            throw ArtifactError(.specMismatch, "the file has \(a.featureSpec.count) features, this build expects \(spec.count)")
        }
        for (i, (got, want)) in zip(a.featureSpec.features, spec.features).enumerated() {
            guard got.name == want.name, got.kind == want.kind, got.categories == want.categories,
                  got.sourceValues == want.sourceValues else {
                throw ArtifactError(.specMismatch, "feature \(i) is \(got.name) (\(got.kind.rawValue), categories \(got.categories)); this build expects \(want.name) (\(want.kind.rawValue), categories \(want.categories))")
            }
        }
        guard a.featureSpec.promoLevelCut == spec.promoLevelCut else {
            throw ArtifactError(.specMismatch, "promo_level_cut is \(a.featureSpec.promoLevelCut), this build derives promo_level at \(spec.promoLevelCut)")
        }
        let numeric = spec.numericIndices.count
        let width = spec.encodedWidth
        func invalid(_ m: String) -> ArtifactError { ArtifactError(.invalidModel, m) }
        guard a.scaler.offset.count == numeric, a.scaler.scale.count == numeric else {
            throw invalid("scaler has \(a.scaler.offset.count) offsets and \(a.scaler.scale.count) scales, expected \(numeric)")
        }
        guard a.scaler.offset.allSatisfy(\.isFinite), a.scaler.scale.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw invalid("scaler has a non-finite offset or a non-positive scale")
        }
        let s = a.svc
        guard s.kernel == "rbf" else { throw invalid("kernel is \"\(s.kernel)\", only rbf is supported") }
        guard s.gamma.isFinite, s.gamma > 0, s.c.isFinite, s.c > 0 else { throw invalid("gamma and C must be positive numbers") }
        guard s.labels.count == 2, s.classNames.count == 2, (0..<2).contains(s.atRiskIndex) else {
            throw invalid("a binary model needs 2 labels, 2 class names and at_risk_index 0 or 1")
        }
        guard !s.supportVectors.isEmpty, s.supportVectors.count == s.dualCoefficients.count else {
            throw invalid("\(s.supportVectors.count) support vectors but \(s.dualCoefficients.count) dual coefficients")
        }
        guard s.supportVectorCounts.count == 2, s.supportVectorCounts.reduce(0, +) == s.supportVectors.count else {
            throw invalid("support_vector_counts \(s.supportVectorCounts) do not add up to \(s.supportVectors.count)")
        }
        for (i, sv) in s.supportVectors.enumerated() {
            guard sv.count == width else { throw invalid("support vector \(i) has \(sv.count) values, expected \(width)") }
            guard sv.allSatisfy(\.isFinite) else { throw invalid("support vector \(i) has a non-finite value") }
        }
        guard s.dualCoefficients.allSatisfy(\.isFinite), s.rho.isFinite, s.plattA.isFinite, s.plattB.isFinite else {
            throw invalid("dual coefficients, rho and Platt parameters must be finite")
        }
        let t = a.thresholds
        guard t.profit.isFinite, t.probability >= 0, t.probability <= 1 else {
            throw invalid("thresholds must be a finite profit and a probability in [0, 1]")
        }
        for (name, v) in [("baseline", a.reference.baseline), ("retained_typical", a.reference.retainedTypical),
                          ("at_risk_mean", a.reference.atRiskMean)] {
            guard v.count == spec.count, v.allSatisfy(\.isFinite) else {
                throw invalid("reference.\(name) must hold \(spec.count) finite values")
            }
        }
    }

    static func canonicalBytes(_ a: ModelArtifact) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var bytes = [UInt8](try encoder.encode(a))
        bytes.append(0x0A)
        return bytes
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let c): return "corrupt data at \(path(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let key, let c): return "missing key \(path(c.codingPath + [key]))"
        case .typeMismatch(_, let c): return "wrong type at \(path(c.codingPath)): \(c.debugDescription)"
        case .valueNotFound(_, let c): return "missing value at \(path(c.codingPath))"
        @unknown default: return "\(error)"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
