import ChurnModel

/// Rows of raw features with labels, and their encodings under a scaler fitted on a subset.
public struct Dataset: Sendable {
    public let spec: FeatureSpec
    public let raw: [[Double]]
    public let labels: [Bool]

    public init(spec: FeatureSpec, raw: [[Double]], labels: [Bool]) {
        self.spec = spec
        self.raw = raw
        self.labels = labels
    }

    public init(_ clients: [ClientRecord], spec: FeatureSpec = .standard) {
        self.init(spec: spec, raw: clients.map(\.features), labels: clients.map(\.atRisk))
    }

    public func subset(_ rows: [Int]) -> Dataset {
        Dataset(spec: spec, raw: rows.map { raw[$0] }, labels: rows.map { labels[$0] })
    }

    /// An encoder whose scaler is fitted on these rows.
    public func fitEncoder(_ kind: ScalerKind) -> FeatureEncoder {
        FeatureEncoder(spec: spec, scaler: Scaler.fit(kind, columns: FeatureEncoder.numericColumns(of: raw, spec: spec)))
    }

    public func encoded(with encoder: FeatureEncoder) -> [[Double]] { raw.map { encoder.encode($0) } }
}
