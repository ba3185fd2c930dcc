@testable import ChurnState
import ChurnModel

/// The definitions of schemas/client-features.md computed naively from the raw events (no
/// snapshots): the oracle the engine's incremental, pruned day windows are checked against.
struct Reference {
    private(set) var clockMillis: Int64?
    /// Accepted events per client, in arrival order.
    private(set) var accepted: [Int64: [ClientEvent]] = [:]
    private(set) var late = 0

    var clockDay: Int32? { clockMillis.map { Int32(DayMath.floorDiv($0, 86_400_000)) } }

    /// The clock is the newest time seen; an event 180 days or more older than the clock's day is
    /// late and dropped; everything else counts on its own day.
    mutating func run(_ step: Step) {
        switch step {
        case .advance(let day):
            clockMillis = max(clockMillis ?? .min, Int64(day) * 86_400_000)
        case .event(let e):
            clockMillis = max(clockMillis ?? .min, e.timeMillis)
            guard let clockDay, Int(clockDay) - Int(e.day) < 180 else { late += 1; return }
            accepted[e.clientId, default: []].append(e)
        }
    }

    /// Every client's features at the clock.
    var features: [Int64: [Double]] {
        guard let clockDay else { return [:] }
        return accepted.mapValues { Self.features($0, clockDay: clockDay) }
    }

    /// One client's 17 inputs at `clockDay` from its accepted events (arrival order).
    static func features(_ events: [ClientEvent], clockDay: Int32) -> [Double] {
        var f = [Double](repeating: 0, count: 17)
        f[FI.serviceType] = 1      // standard
        f[FI.allowMessaging] = 0   // yes
        var profileTime = Int64.min, registered: Int32?
        var visits30 = 0.0, categories30 = 0.0, visits90 = 0.0, pages90 = 0.0
        var items = 0.0, promo = 0.0, byCategory = [Double](repeating: 0, count: 6)
        for e in events {
            let age = Int(clockDay) - Int(e.day)
            let month0 = (0..<30).contains(age), month1 = (30..<60).contains(age), month2 = (60..<90).contains(age)
            let quarter = (0..<90).contains(age), half = (0..<180).contains(age)
            switch e.payload {
            case .profile(let service, let allow, let day):
                if e.timeMillis > profileTime {
                    profileTime = e.timeMillis
                    f[FI.serviceType] = Double(service)
                    f[FI.allowMessaging] = Double(allow)
                    registered = day
                }
            case .visit(let minutes, let pages, let categories):
                if month0 { f[FI.minutesCurrent] += minutes; visits30 += 1; categories30 += categories }
                if month1 { f[FI.minutesPrevious] += minutes }
                if quarter { visits90 += 1; pages90 += pages }
            case .purchase(let revenue, let n, let p, let category):
                if month0 { f[FI.revenueCurrent] += revenue }
                if month1 { f[FI.revenuePrevious] += revenue }
                if month2 { f[FI.revenueBeforePrevious] += revenue }
                if half { items += n; promo += p; byCategory[Int(category)] += n }
            case .cartUnpaid(let n):
                if quarter { f[FI.unpaidItemsQuarter] += n }
            case .serviceError:
                if quarter { f[FI.serviceErrors] += 1 }
            case .marketingContact:
                if month0 { f[FI.marketActivityCurrent] += 1 }
                if half { f[FI.marketActivity6m] += 1 }
            case .profit, .snapshot:
                break
            }
        }
        f[FI.marketActivity6m] /= 6
        let firstSeen = events.first.map(\.day) ?? clockDay
        f[FI.tenureDays] = Double(Int(clockDay) - Int(registered ?? firstSeen))
        f[FI.promoShare] = items > 0 ? promo / items : 0
        f[FI.promoLevel] = f[FI.promoShare] > 0.5 ? 1 : 0
        // Most items; a tie goes to the earlier category; nothing bought: «Товары для детей» (5).
        var popular = 5
        if let most = byCategory.max(), most > 0, let first = byCategory.firstIndex(of: most) { popular = first }
        f[FI.popularCategory] = Double(popular)
        f[FI.categoriesPerVisit] = visits30 > 0 ? categories30 / visits30 : 0
        f[FI.pagesPerVisit] = visits90 > 0 ? pages90 / visits90 : 0
        return f
    }

    /// The newest profit by event time, else 0.
    static func profit(_ events: [ClientEvent]) -> Double {
        var best = (time: Int64.min, value: 0.0)
        for e in events { if case .profit(let p) = e.payload, e.timeMillis > best.time { best = (e.timeMillis, p) } }
        return best.value
    }
}

/// Random activity for a few clients over many days, deterministic for a seed: mostly in time
/// order, with out-of-order events (some older than 180 days, hence late), idle days, and clock
/// advances without events. Quantities are small multiples of 1/4, so every sum is exact in the
/// engine's floats and in the reference's doubles, and features can be compared with ==.
enum RandomStream {
    static func steps(seed: UInt64, clients: Int, days: Int, start: Int32 = Fixture.day0) -> [Step] {
        var rng = SplitMix64(seed: seed)
        var used = Set<Int64>()
        var steps: [Step] = []
        for d in 0..<days {
            let today = start + Int32(d)
            if rng.below(10) == 0 { continue }  // an idle day: the next step jumps the clock
            if rng.below(3) == 0 { steps.append(.advance(today)) }
            for _ in 0..<rng.below(2 * clients) {
                let id = Int64(1 + rng.below(clients))
                let day = rng.below(7) == 0 ? today - Int32(rng.below(220)) : today
                var t: Int64
                repeat { t = Int64(day) * 86_400_000 + Int64(rng.below(86_400_000)) } while !used.insert(t).inserted
                steps.append(.event(ClientEvent(clientId: id, timeMillis: t, payload: payload(day, &rng))))
            }
        }
        return steps
    }

    static func payload(_ day: Int32, _ rng: inout SplitMix64) -> ClientEvent.Payload {
        func quarters(_ n: Int) -> Double { Double(rng.below(n)) / 4 }
        switch rng.below(20) {
        case 0..<6:
            return .visit(minutes: quarters(2000), pages: Double(1 + rng.below(30)), categoriesViewed: Double(1 + rng.below(6)))
        case 6..<10:
            let items = Double(rng.below(6))
            return .purchase(revenue: quarters(40_000), items: items, promoItems: Double(rng.below(Int(items) + 1)),
                             category: UInt8(rng.below(6)))
        case 10..<12: return .cartUnpaid(items: Double(1 + rng.below(4)))
        case 12..<14: return .serviceError
        case 14..<18: return .marketingContact(channel: ClientEvent.Channel.allCases[rng.below(4)])
        case 18: return .profile(serviceType: UInt8(rng.below(2)), allowMessaging: UInt8(rng.below(2)),
                                 registeredDay: day - Int32(rng.below(2000)))
        default: return .profit(quarters(4000) - 100)
        }
    }
}
