/// The alert rule: a client is in the segment marketing acts on when its profit and its
/// probability of buying less are both at or above their thresholds. Leaving needs a margin
/// below either threshold, so a client whose probability wobbles around the line yields one
/// alert, not a stream.
public struct AlertPolicy: Sendable, Equatable {
    /// Enter at probability ≥ this (default: the model artifact's out-of-fold cut).
    public var probabilityThreshold: Double
    /// Enter at profit ≥ this (default: the artifact's mean profit).
    public var profitThreshold: Double
    /// Leave only when the probability falls below `probabilityThreshold − probabilityMargin`.
    public var probabilityMargin: Double
    /// … or the profit below `profitThreshold − profitMargin`.
    public var profitMargin: Double

    public static let defaultProbabilityMargin = 0.05
    public static let defaultProfitMargin = 0.1

    public init(probabilityThreshold: Double, profitThreshold: Double,
                probabilityMargin: Double = AlertPolicy.defaultProbabilityMargin,
                profitMargin: Double = AlertPolicy.defaultProfitMargin) {
        self.probabilityThreshold = probabilityThreshold
        self.profitThreshold = profitThreshold
        self.probabilityMargin = probabilityMargin
        self.profitMargin = profitMargin
    }

    /// What a score does to a client's membership.
    public enum Transition: Sendable, Equatable {
        case stay
        case enter
        /// Left because the probability fell below the lower line.
        case leaveProbability
        /// Left because the profit fell below the lower line.
        case leaveProfit
    }

    /// The transition for a client scored at `probability` with `profit`, given whether it was
    /// in the segment before.
    @inlinable
    public func transition(wasIn: Bool, probability: Double, profit: Double) -> Transition {
        if wasIn {
            if profit < profitThreshold - profitMargin { return .leaveProfit }
            if probability < probabilityThreshold - probabilityMargin { return .leaveProbability }
            return .stay
        }
        return probability >= probabilityThreshold && profit >= profitThreshold ? .enter : .stay
    }
}
