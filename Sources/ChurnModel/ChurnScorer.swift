/// The SVC's verdict on one client.
public struct Score: Sendable, Equatable {
    /// The SVC's decision function; positive means at risk.
    public var decisionValue: Double
    /// Platt probability that the client's activity drops («Снизилась»).
    public var probability: Double

    public init(decisionValue: Double, probability: Double) {
        self.decisionValue = decisionValue
        self.probability = probability
    }
}

/// Scores raw feature vectors: encode, then SVC. Allocation-free per call.
public struct ChurnScorer: Sendable, Equatable {
    public let encoder: FeatureEncoder
    public let svc: SVCModel

    public init(encoder: FeatureEncoder, svc: SVCModel) {
        self.encoder = encoder
        self.svc = svc
    }

    /// Number of raw inputs expected by ``score(_:)``.
    public var featureCount: Int { encoder.spec.count }

    /// Scores one raw feature vector (``FeatureSpec`` order).
    @inlinable
    public func score(_ raw: UnsafeBufferPointer<Double>) -> Score {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: encoder.width) { x in
            encoder.encode(raw, into: x)
            let d = svc.libsvmDecisionValue(UnsafeBufferPointer(x))
            return Score(decisionValue: svc.atRiskIndex == 0 ? d : -d,
                         probability: svc.probability(libsvmDecision: d))
        }
    }

    /// Scores one raw feature vector given as an array.
    public func score(_ raw: [Double]) -> Score {
        raw.withUnsafeBufferPointer { score($0) }
    }

    /// Probability only; the explainer calls this thousands of times per client.
    @inlinable
    public func probability(_ raw: UnsafeBufferPointer<Double>) -> Double {
        score(raw).probability
    }
}
