/// A Prometheus-style cumulative histogram of durations, in seconds, with fixed buckets.
public struct LatencyHistogram: Sendable, Equatable {
    /// Upper bounds in seconds: 1 µs to 1 s.
    public static let bounds: [Double] = [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4,
                                          1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 1]
    /// Count per bucket (not cumulative); the last is +Inf.
    public private(set) var counts = [UInt64](repeating: 0, count: LatencyHistogram.bounds.count + 1)
    public private(set) var sum = 0.0
    public private(set) var count: UInt64 = 0

    public init() {}

    public mutating func record(nanos: UInt64) {
        let seconds = Double(nanos) * 1e-9
        var i = 0
        while i < Self.bounds.count && seconds > Self.bounds[i] { i += 1 }
        counts[i] += 1
        sum += seconds
        count += 1
    }

    /// The value below which a share `q` of the observations fall (upper bound of its bucket).
    public func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = UInt64((q * Double(count)).rounded(.up))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() {
            seen += c
            if seen >= rank { return i < Self.bounds.count ? Self.bounds[i] : .infinity }
        }
        return .infinity
    }
}
