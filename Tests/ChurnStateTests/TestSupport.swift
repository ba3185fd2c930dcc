import Foundation
import Testing
@testable import ChurnState
import ChurnModel

typealias FI = FeatureSpec.Index

/// Shared fixtures for the ChurnState tests: days, hand-made events, parsing helpers, the examples.
enum Fixture {
    /// 2026-03-01, the day of the schema examples.
    static let day0 = Int32(DayMath.days(year: 2026, month: 3, day: 1))

    static func millis(_ day: Int32, hour: Int = 12, minute: Int = 0) -> Int64 {
        Int64(day) * 86_400_000 + Int64(hour * 3600 + minute * 60) * 1000
    }

    static func event(_ id: Int64, _ day: Int32, hour: Int = 12, minute: Int = 0, _ payload: ClientEvent.Payload) -> ClientEvent {
        ClientEvent(clientId: id, timeMillis: millis(day, hour: hour, minute: minute), payload: payload)
    }

    static func parse(_ text: String) throws(EventError) -> ClientEvent { try EventParser().parse(Array(text.utf8)) }

    /// The refusal for a message, or nil when it parses.
    static func refusal(_ bytes: [UInt8]) -> EventError? {
        do { _ = try EventParser().parse(bytes); return nil } catch { return error }
    }
    static func refusal(_ text: String) -> EventError? { refusal(Array(text.utf8)) }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examplesDir = packageRoot.appendingPathComponent("schemas/examples")

    /// Example file names without `.json`, sorted.
    static let exampleNames: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: examplesDir.path)) ?? [])
        .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()

    /// An example's text without the trailing newline.
    static func example(_ name: String) throws -> String {
        try String(contentsOf: examplesDir.appendingPathComponent(name + ".json"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Per-feature summary like the shop's tables (the shipped model's reference stats).
    static let shopStats: [FeatureStats] = [
        FeatureStats(name: "service_type", mean: 0.709, sd: 0.454, min: 0, max: 1, categoryShares: [0.291, 0.709]),
        FeatureStats(name: "allow_messaging", mean: 0.259, sd: 0.438, min: 0, max: 1, categoryShares: [0.741, 0.259]),
        FeatureStats(name: "market_activity_6m", mean: 4.23, sd: 1.02, min: 0.9, max: 6.6, categoryShares: []),
        FeatureStats(name: "market_activity_current", mean: 4.01, sd: 0.70, min: 3, max: 5, categoryShares: []),
        FeatureStats(name: "tenure_days", mean: 604.8, sd: 250.3, min: 121, max: 1079, categoryShares: []),
        FeatureStats(name: "promo_share", mean: 0.32, sd: 0.25, min: 0.11, max: 0.99, categoryShares: []),
        FeatureStats(name: "promo_level", mean: 0.13, sd: 0.34, min: 0, max: 1, categoryShares: [0.87, 0.13]),
        FeatureStats(name: "popular_category", mean: 2.65, sd: 1.87, min: 0, max: 5,
                     categoryShares: [0.188, 0.167, 0.107, 0.143, 0.140, 0.255]),
        FeatureStats(name: "categories_per_visit", mean: 3.33, sd: 1.35, min: 1, max: 6, categoryShares: []),
        FeatureStats(name: "unpaid_items_quarter", mean: 2.80, sd: 1.98, min: 0, max: 10, categoryShares: []),
        FeatureStats(name: "service_errors", mean: 4.21, sd: 1.96, min: 0, max: 9, categoryShares: []),
        FeatureStats(name: "pages_per_visit", mean: 8.10, sd: 3.93, min: 1, max: 20, categoryShares: []),
        FeatureStats(name: "revenue_before_previous", mean: 4830, sd: 333, min: 4098, max: 5653, categoryShares: []),
        FeatureStats(name: "revenue_previous", mean: 4928, sd: 702, min: 2890, max: 6809, categoryShares: []),
        FeatureStats(name: "revenue_current", mean: 5212, sd: 829, min: 2758.7, max: 7799.4, categoryShares: []),
        FeatureStats(name: "minutes_previous", mean: 13.5, sd: 3.96, min: 5, max: 23, categoryShares: []),
        FeatureStats(name: "minutes_current", mean: 13.2, sd: 4.27, min: 4, max: 23, categoryShares: []),
    ]

    /// A random table row within the shop's ranges (2-decimal numerics, promo_level derived) and a profit.
    static func randomRow(_ rng: inout SplitMix64) -> (row: [Double], profit: Double) {
        var row = [Double](repeating: 0, count: FeatureSpec.standard.count)
        for (j, s) in shopStats.enumerated() {
            if FeatureSpec.standard.features[j].kind == .categorical {
                row[j] = Double(rng.below(s.categoryShares.count))
            } else {
                row[j] = ((s.min + (s.max - s.min) * rng.unit()) * 100).rounded() / 100
            }
        }
        row[FI.promoLevel] = FeatureSpec.standard.promoLevel(forShare: row[FI.promoShare])
        return (row, ((1 + 6 * rng.unit()) * 100).rounded() / 100)
    }

    /// Whether a parsed event satisfies every constraint of the schema.
    static func isValid(_ e: ClientEvent) -> Bool {
        func within(_ v: Double, _ lo: Double, _ hi: Double) -> Bool { v.isFinite && v >= lo && v <= hi }
        guard e.clientId >= 0, e.clientId < 9_000_000_000_000_000 else { return false }
        switch e.payload {
        case .profile(let service, let allow, _): return service <= 1 && allow <= 1
        case .visit(let m, let p, let c): return within(m, 0, 1440) && within(p, 0, 100_000) && within(c, 0, 10_000)
        case .purchase(let revenue, let items, let promo, let category):
            return within(revenue, 0, 1e12) && within(items, 0, 1e6) && within(promo, 0, items) && category < 6
        case .cartUnpaid(let items): return within(items, 0, 1e6)
        case .serviceError, .marketingContact: return true
        case .profit(let p): return within(p, -1e12, 1e12)
        case .snapshot(let s):
            let f = s.features
            guard f.count == 17, f.allSatisfy({ within($0, 0, 1e12) }), within(s.profit, -1e12, 1e12) else { return false }
            return [0, 1].contains(f[FI.serviceType]) && [0, 1].contains(f[FI.allowMessaging]) && f[FI.promoShare] <= 1
                && f[FI.promoLevel] == FeatureSpec.standard.promoLevel(forShare: f[FI.promoShare])
                && (0...5).contains(f[FI.popularCategory]) && f[FI.popularCategory] == f[FI.popularCategory].rounded()
        }
    }

    /// Parses a message and applies it only when it parses; returns the refusal, if any.
    @discardableResult
    static func process(_ engine: inout StateEngine, _ bytes: [UInt8]) -> EventError? {
        do {
            let e = try EventParser().parse(bytes)
            _ = engine.apply(e)
            return nil
        } catch {
            return error
        }
    }
}

extension StateEngine {
    /// One feature of a client at the clock (nil for an unknown client).
    func feature(_ id: Int64, _ index: Int) -> Double? { features(of: id)?[index] }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

extension Fixture {
    /// An example with one piece of its text replaced (the piece must occur in it).
    static func example(_ name: String, replacing old: String, with new: String) throws -> String {
        let text = try example(name)
        guard text.contains(old) else { throw FixtureError(description: "«\(old)» is not in the \(name) example") }
        return text.replacingOccurrences(of: old, with: new)
    }

    /// All examples, parsed.
    static func exampleEvents() throws -> [ClientEvent] { try exampleNames.map { try parse(try example($0)) } }

    /// A snapshot event of `row` (promo_level derived) and `profit` on `day` at `hour`.
    static func snapshot(_ id: Int64, _ day: Int32, hour: Int = 0, row: [Double], profit: Double = 4) -> ClientEvent {
        var features = row
        features[FI.promoLevel] = FeatureSpec.standard.promoLevel(forShare: row[FI.promoShare])
        return event(id, day, hour: hour, .snapshot(Snapshot(features: features, profit: profit)))
    }

    /// The schema example's snapshot row: m6 4.4, current 4, tenure 819, promo 0.75, «Товары для детей»,
    /// 4 categories and 5 pages per visit, 4 unpaid items, 2 errors, revenue 4472 / 5216 / 4971.6,
    /// minutes 12 / 10.
    static let exampleRow: [Double] = [0, 0, 4.4, 4, 819, 0.75, 1, 5, 4, 4, 2, 5, 4472, 5216, 4971.6, 12, 10]
}

/// One input of the engine: an event, or the clock moved to a day's start without one.
enum Step {
    case event(ClientEvent)
    case advance(Int32)
}

extension StateEngine {
    /// Feeds one step; returns the clients the engine says aged.
    @discardableResult
    mutating func run(_ step: Step) -> [Int64] {
        switch step {
        case .event(let e): apply(e).aged
        case .advance(let day): advance(toDay: day)
        }
    }

    /// Every client's features at the clock.
    var allFeatures: [Int64: [Double]] {
        Dictionary(uniqueKeysWithValues: ids.compactMap { id in features(of: id).map { (id, $0) } })
    }
}

/// Random damage to a byte string, for the fuzz tests of the parser and the state codec.
enum Mutation {
    /// One of: flip a bit, overwrite a byte, insert a byte, delete a byte, truncate, duplicate a slice, swap two bytes.
    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = bytes
        guard !b.isEmpty else { return [UInt8(truncatingIfNeeded: rng.next())] }
        let at = rng.below(b.count)
        switch rng.below(7) {
        case 0: b[at] ^= 1 << UInt8(rng.below(8))
        case 1: b[at] = UInt8(truncatingIfNeeded: rng.next())
        case 2: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.below(b.count + 1))
        case 3: b.remove(at: at)
        case 4: b = Array(b.prefix(at))
        case 5: b.insert(contentsOf: b[at..<min(b.count, at + 1 + rng.below(12))], at: rng.below(b.count + 1))
        default: b.swapAt(at, rng.below(b.count))
        }
        return b
    }

    /// One to three mutations.
    static func damage(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = bytes
        for _ in 0...rng.below(3) { b = mutate(b, &rng) }
        return b
    }

    /// `n` random bytes.
    static func randomBytes(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }
}
