import Testing
@testable import ChurnWorker
import ChurnState
import ChurnModel

/// The changelog value: exact round trips, and every damaged value refused with an error —
/// never a trap, neither in decode nor when a decodable value is restored and used.
@Suite struct ChangelogRecordTests {
    /// A state with a profile, a seed and every kind of day record.
    static func richState() throws -> ClientState {
        let model = try Model.load()
        let d = Fixture.day0
        var s = ClientState(firstSeenDay: d - 20)
        let events: [ClientEvent] = [
            Fixture.snapshot(9, day: d - 10, row: model.row(0.3), profit: 4.25),
            Fixture.event(9, day: d - 3, .profile(serviceType: 0, allowMessaging: 1, registeredDay: d - 700)),
            Fixture.event(9, day: d - 2, .visit(minutes: 12.5, pages: 7, categoriesViewed: 3)),
            Fixture.event(9, day: d - 2, minute: 9, .visit(minutes: 1, pages: 1, categoriesViewed: 1)),
            Fixture.event(9, day: d - 1, .purchase(revenue: 1234.56, items: 3, promoItems: 1, category: 4)),
            Fixture.event(9, day: d, .cartUnpaid(items: 2)),
            Fixture.event(9, day: d, minute: 1, .serviceError),
            Fixture.event(9, day: d, minute: 2, .marketingContact(channel: .push)),
            Fixture.event(9, day: d, minute: 3, .profit(-17.5)),
        ]
        for e in events { s.apply(e) }
        #expect(s.seed != nil && s.registeredDay != nil && !s.visits.isEmpty && !s.purchases.isEmpty && !s.counters.isEmpty)
        return s
    }

    static func decodeError(_ bytes: [UInt8]) -> ChangelogRecord.DecodeError? {
        do { _ = try ChangelogRecord.decode(bytes); return nil } catch { return error }
    }

    @Test func roundTripsMemoryClockAndState() throws {
        let states = [ClientState(firstSeenDay: Fixture.day0), try Self.richState(), ClientState(firstSeenDay: -3)]
        let memories = [AlertMemory(), AlertMemory(inSegment: true, sequence: 1, appliedOffset: 0),
                        AlertMemory(inSegment: false, sequence: .max, appliedOffset: .max)]
        let limit = ChangelogRecord.dayLimit * 86_400_000
        let clocks: [Int64] = [0, Fixture.millis(Fixture.day0), -86_400_001, -limit, limit + 86_399_999]
        for state in states {
            for memory in memories {
                for clock in clocks {
                    let record = ChangelogRecord(memory: memory, clockMillis: clock, state: state)
                    let bytes = record.encoded()
                    #expect(bytes.first == ChangelogRecord.magicV1)
                    #expect(try ChangelogRecord.decode(bytes) == record)
                }
            }
        }
    }

    @Test func drainedRecordsDecodeToTheProcessorsClients() throws {
        let model = try Model.load()
        var feeder = Feeder(model.processor())
        feeder.send(Fixture.snapshot(7, row: model.row(1), profit: 9))
        feeder.send(Fixture.event(8, day: Fixture.day0 + 2, .visit(minutes: 4, pages: 2, categoriesViewed: 1)))
        for r in feeder.drain() {
            let record = try ChangelogRecord.decode(r.value)
            #expect(record.state == feeder.processor.engine.state(of: r.clientId))
            #expect(record.memory == feeder.processor.memory(of: r.clientId))
            #expect(record.clockMillis == feeder.processor.engine.clockMillis)
        }
    }

    @Test func refusesEveryTruncationAndTrailingBytes() throws {
        let bytes = ChangelogRecord(memory: AlertMemory(inSegment: true, sequence: 300, appliedOffset: 123_456),
                                    clockMillis: Fixture.millis(Fixture.day0), state: try Self.richState()).encoded()
        for n in 0..<bytes.count {
            #expect(Self.decodeError(Array(bytes[..<n])) != nil, "prefix of \(n) bytes")
        }
        #expect(Self.decodeError(bytes + [0]) != nil)
    }

    @Test func refusesUnknownFormatFlagsAndOversizedFields() throws {
        let bytes = ChangelogRecord(memory: AlertMemory(), clockMillis: 5, state: ClientState(firstSeenDay: 1)).encoded()
        for magic: UInt8 in [0x00, 0x01, 0xC0, 0xC2, 0xFF] {
            var b = bytes
            b[0] = magic
            #expect(Self.decodeError(b)?.message.contains("unknown format") == true)
        }
        for flags: UInt8 in [2, 3, 0x80, 0xFF] {
            var b = bytes
            b[1] = flags
            #expect(Self.decodeError(b) != nil)
        }
        // A sequence over UInt32.max, and a varint that never ends.
        #expect(Self.decodeError([0xC1, 0, 0x80, 0x80, 0x80, 0x80, 0x10, 0, 0] + bytes.dropFirst(5)) != nil)
        #expect(Self.decodeError([0xC1, 0] + [UInt8](repeating: 0xFF, count: 12)) != nil)
    }

    /// Values the layout allows but the features would trap on (the seed row is indexed by
    /// feature, its category converted to an Int, days subtracted as Int32).
    @Test func refusesStatesTheFeaturesCannotUse() throws {
        let good = try Self.richState()
        let seed = try #require(good.seed)
        var broken: [(String, ClientState, Int64)] = []
        func with(_ change: (inout ClientState) -> Void) -> ClientState { var s = good; change(&s); return s }
        broken.append(("short row", with { $0.seed = SnapshotSeed(day: seed.day, row: Array(seed.row.prefix(3))) }, 0))
        broken.append(("long row", with { $0.seed = SnapshotSeed(day: seed.day, row: seed.row + [1]) }, 0))
        broken.append(("huge category", with { $0.seed?.row[FI.popularCategory] = 1e300 }, 0))
        broken.append(("category past the list", with { $0.seed?.row[FI.popularCategory] = 6 }, 0))
        broken.append(("fractional category", with { $0.seed?.row[FI.serviceType] = 0.5 }, 0))
        broken.append(("NaN revenue", with { $0.seed?.row[FI.revenueCurrent] = .nan }, 0))
        broken.append(("endless tenure", with { $0.seed?.row[FI.tenureDays] = 1e11 }, 0))
        broken.append(("first seen at the dawn of Int32", with { $0.firstSeenDay = .min }, 0))
        broken.append(("registered far away", with { $0.registeredDay = .max }, 0))
        broken.append(("visit far away", with { $0.visits[0].day = -2_000_000_000 }, 0))
        broken.append(("clock far away", good, .max))
        broken.append(("clock before time", good, .min))
        for (what, state, clock) in broken {
            let bytes = ChangelogRecord(memory: AlertMemory(), clockMillis: clock, state: state).encoded()
            #expect(Self.decodeError(bytes) != nil, "\(what)")
        }
    }

    @Test func randomBytesNeverTrap() {
        var rng = SplitMix64(seed: 0xC1C1)
        var decoded = 0
        for i in 0..<20_000 {
            var bytes = (0..<rng.below(48)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if i % 2 == 0, bytes.count >= 3 {
                // Mostly past the header, to reach the state decoder.
                bytes[0] = ChangelogRecord.magicV1
                bytes[1] = UInt8(rng.below(2))
                bytes[2] = bytes[2] & 0x7F
            }
            if (try? ChangelogRecord.decode(bytes)) != nil { decoded += 1 }
        }
        #expect(decoded < 20_000)
    }

    /// Single-byte corruptions of a real record: each is refused, or decodes to a record the
    /// processor can restore, rescore and keep using.
    @Test func corruptedRecordsAreRefusedOrUsable() throws {
        let model = try Model.load()
        let original = ChangelogRecord(memory: AlertMemory(inSegment: false, sequence: 2, appliedOffset: 40),
                                       clockMillis: Fixture.millis(Fixture.day0), state: try Self.richState()).encoded()
        var refused = 0, restored = 0
        for i in original.indices {
            for flip: UInt8 in [0x01, 0x08, 0x40, 0xFF] {
                var bytes = original
                bytes[i] ^= flip
                guard (try? ChangelogRecord.decode(bytes)) != nil else { refused += 1; continue }
                var p = model.processor(explanationPairs: 1)
                try Fixture.key(9).withUnsafeBytes { key in
                    try bytes.withUnsafeBytes { value in try p.restore(key: key, value: value) }
                }
                var out = PartitionProcessor.Output()
                p.finishRestore(into: &out)
                var feeder = Feeder(p)
                feeder.nextOffset = 41
                feeder.send(Fixture.event(9, day: Fixture.day0 + 200, .visit(minutes: 1, pages: 1, categoriesViewed: 1)))
                for a in out.alerts + feeder.alerts { _ = a.json() }
                restored += 1
            }
        }
        #expect(refused > 0 && restored > 0)
    }
}
