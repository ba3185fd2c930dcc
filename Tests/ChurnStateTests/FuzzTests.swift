import Testing
@testable import ChurnState
import ChurnModel

/// Random and damaged messages never crash the parser; a refusal always carries a reason and
/// leaves the engine untouched; whatever is accepted is a valid event that re-encodes stably.
@Suite struct FuzzTests {
    /// What a message did to the engine, checked against the parser's verdict.
    struct Tally {
        var accepted = 0
        var refused: [EventError.Reason: Int] = [:]
    }

    /// Feeds one message to `engine` and checks the invariants.
    static func check(_ bytes: [UInt8], _ engine: inout StateEngine, _ tally: inout Tally) {
        let clients = engine.clients, stats = engine.stats, clock = engine.clockMillis
        if let error = Fixture.process(&engine, bytes) {
            tally.refused[error.reason, default: 0] += 1
            #expect(!error.message.isEmpty)
            #expect(error.description.hasPrefix(error.reason.rawValue))
            #expect(engine.clients == clients && engine.stats == stats && engine.clockMillis == clock,
                    "a refused message changed the engine: \(error)")
            return
        }
        tally.accepted += 1
        #expect(engine.stats.applied + engine.stats.late == stats.applied + stats.late + 1)
        guard let e = try? EventParser().parse(bytes) else { Issue.record("accepted once, refused again"); return }
        #expect(Fixture.isValid(e), "\(e)")
        let json = EventEncoder.json(e)
        let again = try? Fixture.parse(json)
        #expect(again == e, "«\(json)»")
        #expect(again.map(EventEncoder.json) == json)
    }

    /// Thousands of random byte strings, and random sequences of JSON tokens and known names.
    @Test func randomMessages() throws {
        var rng = SplitMix64(seed: 0xF022)
        var engine = StateEngine()
        var tally = Tally()
        for _ in 0..<3000 { Self.check(Mutation.randomBytes(rng.below(64), &rng), &engine, &tally) }
        let tokens = ["{", "}", "[", "]", ":", ",", " ", "\"", "\\", "\\u00", "0", "7", "-", ".", "e", "1e999", "true", "null",
                      "\"schema\"", "\"client-event/v1\"", "\"type\"", "\"visit\"", "\"purchase\"", "\"snapshot\"", "\"client_id\"",
                      "\"ts\"", "\"2026-03-01T00:00:00Z\"", "\"minutes\"", "\"pages\"", "\"categories_viewed\"", "\"items\"",
                      "\"category\"", "\"Кухонная посуда\"", "\u{FF}"]
        for _ in 0..<3000 {
            let text = (0..<(1 + rng.below(30))).map { _ in tokens[rng.below(tokens.count)] }.joined()
            Self.check(Array(text.utf8), &engine, &tally)
        }
        #expect(tally.refused.values.reduce(0, +) + tally.accepted == 6000)
        #expect(tally.refused[.badJSON] ?? 0 > 1000)
    }

    /// Every example damaged a thousand ways: flips, overwrites, insertions, deletions,
    /// truncations, duplicated slices, swaps.
    @Test(arguments: Fixture.exampleNames)
    func damagedExamples(name: String) throws {
        let original = Array(try Fixture.example(name).utf8)
        var rng = SplitMix64(seed: UInt64(original.count) &* 0x9E37)
        let seeded = try Fixture.exampleEvents().reduce(into: StateEngine()) { engine, e in _ = engine.apply(e) }
        var engine = seeded
        var tally = Tally()
        for _ in 0..<1000 {
            Self.check(Mutation.damage(original, &rng), &engine, &tally)
            if engine.clientCount > 40 { engine = seeded }
        }
        // Both paths were exercised: some damage still parses (a changed digit), most is refused.
        #expect(tally.accepted > 0)
        #expect(tally.refused.values.reduce(0, +) > 500)
        #expect(tally.refused.count >= 3, "\(tally.refused)")
    }
}
