/// The model file: everything the worker needs to encode, score, explain and alert,
/// plus how it was trained. Described by `schemas/model.schema.json`; read and written
/// by ``ArtifactCodec``.
public struct ModelArtifact: Codable, Sendable, Equatable {
    public static let formatName = "churn-model"
    public static let currentVersion = 1

    public var format: String = ModelArtifact.formatName
    public var formatVersion: Int = ModelArtifact.currentVersion
    /// `sha256:` of the file's canonical bytes with this field empty; set by ``ArtifactCodec``.
    public var checksum: String = ""
    public var featureSpec: FeatureSpec
    public var scaler: Scaler
    public var svc: SVCParameters
    public var thresholds: AlertThresholds
    /// Reference values per raw feature, for explanations and recommendations.
    public var reference: FeatureReference
    public var training: TrainingMetadata

    public init(featureSpec: FeatureSpec, scaler: Scaler, svc: SVCParameters, thresholds: AlertThresholds,
                reference: FeatureReference, training: TrainingMetadata) {
        self.featureSpec = featureSpec
        self.scaler = scaler
        self.svc = svc
        self.thresholds = thresholds
        self.reference = reference
        self.training = training
    }

    enum CodingKeys: String, CodingKey {
        case format, checksum, scaler, svc, thresholds, reference, training
        case formatVersion = "format_version"
        case featureSpec = "feature_spec"
    }

    /// The scorer this artifact describes. Call on a validated artifact (``ArtifactCodec/decode(_:)``).
    public func makeScorer() -> ChurnScorer {
        ChurnScorer(encoder: FeatureEncoder(spec: featureSpec, scaler: scaler), svc: svc.makeModel())
    }
}

/// The SVC as libsvm trained it.
public struct SVCParameters: Codable, Sendable, Equatable {
    public var kernel: String = "rbf"
    public var gamma: Double
    public var c: Double
    /// libsvm's internal label order; `class_names` is parallel to it.
    public var labels: [Int]
    public var classNames: [String]
    /// Index into `labels` of the at-risk class.
    public var atRiskIndex: Int
    public var supportVectorCounts: [Int]
    public var supportVectors: [[Double]]
    /// Dual coefficients yᵢαᵢ, oriented towards `labels[0]` as libsvm stores them.
    public var dualCoefficients: [Double]
    /// libsvm's rho; the decision function towards `labels[0]` is Σ coefᵢ·K(x, svᵢ) − rho.
    public var rho: Double
    public var plattA: Double
    public var plattB: Double

    public init(gamma: Double, c: Double, labels: [Int], classNames: [String], atRiskIndex: Int,
                supportVectorCounts: [Int], supportVectors: [[Double]], dualCoefficients: [Double],
                rho: Double, plattA: Double, plattB: Double) {
        self.gamma = gamma
        self.c = c
        self.labels = labels
        self.classNames = classNames
        self.atRiskIndex = atRiskIndex
        self.supportVectorCounts = supportVectorCounts
        self.supportVectors = supportVectors
        self.dualCoefficients = dualCoefficients
        self.rho = rho
        self.plattA = plattA
        self.plattB = plattB
    }

    enum CodingKeys: String, CodingKey {
        case kernel, gamma, c = "C", labels, rho
        case classNames = "class_names"
        case atRiskIndex = "at_risk_index"
        case supportVectorCounts = "support_vector_counts"
        case supportVectors = "support_vectors"
        case dualCoefficients = "dual_coefficients"
        case plattA = "platt_a"
        case plattB = "platt_b"
    }

    public func makeModel() -> SVCModel {
        SVCModel(gamma: gamma, cost: c, labels: labels, atRiskIndex: atRiskIndex, supportVectors: supportVectors,
                 coefficients: dualCoefficients, rho: rho, plattA: plattA, plattB: plattB)
    }
}

/// Who gets an alert: profit ≥ `profit` and probability ≥ `probability`.
public struct AlertThresholds: Codable, Sendable, Equatable {
    /// Monthly profit cut (the mean profit of the cleaned data).
    public var profit: Double
    /// Probability cut (smallest cut with out-of-fold precision ≥ `targetPrecision`).
    public var probability: Double
    public var targetPrecision: Double
    /// Out-of-fold precision and recall at `probability`.
    public var precisionAtCut: Double
    public var recallAtCut: Double

    public init(profit: Double, probability: Double, targetPrecision: Double, precisionAtCut: Double,
                recallAtCut: Double) {
        self.profit = profit
        self.probability = probability
        self.targetPrecision = targetPrecision
        self.precisionAtCut = precisionAtCut
        self.recallAtCut = recallAtCut
    }

    enum CodingKeys: String, CodingKey {
        case profit, probability
        case targetPrecision = "target_precision"
        case precisionAtCut = "precision_at_cut"
        case recallAtCut = "recall_at_cut"
    }
}

/// Reference points in raw feature space, all from the training split.
public struct FeatureReference: Codable, Sendable, Equatable {
    /// The explanation baseline: median of each numeric, most frequent category of each categorical.
    public var baseline: [Double]
    /// Typical (median / most frequent) values of training clients who kept buying.
    public var retainedTypical: [Double]
    /// Mean of each raw feature over training clients whose activity dropped.
    public var atRiskMean: [Double]
    /// Per-feature summary of the training clients (for the simulator).
    public var stats: [FeatureStats]

    public init(baseline: [Double], retainedTypical: [Double], atRiskMean: [Double], stats: [FeatureStats]) {
        self.baseline = baseline
        self.retainedTypical = retainedTypical
        self.atRiskMean = atRiskMean
        self.stats = stats
    }

    enum CodingKeys: String, CodingKey {
        case baseline, stats
        case retainedTypical = "retained_typical"
        case atRiskMean = "at_risk_mean"
    }
}

/// Summary of one raw feature over the training clients.
public struct FeatureStats: Codable, Sendable, Equatable {
    public var name: String
    public var mean: Double
    public var sd: Double
    public var min: Double
    public var max: Double
    /// Share of each category (categoricals only; empty for numerics).
    public var categoryShares: [Double]

    public init(name: String, mean: Double, sd: Double, min: Double, max: Double, categoryShares: [Double]) {
        self.name = name
        self.mean = mean
        self.sd = sd
        self.min = min
        self.max = max
        self.categoryShares = categoryShares
    }

    enum CodingKeys: String, CodingKey {
        case name, mean, sd, min, max
        case categoryShares = "category_shares"
    }
}
