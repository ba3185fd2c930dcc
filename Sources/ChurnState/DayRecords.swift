/// Activity of one client on one day, per kind. Records of a kind are kept sorted by day and
/// merged per day, so a client costs a few records per active day and nothing for idle days.
/// Per-visit quantities are 32-bit floats (7 significant digits) to keep a client near 1 KB;
/// money stays a Double.
public struct VisitDay: Sendable, Equatable {
    public var day: Int32
    public var visits: UInt16
    public var minutes: Float
    public var pages: Float
    public var categoriesViewed: Float
}

/// Purchases of one day in one category (a day with several categories has several records).
public struct PurchaseDay: Sendable, Equatable {
    public var day: Int32
    public var category: UInt8
    public var revenue: Double
    public var items: Float
    public var promoItems: Float

    var key: Int64 { Int64(day) << 8 | Int64(category) }
}

/// Marketing contacts, unpaid cart items and service errors of a day.
public struct CounterDay: Sendable, Equatable {
    public var day: Int32
    public var contacts: UInt16
    public var errors: UInt16
    public var unpaidItems: Float
}

extension Array {
    /// Index of the record with `key` (records sorted by key), creating it when absent.
    @inlinable
    mutating func recordIndex(key day: Int64, keyOf dayOf: (Element) -> Int64, make: () -> Element) -> Int {
        // Events arrive mostly in time order: the last record is the usual hit.
        if let last = self.last {
            let d = dayOf(last)
            if d == day { return count - 1 }
            if d < day { grow(); append(make()); return count - 1 }
        } else {
            reserveCapacity(2)
            append(make())
            return 0
        }
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if dayOf(self[mid]) < day { lo = mid + 1 } else { hi = mid }
        }
        if lo < count, dayOf(self[lo]) == day { return lo }
        grow()
        insert(make(), at: lo)
        return lo
    }

    /// Grows by a quarter instead of doubling: states are many and small, slack is memory.
    @inlinable
    mutating func grow() {
        if count == capacity { reserveCapacity(count + Swift.max(2, count / 4)) }
    }
}
