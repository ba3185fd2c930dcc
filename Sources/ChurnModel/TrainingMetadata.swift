/// How an artifact was trained; written by training, kept for audit and reports.
public struct TrainingMetadata: Codable, Sendable, Equatable {
    /// sha256 of each input table, by file name.
    public var tables: [String: String]
    public var seed: UInt64
    public var trainIds: [Int]
    public var testIds: [Int]
    public var cleaning: [CleaningRecord]
    /// Best cross-validated F1 per family and scaler.
    public var cvTable: [CVResult]
    /// The selected SVC's hyperparameters and CV score.
    public var selected: CVResult
    public var testMetrics: ClassificationMetrics
    public var libsvmVersion: Int
    public var folds: Int

    public init(tables: [String: String], seed: UInt64, trainIds: [Int], testIds: [Int], cleaning: [CleaningRecord],
                cvTable: [CVResult], selected: CVResult, testMetrics: ClassificationMetrics, libsvmVersion: Int,
                folds: Int) {
        self.tables = tables
        self.seed = seed
        self.trainIds = trainIds
        self.testIds = testIds
        self.cleaning = cleaning
        self.cvTable = cvTable
        self.selected = selected
        self.testMetrics = testMetrics
        self.libsvmVersion = libsvmVersion
        self.folds = folds
    }

    enum CodingKeys: String, CodingKey {
        case tables, seed, cleaning, selected, folds
        case trainIds = "train_ids"
        case testIds = "test_ids"
        case cvTable = "cv_table"
        case testMetrics = "test_metrics"
        case libsvmVersion = "libsvm_version"
    }
}

/// One cleaning step and how many rows or values it touched.
public struct CleaningRecord: Codable, Sendable, Equatable {
    public var step: String
    public var detail: String
    public var count: Int

    public init(step: String, detail: String, count: Int) {
        self.step = step
        self.detail = detail
        self.count = count
    }
}

/// The cross-validated score of one model family with one scaler at its best hyperparameters.
public struct CVResult: Codable, Sendable, Equatable {
    public var family: String
    public var scaler: ScalerKind
    /// Hyperparameters as `name=value` pairs, e.g. `C=4`.
    public var params: [String: Double]
    public var cvF1: Double
    public var cvF1Sd: Double

    public init(family: String, scaler: ScalerKind, params: [String: Double], cvF1: Double, cvF1Sd: Double) {
        self.family = family
        self.scaler = scaler
        self.params = params
        self.cvF1 = cvF1
        self.cvF1Sd = cvF1Sd
    }

    enum CodingKeys: String, CodingKey {
        case family, scaler, params
        case cvF1 = "cv_f1"
        case cvF1Sd = "cv_f1_sd"
    }
}

/// Binary classification metrics on a held-out set, the at-risk class being positive.
public struct ClassificationMetrics: Codable, Sendable, Equatable {
    public var f1: Double
    public var precision: Double
    public var recall: Double
    public var rocAuc: Double
    public var brier: Double
    public var truePositives: Int
    public var falsePositives: Int
    public var trueNegatives: Int
    public var falseNegatives: Int
    public var calibration: [CalibrationBin]

    public init(f1: Double, precision: Double, recall: Double, rocAuc: Double, brier: Double, truePositives: Int,
                falsePositives: Int, trueNegatives: Int, falseNegatives: Int, calibration: [CalibrationBin]) {
        self.f1 = f1
        self.precision = precision
        self.recall = recall
        self.rocAuc = rocAuc
        self.brier = brier
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
        self.calibration = calibration
    }

    enum CodingKeys: String, CodingKey {
        case f1, precision, recall, brier, calibration
        case rocAuc = "roc_auc"
        case truePositives = "true_positives"
        case falsePositives = "false_positives"
        case trueNegatives = "true_negatives"
        case falseNegatives = "false_negatives"
    }
}

/// Predicted probabilities in [lower, upper) against the observed at-risk rate.
public struct CalibrationBin: Codable, Sendable, Equatable {
    public var lower: Double
    public var upper: Double
    public var count: Int
    public var meanPredicted: Double
    public var observedRate: Double

    public init(lower: Double, upper: Double, count: Int, meanPredicted: Double, observedRate: Double) {
        self.lower = lower
        self.upper = upper
        self.count = count
        self.meanPredicted = meanPredicted
        self.observedRate = observedRate
    }

    enum CodingKeys: String, CodingKey {
        case lower, upper, count
        case meanPredicted = "mean_predicted"
        case observedRate = "observed_rate"
    }
}
