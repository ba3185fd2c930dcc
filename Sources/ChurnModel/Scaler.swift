/// How the numeric inputs are rescaled before the kernel sees them.
public enum ScalerKind: String, Codable, Sendable, CaseIterable {
    /// `(x - mean) / sd`, with the population standard deviation (scikit-learn's StandardScaler).
    case standard
    /// `(x - min) / (max - min)` (scikit-learn's MinMaxScaler).
    case minmax
}

/// Per-column affine rescaling: `encoded = (x - offset) / scale`.
///
/// A constant column gets `scale = 1`, as scikit-learn does, so it encodes to 0 instead of NaN.
public struct Scaler: Codable, Sendable, Equatable {
    public var kind: ScalerKind
    public var offset: [Double]
    public var scale: [Double]

    public init(kind: ScalerKind, offset: [Double], scale: [Double]) {
        self.kind = kind
        self.offset = offset
        self.scale = scale
    }

    /// Fits the scaler on `columns` (column-major: one array per numeric input).
    public static func fit(_ kind: ScalerKind, columns: [[Double]]) -> Scaler {
        var offset: [Double] = []
        var scale: [Double] = []
        for column in columns {
            let n = Double(max(column.count, 1))
            switch kind {
            case .standard:
                let mean = column.reduce(0, +) / n
                let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
                let sd = variance.squareRoot()
                offset.append(mean)
                scale.append(sd > 0 ? sd : 1)
            case .minmax:
                let lo = column.min() ?? 0
                let hi = column.max() ?? 0
                offset.append(lo)
                scale.append(hi > lo ? hi - lo : 1)
            }
        }
        return Scaler(kind: kind, offset: offset, scale: scale)
    }
}
