import ChurnModel

/// A fitted binary classifier over encoded rows.
public protocol TrainedClassifier: Sendable {
    /// Higher means more likely at risk (for ROC-AUC).
    func score(_ x: [Double]) -> Double
    /// The classifier's own decision: at risk or not.
    func predict(_ x: [Double]) -> Bool
}

/// A model family with its hyperparameter grid, compared by cross-validated F1.
public struct ModelFamily: Sendable {
    public let name: String
    public let grid: [[String: Double]]
    public let fit: @Sendable (_ x: [[Double]], _ y: [Bool], _ params: [String: Double]) -> any TrainedClassifier

    public init(name: String, grid: [[String: Double]],
                fit: @escaping @Sendable (_ x: [[Double]], _ y: [Bool], _ params: [String: Double]) -> any TrainedClassifier) {
        self.name = name
        self.grid = grid
        self.fit = fit
    }

    /// The four families of the study, in report order.
    public static let all: [ModelFamily] = [knn, decisionTree, logisticRegression, svc]

    public static let knn = ModelFamily(name: "knn", grid: stride(from: 1, through: 31, by: 2).map { ["k": Double($0)] }) { x, y, p in
        KNearestNeighbors(x: x, y: y, k: Int(p["k"] ?? 5))
    }

    public static let decisionTree = ModelFamily(
        name: "decision_tree",
        grid: (2...10).flatMap { d in [1, 2, 4, 8, 16].map { ["max_depth": Double(d), "min_samples_leaf": Double($0)] } }
    ) { x, y, p in
        DecisionTree(x: x, y: y, maxDepth: Int(p["max_depth"] ?? 5), minSamplesLeaf: Int(p["min_samples_leaf"] ?? 1))
    }

    public static let logisticRegression = ModelFamily(
        name: "logistic_regression", grid: [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100].map { ["C": $0] }
    ) { x, y, p in
        LogisticRegression(x: x, y: y, c: p["C"] ?? 1)
    }

    public static let svc = ModelFamily(name: "svc", grid: [0.25, 0.5, 1, 2, 4, 8, 16].map { ["C": $0] }) { x, y, p in
        SVCClassifier(x: x, y: y, c: p["C"] ?? 1)
    }
}

/// scikit-learn's `gamma="scale"`: 1 / (number of columns × variance of all encoded values).
public func scaleGamma(_ x: [[Double]]) -> Double {
    let values = x.flatMap { $0 }
    let (_, sd) = Metrics.meanSD(values)
    let d = Double(x.first?.count ?? 1)
    return sd > 0 ? 1 / (d * sd * sd) : 1
}

/// The SVC family member used during model search (no Platt fit: F1 and AUC need only the decision).
struct SVCClassifier: TrainedClassifier {
    let model: LibSVMClassifier

    init(x: [[Double]], y: [Bool], c: Double) {
        model = LibSVMClassifier(x: x, y: y, c: c, gamma: scaleGamma(x), probability: false)
    }

    func score(_ x: [Double]) -> Double { model.atRiskDecision(x) }
    func predict(_ x: [Double]) -> Bool { model.atRiskDecision(x) > 0 }
}
