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
        var w = StateCodec.Writer()
        w.byte(Self.magicV1)
        w.byte(memory.inSegment ? 1 : 0)
        w.unsigned(UInt64(memory.sequence))
        w.signed(memory.appliedOffset)
        w.signed(clockMillis)
        return w.bytes + StateCodec.encode(state)
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> ChangelogRecord {
        guard bytes.count >= 2 else { throw DecodeError(message: "\(bytes.count) bytes, too short") }
        guard bytes[0] == magicV1 else {
            throw DecodeError(message: "unknown format byte 0x\(String(bytes[0], radix: 16)); written by a newer worker?")
        }
        guard bytes[1] <= 1 else { throw DecodeError(message: "unknown flags \(bytes[1])") }
        var r = StateCodec.Reader(bytes: Array(bytes))
        r.i = 2
        let sequence: UInt64, applied: Int64, clock: Int64
        do {
            sequence = try r.unsigned()
            applied = try r.signed()
            clock = try r.signed()
        } catch {
            throw DecodeError(message: "truncated header")
        }
        guard sequence <= UInt64(UInt32.max) else { throw DecodeError(message: "alert sequence \(sequence) out of range") }
        let state: ClientState
        do {
            state = try StateCodec.decode(Array(bytes[r.i...]))
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

    /// Why a state that decoded cannot be used, or nil. StateCodec checks the layout and the
    /// snapshot row's length and ranges; a corrupt record can still carry a clock or days the
    /// worker's arithmetic cannot take, or a category that is not an index, which the features
    /// would trap on at every restart instead of refusing the record.
    static func unusable(_ s: ClientState, clockMillis: Int64) -> String? {
        let days = -dayLimit...dayLimit
        guard days.contains(DayMath.floorDiv(clockMillis, 86_400_000)) else { return "clock \(clockMillis) ms out of range" }
        func outside(_ d: Int32) -> Bool { !days.contains(Int64(d)) }
        if outside(s.firstSeenDay) || s.registeredDay.map(outside) == true || s.seed.map({ outside($0.day) }) == true
            || s.visits.contains(where: { outside($0.day) }) || s.purchases.contains(where: { outside($0.day) })
            || s.counters.contains(where: { outside($0.day) }) {
            return "a day is out of range"
        }
        // StateCodec has checked the row's length and that every value is finite and in range;
        // what it leaves open is a category that is not an index.
        guard let row = s.seed?.row else { return nil }
        for (v, feature) in zip(row, FeatureSpec.standard.features) where feature.kind == .categorical {
            guard v == v.rounded() && v < Double(feature.categories.count) else { return "snapshot \(feature.name) \(v) out of range" }
        }
        return nil
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> ChangelogRecord {
        let result = bytes.withUnsafeBytes { b in Result { () throws(DecodeError) -> ChangelogRecord in try decode(b) } }
        return try result.get()
    }
}
