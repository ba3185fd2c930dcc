import Foundation
import ChurnModel

/// A synthetic population and its activity, deterministic for a seed.
///
/// Clients are drawn feature by feature from the training summary (mean, sd, range, category
/// shares); each then behaves like its row: visits, purchases, contacts, unpaid items and errors
/// at the rates its row implies (with ``SnapshotAssumptions``). A chosen share of clients fades:
/// their visit, page and purchase rates fall linearly to `fadeFloor` of the start over the run.
public struct Simulator: Sendable {
    public var stats: [FeatureStats]
    public var seed: UInt64
    /// Share of clients whose activity fades.
    public var fadeShare: Double
    /// Rate multiplier a fading client reaches on the last day.
    public var fadeFloor = 0.2
    public var firstClientId: Int64 = 1

    public init(stats: [FeatureStats], seed: UInt64, fadeShare: Double = 0.2) {
        self.stats = stats
        self.seed = seed
        self.fadeShare = fadeShare
    }

    /// Integral features in the shop's tables.
    static let integral: Set<Int> = [FeatureSpec.Index.marketActivityCurrent, FeatureSpec.Index.tenureDays,
                                     FeatureSpec.Index.categoriesPerVisit, FeatureSpec.Index.unpaidItemsQuarter,
                                     FeatureSpec.Index.serviceErrors, FeatureSpec.Index.pagesPerVisit,
                                     FeatureSpec.Index.minutesPrevious, FeatureSpec.Index.minutesCurrent]

    /// One snapshot event per client at `startMillis`.
    public func population(clients n: Int, startMillis: Int64) -> [ClientEvent] {
        var rng = SplitMix64(seed: seed)
        let spec = FeatureSpec.standard
        return (0..<n).map { i in
            var row = [Double](repeating: 0, count: spec.count)
            for (j, f) in spec.features.enumerated() where j != FeatureSpec.Index.promoLevel {
                let s = j < stats.count ? stats[j] : FeatureStats(name: f.name, mean: 0, sd: 0, min: 0, max: 0, categoryShares: [])
                if f.kind == .categorical {
                    row[j] = Double(Self.pick(s.categoryShares, &rng))
                } else {
                    var v = s.mean + s.sd * Self.gaussian(&rng)
                    v = Swift.min(Swift.max(v, s.min), s.max)
                    row[j] = Self.integral.contains(j) ? v.rounded() : (v * 100).rounded() / 100
                }
            }
            row[FeatureSpec.Index.promoLevel] = spec.promoLevel(forShare: row[FeatureSpec.Index.promoShare])
            let profit = Swift.max(0.5, (4 + Self.gaussian(&rng)) * 100).rounded() / 100
            return ClientEvent(clientId: firstClientId + Int64(i), timeMillis: startMillis, eventId: "snap-\(firstClientId + Int64(i))",
                               payload: .snapshot(Snapshot(features: row, profit: profit)))
        }
    }

    /// Whether client `i` (0-based) of the population fades.
    public func fades(_ i: Int) -> Bool {
        var rng = SplitMix64(seed: seed ^ 0xFADE_FADE_FADE_FADE ^ UInt64(i))
        return rng.unit() < fadeShare
    }

    /// Events of `days` days after `startMillis` for the population's snapshots, in time order.
    /// `emit` receives each day's events (so a caller can stream them).
    public func activity(of snapshots: [ClientEvent], days: Int, startMillis: Int64, emit: ([ClientEvent]) -> Void) {
        typealias I = FeatureSpec.Index
        var rng = SplitMix64(seed: seed &+ 0x5151)
        var counter: UInt64 = 0
        let startDay = DayMath.floorDiv(startMillis, 86_400_000)
        for d in 1...Swift.max(days, 1) where days > 0 {
            var today: [ClientEvent] = []
            let dayStart = (startDay + Int64(d)) * 86_400_000
            for (i, snap) in snapshots.enumerated() {
                guard case .snapshot(let s) = snap.payload else { continue }
                let row = s.features
                let fade = fades(i) ? 1 - (1 - fadeFloor) * Double(d) / Double(days) : 1
                func at() -> Int64 { dayStart + Int64(rng.below(86_400_000)) }
                func next(_ payload: ClientEvent.Payload) {
                    counter += 1
                    today.append(ClientEvent(clientId: snap.clientId, timeMillis: at(), eventId: "sim-\(seed)-\(counter)", payload: payload))
                }
                let visitRate = SnapshotAssumptions.visitsPerDay * fade
                for _ in 0..<Self.poisson(visitRate, &rng) {
                    let minutes = Swift.max(0.5, (row[I.minutesCurrent] / (30 * SnapshotAssumptions.visitsPerDay) * (0.5 + rng.unit()) * 10).rounded() / 10)
                    let pages = Swift.max(1, (row[I.pagesPerVisit] * fade * (0.5 + rng.unit())).rounded())
                    let cats = Swift.max(1, Swift.min(6, (row[I.categoriesPerVisit] * (0.5 + rng.unit())).rounded()))
                    next(.visit(minutes: minutes, pages: pages, categoriesViewed: cats))
                }
                for _ in 0..<Self.poisson(SnapshotAssumptions.itemsPerDay / 2 * fade, &rng) {
                    let items = Double(1 + rng.below(3))
                    let promo = Double((0..<Int(items)).filter { _ in rng.unit() < row[I.promoShare] }.count)
                    let perItem = row[I.revenueCurrent] / (30 * SnapshotAssumptions.itemsPerDay)
                    let category = rng.unit() < 0.6 ? UInt8(row[I.popularCategory]) : UInt8(rng.below(6))
                    next(.purchase(revenue: (items * perItem * (0.8 + 0.4 * rng.unit()) * 10).rounded() / 10, items: items,
                                   promoItems: promo, category: category))
                }
                for _ in 0..<Self.poisson(row[I.marketActivityCurrent] / 30, &rng) {
                    next(.marketingContact(channel: ClientEvent.Channel.allCases[rng.below(4)]))
                }
                for _ in 0..<Self.poisson(row[I.unpaidItemsQuarter] / 90 / 2, &rng) {
                    next(.cartUnpaid(items: Double(1 + rng.below(3))))
                }
                for _ in 0..<Self.poisson(row[I.serviceErrors] / 90, &rng) { next(.serviceError) }
            }
            today.sort { ($0.timeMillis, $0.clientId) < ($1.timeMillis, $1.clientId) }
            emit(today)
        }
    }

    static func gaussian(_ rng: inout SplitMix64) -> Double {
        // Box–Muller with a fixed branch: deterministic and platform-independent given the generator.
        let u1 = Swift.max(rng.unit(), 1e-300), u2 = rng.unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    static func poisson(_ lambda: Double, _ rng: inout SplitMix64) -> Int {
        guard lambda > 0 else { return 0 }
        let limit = exp(-lambda)
        var k = 0
        var p = rng.unit()
        while p > limit, k < 1000 {
            k += 1
            p *= rng.unit()
        }
        return k
    }

    static func pick(_ shares: [Double], _ rng: inout SplitMix64) -> Int {
        let u = rng.unit() * shares.reduce(0, +)
        var acc = 0.0
        for (i, s) in shares.enumerated() {
            acc += s
            if u < acc { return i }
        }
        return Swift.max(shares.count - 1, 0)
    }
}
