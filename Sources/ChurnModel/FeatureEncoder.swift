/// Turns a raw feature vector (``FeatureSpec`` order, categories as indices) into the
/// SVC's input: scaled numerics first, then one-hot columns with each first category dropped.
public struct FeatureEncoder: Sendable, Equatable {
    public let spec: FeatureSpec
    public let scaler: Scaler
    /// Raw index of each numeric column, in encoded order.
    let numeric: [Int]
    /// (raw index, first encoded column, number of kept levels) for each categorical input.
    let categorical: [(raw: Int, column: Int, levels: Int)]

    public static func == (a: FeatureEncoder, b: FeatureEncoder) -> Bool {
        a.spec == b.spec && a.scaler == b.scaler
    }

    /// Width of the encoded vector.
    public var width: Int { spec.encodedWidth }

    public init(spec: FeatureSpec, scaler: Scaler) {
        self.spec = spec
        self.scaler = scaler
        numeric = spec.numericIndices
        var column = numeric.count
        var cats: [(Int, Int, Int)] = []
        for (i, f) in spec.features.enumerated() where f.kind == .categorical {
            let levels = max(f.categories.count - 1, 0)
            cats.append((i, column, levels))
            column += levels
        }
        categorical = cats
    }

    /// Encodes `raw` into `out`, which must hold ``width`` values.
    ///
    /// A category index outside the feature's categories encodes as the reference level.
    @inlinable
    public func encode(_ raw: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        encodeImpl(raw, into: out)
    }

    @usableFromInline
    func encodeImpl(_ raw: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        for (c, r) in numeric.enumerated() {
            out[c] = (raw[r] - scaler.offset[c]) / scaler.scale[c]
        }
        for cat in categorical {
            for l in 0..<cat.levels { out[cat.column + l] = 0 }
            let level = Int(exactly: raw[cat.raw]) ?? 0
            if level >= 1 && level <= cat.levels { out[cat.column + level - 1] = 1 }
        }
    }

    /// Encodes one raw vector into a new array.
    public func encode(_ raw: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: width)
        raw.withUnsafeBufferPointer { r in
            out.withUnsafeMutableBufferPointer { encode(r, into: $0) }
        }
        return out
    }

    /// Encodes the numeric columns only (no scaling) — the inputs a scaler is fitted on.
    public static func numericColumns(of rows: [[Double]], spec: FeatureSpec) -> [[Double]] {
        spec.numericIndices.map { i in rows.map { $0[i] } }
    }
}
