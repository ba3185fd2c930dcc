import Testing
@testable import ChurnState
import ChurnModel

/// The changelog encoding of one client's state: round trips, the documented version-1 layout
/// written by hand, other versions, and truncated or corrupt bytes refused without a crash.
@Suite struct CodecTests {
    /// Version 1 written by hand from StateCodec's documentation (not with its writer).
    struct V1 {
        var bytes: [UInt8] = [1]
        mutating func byte(_ b: UInt8) { bytes.append(b) }
        /// LEB128: 7 bits a byte, low first, the high bit set on all but the last.
        mutating func varint(_ v: UInt64) {
            var v = v
            repeat {
                bytes.append(UInt8(v & 0x7F) | (v > 0x7F ? 0x80 : 0))
                v /= 128
            } while v > 0
        }
        /// Zigzag: 0, −1, 1, −2, … as 0, 1, 2, 3, …
        mutating func zigzag(_ v: Int64) { varint(v >= 0 ? UInt64(v) * 2 : UInt64(-(v + 1)) * 2 + 1) }
        mutating func f64(_ d: Double) { for k in 0..<8 { bytes.append(UInt8((d.bitPattern >> (8 * UInt64(k))) & 0xFF)) } }
        mutating func f32(_ f: Float) { for k in 0..<4 { bytes.append(UInt8((f.bitPattern >> (8 * UInt32(k))) & 0xFF)) } }
    }

    static func decodes(_ bytes: [UInt8]) -> ClientState? { try? StateCodec.decode(bytes) }

    /// Round trip: equal state, equal features at several clocks, equal encoding again.
    static func roundTrip(_ s: ClientState, clocks: [Int32], sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = StateCodec.encode(s)
        guard let back = decodes(bytes) else { Issue.record("did not decode", sourceLocation: sourceLocation); return }
        #expect(back == s, sourceLocation: sourceLocation)
        for c in clocks { #expect(back.features(clockDay: c) == s.features(clockDay: c), sourceLocation: sourceLocation) }
        #expect(StateCodec.encode(back) == bytes, sourceLocation: sourceLocation)
    }

    /// A state of every kind of content.
    static func assorted() throws -> [ClientState] {
        let d = Fixture.day0
        var states = [ClientState(firstSeenDay: d), ClientState(firstSeenDay: -1), ClientState(firstSeenDay: -719_528),
                      ClientState(firstSeenDay: 2_932_896)]
        var seeded = ClientState(firstSeenDay: d)
        seeded.apply(try Fixture.parse(try Fixture.example("snapshot")))
        states.append(seeded)
        var full = seeded
        for e in try Fixture.exampleEvents() where e.typeName != "snapshot" {
            full.apply(ClientEvent(clientId: 1, timeMillis: e.timeMillis + 86_400_000, payload: e.payload))
        }
        full.apply(Fixture.event(1, d + 3, .purchase(revenue: 0.1, items: 0.5, promoItems: 0.25, category: 0)))
        full.apply(Fixture.event(1, d + 3, .profit(-1e12)))
        states.append(full)
        var profile = ClientState(firstSeenDay: d)
        profile.apply(Fixture.event(1, d, .profile(serviceType: 0, allowMessaging: 1, registeredDay: -4000)))
        profile.apply(Fixture.event(1, d - 30, .visit(minutes: 1440, pages: 100_000, categoriesViewed: 0.1)))  // before first seen
        states.append(profile)
        // A seed of 0000-01-01 leaves, on expiry, a registration day before year 0000.
        var ancient = ClientState(firstSeenDay: -719_528)
        ancient.apply(Fixture.snapshot(1, -719_528, row: Fixture.exampleRow))
        ancient.prune(clockDay: -719_528 + 200)
        #expect(ancient.registeredDay == Int32(-719_528 - 819))
        states.append(ancient)
        return states
    }

    @Test func assortedStatesRoundTrip() throws {
        for s in try Self.assorted() {
            let day = s.seed?.day ?? s.firstSeenDay
            Self.roundTrip(s, clocks: [day, day + 15, day + 100, day + 200])
        }
    }

    /// Every state of long random streams (records of every kind, pruned, out of order).
    @Test func randomStreamStatesRoundTrip() throws {
        for seed: UInt64 in [21, 22] {
            var engine = StateEngine()
            for step in RandomStream.steps(seed: seed, clients: 10, days: 150) { engine.run(step) }
            let clock = try #require(engine.clockDay)
            var restored = StateEngine()
            for (id, s) in engine.clients {
                Self.roundTrip(s, clocks: [clock, clock + 45])
                restored.restore(id, try StateCodec.decode(StateCodec.encode(s)), clockMillis: engine.clockMillis)
            }
            #expect(restored.allFeatures == engine.allFeatures)
        }
    }

    /// The smallest state, byte by byte: version, flags, standard, yes, first seen 0, the two
    /// "never" times (Int64.min zigzags to 2⁶⁴ − 1: nine 0xFF and a 0x01), profit 0, no records.
    @Test func emptyStateBytes() throws {
        let never: [UInt8] = Array(repeating: 0xFF, count: 9) + [0x01]
        let bytes: [UInt8] = [1, 0, 1, 0, 0] + never + never + Array(repeating: 0, count: 8) + [0, 0, 0]
        let s = ClientState(firstSeenDay: 0)
        #expect(StateCodec.encode(s) == bytes)
        #expect(try StateCodec.decode(bytes) == s)
    }

    /// A full state written by hand in the documented version-1 layout decodes to what it says.
    @Test func handWrittenVersion1() throws {
        let d = Fixture.day0
        var expected = ClientState(firstSeenDay: d)
        expected.serviceType = 0
        expected.allowMessaging = 1
        expected.registeredDay = d - 500
        expected.profileTime = Fixture.millis(d, hour: 9)
        expected.profitTime = Fixture.millis(d - 2)
        expected.profit = -2.5
        expected.seed = SnapshotSeed(day: d - 3, row: Fixture.exampleRow)
        expected.visits = [VisitDay(day: d - 5, visits: 2, minutes: 7.5, pages: 12, categoriesViewed: 3),
                           VisitDay(day: d, visits: 300, minutes: 0.1, pages: 1, categoriesViewed: 1)]
        expected.purchases = [PurchaseDay(day: d, category: 1, revenue: 1543.9, items: 3, promoItems: 1),
                              PurchaseDay(day: d, category: 4, revenue: 10, items: 1, promoItems: 0),
                              PurchaseDay(day: d + 2, category: 0, revenue: 0.25, items: 2, promoItems: 2)]
        expected.counters = [CounterDay(day: d + 1, contacts: 2, errors: 1, unpaidItems: 3.5)]

        var w = V1()
        w.byte(0b11)                        // registered day and seed present
        w.byte(0); w.byte(1)
        w.zigzag(Int64(d)); w.zigzag(Int64(d - 500))
        w.zigzag(Fixture.millis(d, hour: 9)); w.zigzag(Fixture.millis(d - 2))
        w.f64(-2.5)
        w.zigzag(Int64(d - 3)); w.varint(17)
        for v in Fixture.exampleRow { w.f64(v) }
        w.varint(2)                         // visits, days relative to the previous (first: to first seen)
        w.zigzag(-5); w.varint(2); w.f32(7.5); w.f32(12); w.f32(3)
        w.zigzag(5); w.varint(300); w.f32(0.1); w.f32(1); w.f32(1)
        w.varint(3)                         // purchases
        w.zigzag(0); w.byte(1); w.f64(1543.9); w.f32(3); w.f32(1)
        w.zigzag(0); w.byte(4); w.f64(10); w.f32(1); w.f32(0)
        w.zigzag(2); w.byte(0); w.f64(0.25); w.f32(2); w.f32(2)
        w.varint(1)                         // counters
        w.zigzag(1); w.varint(2); w.varint(1); w.f32(3.5)

        #expect(try StateCodec.decode(w.bytes) == expected)
        #expect(StateCodec.encode(expected) == w.bytes)
    }

    /// Only version 1 exists; anything else is refused, not guessed at.
    @Test func otherVersionsAreRefused() throws {
        let bytes = StateCodec.encode(try #require(try Self.assorted().last))
        #expect(StateCodec.currentVersion == 1)
        for version: UInt8 in [0, 2, 0x7F, 0xFF] {
            #expect(throws: StateCodec.DecodeError.self) { try StateCodec.decode([version] + bytes.dropFirst()) }
        }
        #expect(throws: StateCodec.DecodeError.self) { try StateCodec.decode([]) }
    }

    /// Every strict prefix of an encoding is truncated, and a byte after the end is refused.
    @Test func truncatedAndTrailingBytesAreRefused() throws {
        for s in try Self.assorted() {
            let bytes = StateCodec.encode(s)
            for n in 0..<bytes.count { #expect(Self.decodes(Array(bytes.prefix(n))) == nil, "prefix \(n) of \(bytes.count)") }
            #expect(Self.decodes(bytes + [0]) == nil)
        }
    }

    /// Values no encoder writes, which would trap or mislead later readers of the state: refused.
    @Test func implausibleContentIsRefused() throws {
        let d = Fixture.day0
        func state(service: UInt8 = 1, firstSeen: Int64 = Int64(d), seedDay: Int64 = Int64(d), row: [Double] = Fixture.exampleRow,
                   count: UInt64 = 17, category: UInt8 = 2) -> [UInt8] {
            var w = V1()
            w.byte(0b10); w.byte(service); w.byte(0)
            w.zigzag(firstSeen); w.zigzag(0); w.zigzag(0); w.f64(0)
            w.zigzag(seedDay); w.varint(count)
            for v in row { w.f64(v) }
            w.varint(0)
            w.varint(1); w.zigzag(0); w.byte(category); w.f64(1); w.f32(1); w.f32(0)
            w.varint(0)
            return w.bytes
        }
        #expect(Self.decodes(state()) != nil)
        var row = Fixture.exampleRow
        row[FI.popularCategory] = .nan
        var hugeTenure = Fixture.exampleRow
        hugeTenure[FI.tenureDays] = 1e15
        var negative = Fixture.exampleRow
        negative[FI.revenueCurrent] = -1
        for (what, bytes) in [("16 values", state(row: Array(Fixture.exampleRow.prefix(16)), count: 16)),
                              ("no values", state(row: [], count: 0)),
                              ("NaN category", state(row: row)), ("tenure 1e15", state(row: hugeTenure)),
                              ("negative revenue", state(row: negative)),
                              ("first seen out of range", state(firstSeen: Int64(Int32.max))),
                              ("seed day out of range", state(seedDay: Int64(Int32.min))),
                              ("service type 7", state(service: 7)), ("category 6", state(category: 6))] {
            #expect(Self.decodes(bytes) == nil, "\(what)")
        }
    }

    /// Thousands of damaged encodings: decoding never traps; what decodes can be read, aged and
    /// written again stably.
    @Test func damagedBytesNeverCrash() throws {
        var engine = StateEngine()
        for step in RandomStream.steps(seed: 31, clients: 6, days: 60) { engine.run(step) }
        let states = try Self.assorted() + engine.ids.compactMap { engine.state(of: $0) }
        var rng = SplitMix64(seed: 0xC0DEC)
        var decoded = 0
        for i in 0..<6000 {
            let original = StateCodec.encode(states[i % states.count])
            guard let s = Self.decodes(Mutation.damage(original, &rng)) else { continue }
            decoded += 1
            let clock = ([s.firstSeenDay, s.seed?.day ?? s.firstSeenDay] + s.visits.map(\.day) + s.purchases.map(\.day)
                         + s.counters.map(\.day)).max() ?? s.firstSeenDay
            _ = s.features(clockDay: clock)
            var aged = s
            aged.prune(clockDay: clock + 200)
            _ = aged.features(clockDay: clock + 200)
            let again = StateCodec.encode(s)
            #expect(Self.decodes(again).map(StateCodec.encode) == again)
        }
        #expect(decoded > 100)
    }
}
