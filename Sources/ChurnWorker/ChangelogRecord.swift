import ChurnModel
import ChurnState

/// The changelog value of one client: its alert memory, the partition's stream clock when it
/// was written, and its feature state (``StateCodec``).
///
/// Layout of version 1: `0xC1` (magic and version), flags (bit 0 in segment), varint alert
/// sequence, zigzag varint applied offset, zigzag varint clock (ms), then the StateCodec bytes.
public struct ChangelogRecord: Sendable, Equatable {
    public static let magicV1: UInt8 = 0xC1

    public var memory: AlertMemory
    public var clockMillis: Int64
    public var state: ClientState

    public init(memory: AlertMemory, clockMillis: Int64, state: ClientState) {
        self.memory = memory
        self.clockMillis = clockMillis
        self.state = state
    }

    /// Why a changelog value could not be read.
    public struct DecodeError: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { "changelog record: \(message)" }
    }

    public func encoded() -> [UInt8] {
        var out: [UInt8] = [Self.magicV1, memory.inSegment ? 1 : 0]
        Varint.append(UInt64(memory.sequence), to: &out)
        Varint.append(zigzag: memory.appliedOffset, to: &out)
        Varint.append(zigzag: clockMillis, to: &out)
        out += StateCodec.encode(state)
        return out
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> ChangelogRecord {
        guard bytes.count >= 2 else { throw DecodeError(message: "\(bytes.count) bytes, too short") }
        guard bytes[0] == magicV1 else {
            throw DecodeError(message: "unknown format byte 0x\(String(bytes[0], radix: 16)); written by a newer worker?")
        }
        guard bytes[1] <= 1 else { throw DecodeError(message: "unknown flags \(bytes[1])") }
        var at = 2
        guard let sequence = Varint.read(bytes, &at), sequence <= UInt64(UInt32.max),
              let applied = Varint.readZigzag(bytes, &at),
              let clock = Varint.readZigzag(bytes, &at) else {
            throw DecodeError(message: "truncated header")
        }
        let state: ClientState
        do {
            state = try StateCodec.decode(Array(bytes[at...]))
        } catch {
            throw DecodeError(message: error.description)
        }
        if let problem = unusable(state, clockMillis: clock) { throw DecodeError(message: problem) }
        return ChangelogRecord(memory: AlertMemory(inSegment: bytes[1] == 1, sequence: UInt32(sequence), appliedOffset: applied),
                               clockMillis: clock, state: state)
    }

    /// Days a record may mention: beyond any time an event can carry (years 0–9999), and near
    /// enough to each other that no day difference the features take overflows an Int32.
    static let dayLimit: Int64 = 4_000_000

    /// Why a state that decoded cannot be used, or nil. StateCodec checks the layout; a corrupt
    /// record can still carry values the features trap on (a snapshot row of the wrong length,
    /// a category that is not an index, days ±2³¹ apart), so the worker would crash on every
    /// restart instead of refusing the record.
    static func unusable(_ s: ClientState, clockMillis: Int64) -> String? {
        let days = -dayLimit...dayLimit
        guard days.contains(DayMath.floorDiv(clockMillis, 86_400_000)) else { return "clock \(clockMillis) ms out of range" }
        func outside(_ d: Int32) -> Bool { !days.contains(Int64(d)) }
        if outside(s.firstSeenDay) || s.registeredDay.map(outside) == true || s.seed.map({ outside($0.day) }) == true
            || s.visits.contains(where: { outside($0.day) }) || s.purchases.contains(where: { outside($0.day) })
            || s.counters.contains(where: { outside($0.day) }) {
            return "a day is out of range"
        }
        guard let row = s.seed?.row else { return nil }
        let spec = FeatureSpec.standard
        guard row.count == spec.count else { return "snapshot row has \(row.count) values, expected \(spec.count)" }
        for (i, (v, feature)) in zip(row, spec.features).enumerated() {
            let valid = feature.kind == .categorical
                ? v == v.rounded() && v >= 0 && v < Double(feature.categories.count)
                : v.isFinite && v >= 0 && v <= (i == FeatureSpec.Index.tenureDays ? Double(dayLimit) : 1e12)
            guard valid else { return "snapshot \(feature.name) \(v) out of range" }
        }
        return nil
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> ChangelogRecord {
        let result = bytes.withUnsafeBytes { b in Result { () throws(DecodeError) -> ChangelogRecord in try decode(b) } }
        return try result.get()
    }
}

/// LEB128 varints, zigzag for signed values.
enum Varint {
    static func append(_ v: UInt64, to out: inout [UInt8]) {
        var v = v
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func append(zigzag v: Int64, to out: inout [UInt8]) {
        append(UInt64(bitPattern: (v << 1) ^ (v >> 63)), to: &out)
    }

    static func read(_ b: UnsafeRawBufferPointer, _ at: inout Int) -> UInt64? {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while at < b.count, shift < 64 {
            let byte = b[at]
            at += 1
            v |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return v }
            shift += 7
        }
        return nil
    }

    static func readZigzag(_ b: UnsafeRawBufferPointer, _ at: inout Int) -> Int64? {
        guard let u = read(b, &at) else { return nil }
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }
}
