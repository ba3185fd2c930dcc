import ChurnModel

/// A snapshot row as activity spread evenly over the days it describes, ageing analytically.
///
/// Each table value covers a block of days before the snapshot's day A (ages relative to A):
/// revenue_current and minutes_current [0, 30), the previous months [30, 60) and [60, 90),
/// market_activity_current [0, 30) and the rest of 6 × market_activity_6m over [30, 180),
/// unpaid items and service errors [0, 90), per-visit averages over their windows and the promo
/// share over [0, 180). A window at clock age k takes the share of each block it still overlaps.
/// At k = 0 every feature is the row's value exactly (no rounding: full overlaps return the total).
public struct SnapshotSeed: Sendable, Equatable {
    public var day: Int32
    public var row: [Double]

    public init(day: Int32, row: [Double]) {
        self.day = day
        self.row = row
    }

    /// Part of `total` spread uniformly over ages [a0, a1) of the seed that lies in clock ages
    /// [w0, w1), `k` days after the seed's day.
    @inlinable
    static func share(_ total: Double, block a0: Int, _ a1: Int, window w0: Int, _ w1: Int, elapsed k: Int) -> Double {
        let lo = Swift.max(a0, w0 - k), hi = Swift.min(a1, w1 - k)
        guard hi > lo else { return 0 }
        let length = a1 - a0
        return hi - lo == length ? total : total * Double(hi - lo) / Double(length)
    }

    /// Fraction of the block [a0, a1) still in clock window [w0, w1).
    @inlinable
    static func fraction(block a0: Int, _ a1: Int, window w0: Int, _ w1: Int, elapsed k: Int) -> Double {
        share(1, block: a0, a1, window: w0, w1, elapsed: k)
    }
}
