/// Activity of one client on one day, per kind. Records of a kind are kept sorted by day and
/// merged per day, so a client costs a few records per active day and nothing for idle days.
/// Per-visit quantities are 32-bit floats (7 significant digits) to keep a client near 1 KB;
/// money stays a Double. In memory they are packed (``DayRecord``); these structs are the API.
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
}

/// Marketing contacts, unpaid cart items and service errors of a day.
public struct CounterDay: Sendable, Equatable {
    public var day: Int32
    public var contacts: UInt16
    public var errors: UInt16
    public var unpaidItems: Float
}

/// What ``RecordBlock`` needs of a record type: its sort key, and a packed byte layout.
///
/// In the block records are packed without padding (a visit in 18 bytes instead of 20, a
/// purchase in 21 instead of 24): a client holds dozens of them, and the bytes are most of its
/// memory. Fields are read and written unaligned, which costs nothing on x86-64 and ARM64.
protocol DayRecord: Sendable, Equatable {
    var day: Int32 { get }
    /// Sort order within the kind: the day, then whatever tells records of one day apart.
    var key: Int64 { get }
    static var section: Section { get }
    /// Bytes of the packed layout.
    static var packedSize: Int { get }
    init(packed bytes: UnsafeRawBufferPointer, at offset: Int)
    func pack(into bytes: UnsafeMutableRawBufferPointer, at offset: Int)
}

extension VisitDay: DayRecord {
    var key: Int64 { Int64(day) }
    static var section: Section { .visit }

    // day 0..<4, visits 4..<6, minutes 6..<10, pages 10..<14, categories 14..<18.
    static var packedSize: Int { 18 }

    init(packed b: UnsafeRawBufferPointer, at o: Int) {
        self.init(day: b.loadUnaligned(fromByteOffset: o, as: Int32.self),
                  visits: b.loadUnaligned(fromByteOffset: o + 4, as: UInt16.self),
                  minutes: b.loadUnaligned(fromByteOffset: o + 6, as: Float.self),
                  pages: b.loadUnaligned(fromByteOffset: o + 10, as: Float.self),
                  categoriesViewed: b.loadUnaligned(fromByteOffset: o + 14, as: Float.self))
    }

    func pack(into b: UnsafeMutableRawBufferPointer, at o: Int) {
        b.storeBytes(of: day, toByteOffset: o, as: Int32.self)
        b.storeBytes(of: visits, toByteOffset: o + 4, as: UInt16.self)
        b.storeBytes(of: minutes, toByteOffset: o + 6, as: Float.self)
        b.storeBytes(of: pages, toByteOffset: o + 10, as: Float.self)
        b.storeBytes(of: categoriesViewed, toByteOffset: o + 14, as: Float.self)
    }
}

extension PurchaseDay: DayRecord {
    var key: Int64 { Int64(day) << 8 | Int64(category) }
    static var section: Section { .purchase }

    // day 0..<4, category 4, revenue 5..<13, items 13..<17, promo items 17..<21.
    static var packedSize: Int { 21 }

    init(packed b: UnsafeRawBufferPointer, at o: Int) {
        self.init(day: b.loadUnaligned(fromByteOffset: o, as: Int32.self),
                  category: b.loadUnaligned(fromByteOffset: o + 4, as: UInt8.self),
                  revenue: b.loadUnaligned(fromByteOffset: o + 5, as: Double.self),
                  items: b.loadUnaligned(fromByteOffset: o + 13, as: Float.self),
                  promoItems: b.loadUnaligned(fromByteOffset: o + 17, as: Float.self))
    }

    func pack(into b: UnsafeMutableRawBufferPointer, at o: Int) {
        b.storeBytes(of: day, toByteOffset: o, as: Int32.self)
        b.storeBytes(of: category, toByteOffset: o + 4, as: UInt8.self)
        b.storeBytes(of: revenue, toByteOffset: o + 5, as: Double.self)
        b.storeBytes(of: items, toByteOffset: o + 13, as: Float.self)
        b.storeBytes(of: promoItems, toByteOffset: o + 17, as: Float.self)
    }
}

extension CounterDay: DayRecord {
    var key: Int64 { Int64(day) }
    static var section: Section { .counter }

    // day 0..<4, contacts 4..<6, errors 6..<8, unpaid items 8..<12 (no padding to drop).
    static var packedSize: Int { 12 }

    init(packed b: UnsafeRawBufferPointer, at o: Int) {
        self.init(day: b.loadUnaligned(fromByteOffset: o, as: Int32.self),
                  contacts: b.loadUnaligned(fromByteOffset: o + 4, as: UInt16.self),
                  errors: b.loadUnaligned(fromByteOffset: o + 6, as: UInt16.self),
                  unpaidItems: b.loadUnaligned(fromByteOffset: o + 8, as: Float.self))
    }

    func pack(into b: UnsafeMutableRawBufferPointer, at o: Int) {
        b.storeBytes(of: day, toByteOffset: o, as: Int32.self)
        b.storeBytes(of: contacts, toByteOffset: o + 4, as: UInt16.self)
        b.storeBytes(of: errors, toByteOffset: o + 6, as: UInt16.self)
        b.storeBytes(of: unpaidItems, toByteOffset: o + 8, as: Float.self)
    }
}
