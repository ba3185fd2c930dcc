import ChurnModel

/// The compact, versioned binary encoding of one ``ClientState`` (the changelog value).
///
/// Layout of version 1: `0x01`, flags (bit 0 registered day, bit 1 seed), service type,
/// allow_messaging, then zigzag varints (first-seen day, registered day, profile time, profit
/// time), the profit as 8 little-endian bytes, the seed (day, 17 doubles), and the three record
/// lists, each a varint count followed by records with delta-coded days (per-visit quantities
/// and item counts as 4-byte floats, revenue as an 8-byte double).
public enum StateCodec {
    public static let currentVersion: UInt8 = 1

    public struct DecodeError: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { "state decode: \(message)" }
    }

    public static func encode(_ s: ClientState) -> [UInt8] {
        var w = Writer()
        let block = s.block
        w.bytes.reserveCapacity(64 + 26 * (block.count(.visit) + block.count(.purchase)) + 12 * block.count(.counter))
        w.byte(currentVersion)
        w.byte((s.registeredDay != nil ? 1 : 0) | (s.seed != nil ? 2 : 0))
        w.byte(s.serviceType)
        w.byte(s.allowMessaging)
        w.signed(Int64(s.firstSeenDay))
        if let r = s.registeredDay { w.signed(Int64(r)) }
        w.signed(s.profileTime)
        w.signed(s.profitTime)
        w.double(s.profit)
        if let seed = s.seed {
            w.signed(Int64(seed.day))
            w.unsigned(UInt64(seed.row.count))
            for v in seed.row { w.double(v) }
        }
        // The records are read in place from the state's block (no copies).
        var previous: Int64 = Int64(s.firstSeenDay)
        block.withRecords(VisitDay.self) { visits in
            w.unsigned(UInt64(visits.count))
            for v in visits {
                w.signed(Int64(v.day) - previous)
                previous = Int64(v.day)
                w.unsigned(UInt64(v.visits))
                w.float(v.minutes)
                w.float(v.pages)
                w.float(v.categoriesViewed)
            }
        }
        previous = Int64(s.firstSeenDay)
        block.withRecords(PurchaseDay.self) { purchases in
            w.unsigned(UInt64(purchases.count))
            for p in purchases {
                w.signed(Int64(p.day) - previous)
                previous = Int64(p.day)
                w.byte(p.category)
                w.double(p.revenue)
                w.float(p.items)
                w.float(p.promoItems)
            }
        }
        previous = Int64(s.firstSeenDay)
        block.withRecords(CounterDay.self) { counters in
            w.unsigned(UInt64(counters.count))
            for c in counters {
                w.signed(Int64(c.day) - previous)
                previous = Int64(c.day)
                w.unsigned(UInt64(c.contacts))
                w.unsigned(UInt64(c.errors))
                w.float(c.unpaidItems)
            }
        }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> ClientState {
        var r = Reader(bytes: bytes)
        let version = try r.byte()
        switch version {
        case 1: return try decodeV1(&r)
        default: throw DecodeError(message: "version \(version) is newer than this build reads (\(currentVersion))")
        }
    }

    private static func decodeV1(_ r: inout Reader) throws(DecodeError) -> ClientState {
        let flags = try r.byte()
        let service = try r.byte()
        let allow = try r.byte()
        guard service <= 1, allow <= 1 else { throw DecodeError(message: "service type \(service), allow_messaging \(allow)") }
        var s = ClientState(firstSeenDay: try r.int32())
        s.serviceType = service
        s.allowMessaging = allow
        if flags & 1 != 0 { s.registeredDay = try r.int32() }
        s.profileTime = try r.signed()
        s.profitTime = try r.signed()
        s.profit = try r.double()
        if flags & 2 != 0 {
            let day = try r.int32()
            // The features read every column of the row and ageing turns its tenure into a day:
            // a short row or an impossible value would trap there, so it is refused here.
            let n = try r.count(max: 64)
            guard n == FeatureSpec.standard.count else { throw DecodeError(message: "snapshot row of \(n) values") }
            var row: [Double] = []
            for _ in 0..<n { row.append(try r.double()) }
            guard row.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1e12 }), row[FeatureSpec.Index.tenureDays] <= 100_000 else {
                throw DecodeError(message: "snapshot row out of range")
            }
            s.seed = SnapshotSeed(day: day, row: row)
        }
        // Collected first, then packed into the state's block in one allocation.
        var visits: [VisitDay] = [], purchases: [PurchaseDay] = [], counters: [CounterDay] = []
        var previous = Int64(s.firstSeenDay)
        for _ in 0..<(try r.count(max: 100_000)) {
            let day = try r.day(after: &previous)
            visits.append(VisitDay(day: day, visits: UInt16(truncatingIfNeeded: try r.unsigned()),
                                   minutes: try r.float(), pages: try r.float(), categoriesViewed: try r.float()))
        }
        previous = Int64(s.firstSeenDay)
        for _ in 0..<(try r.count(max: 100_000)) {
            let day = try r.day(after: &previous)
            let category = try r.byte()
            guard category < FeatureSpec.shopCategories.count else { throw DecodeError(message: "category \(category)") }
            purchases.append(PurchaseDay(day: day, category: category, revenue: try r.double(),
                                         items: try r.float(), promoItems: try r.float()))
        }
        previous = Int64(s.firstSeenDay)
        for _ in 0..<(try r.count(max: 100_000)) {
            let day = try r.day(after: &previous)
            counters.append(CounterDay(day: day, contacts: UInt16(truncatingIfNeeded: try r.unsigned()),
                                       errors: UInt16(truncatingIfNeeded: try r.unsigned()), unpaidItems: try r.float()))
        }
        guard r.atEnd else { throw DecodeError(message: "\(r.remaining) unexpected bytes at the end") }
        s.replaceRecords(purchases: purchases, visits: visits, counters: counters)
        return s
    }

    /// Little-endian and LEB128 varint output (zigzag for signed), shared with the worker's changelog envelope.
    package struct Writer {
        package var bytes: [UInt8] = []
        package init() {}
        package mutating func byte(_ b: UInt8) { bytes.append(b) }
        package mutating func unsigned(_ v: UInt64) {
            var v = v
            while v >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            bytes.append(UInt8(v))
        }
        package mutating func signed(_ v: Int64) { unsigned(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
        mutating func double(_ d: Double) {
            let b = d.bitPattern
            for k in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: b >> (8 * UInt64(k)))) }
        }
        mutating func float(_ f: Float) {
            let b = f.bitPattern
            for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: b >> (8 * UInt32(k)))) }
        }
    }

    /// The matching input, refusing truncation and overlong varints.
    package struct Reader {
        let bytes: [UInt8]
        package var i = 0
        var atEnd: Bool { i == bytes.count }
        var remaining: Int { bytes.count - i }

        package init(bytes: [UInt8]) { self.bytes = bytes }

        package mutating func byte() throws(DecodeError) -> UInt8 {
            guard i < bytes.count else { throw DecodeError(message: "truncated at byte \(i)") }
            defer { i += 1 }
            return bytes[i]
        }
        package mutating func unsigned() throws(DecodeError) -> UInt64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw DecodeError(message: "varint too long at byte \(i)") }
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
            }
        }
        package mutating func signed() throws(DecodeError) -> Int64 {
            let u = try unsigned()
            return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
        }
        /// Days a state can hold: events carry years 0000–9999 (about ±3 million days); a margin
        /// far inside Int32 keeps every day difference the features take from overflowing.
        static let days: ClosedRange<Int64> = -(1 << 24)...(1 << 24)

        mutating func int32() throws(DecodeError) -> Int32 {
            let v = try signed()
            guard Self.days.contains(v) else { throw DecodeError(message: "day \(v) out of range") }
            return Int32(v)
        }
        mutating func day(after previous: inout Int64) throws(DecodeError) -> Int32 {
            let v = previous &+ (try signed())
            guard Self.days.contains(v) else { throw DecodeError(message: "day \(v) out of range") }
            previous = v
            return Int32(v)
        }
        mutating func count(max: Int) throws(DecodeError) -> Int {
            let n = try unsigned()
            guard n <= UInt64(max) else { throw DecodeError(message: "count \(n) above \(max)") }
            return Int(n)
        }
        mutating func float() throws(DecodeError) -> Float {
            guard i + 4 <= bytes.count else { throw DecodeError(message: "truncated at byte \(i)") }
            var b: UInt32 = 0
            for k in 0..<4 { b |= UInt32(bytes[i + k]) << (8 * UInt32(k)) }
            i += 4
            return Float(bitPattern: b)
        }
        mutating func double() throws(DecodeError) -> Double {
            guard i + 8 <= bytes.count else { throw DecodeError(message: "truncated at byte \(i)") }
            var b: UInt64 = 0
            for k in 0..<8 { b |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
            i += 8
            return Double(bitPattern: b)
        }
    }
}
