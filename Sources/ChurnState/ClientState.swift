import ChurnModel

/// Everything the worker keeps about one client: profile, profit, an optional snapshot seed and
/// sparse day records of the last 180 days. ``features(clockDay:into:)`` derives the model's 17
/// inputs at any clock day; the definitions are in schemas/client-features.md.
public struct ClientState: Sendable, Equatable {
    // Stored widest first, so that the state packs into 64 bytes (the engine keeps one per client).
    /// Event times of the newest profile and profit applied (the latest by event time wins).
    public var profileTime: Int64 = .min
    public var profitTime: Int64 = .min
    public var profit: Double = ProfileDefaults.profit
    public var seed: SnapshotSeed?
    /// The day records, in one heap block.
    private(set) var block = RecordBlock()
    public var firstSeenDay: Int32
    /// Registration day from a profile event; without one, the snapshot's tenure or the first day seen.
    public var registeredDay: Int32?
    public var serviceType: UInt8 = ProfileDefaults.serviceType
    public var allowMessaging: UInt8 = ProfileDefaults.allowMessaging

    public init(firstSeenDay: Int32) { self.firstSeenDay = firstSeenDay }

    /// Visit records in order (a copy; setting them rebuilds the block).
    public var visits: [VisitDay] {
        get { block.array(VisitDay.self) }
        set { replaceRecords(purchases: purchases, visits: newValue, counters: counters) }
    }

    /// Purchase records in order (a copy; setting them rebuilds the block).
    public var purchases: [PurchaseDay] {
        get { block.array(PurchaseDay.self) }
        set { replaceRecords(purchases: newValue, visits: visits, counters: counters) }
    }

    /// Counter records in order (a copy; setting them rebuilds the block).
    public var counters: [CounterDay] {
        get { block.array(CounterDay.self) }
        set { replaceRecords(purchases: purchases, visits: visits, counters: newValue) }
    }

    /// Replaces all day records at once (one new block).
    mutating func replaceRecords(purchases: [PurchaseDay], visits: [VisitDay], counters: [CounterDay]) {
        block = RecordBlock(purchases: purchases, visits: visits, counters: counters)
    }

    /// Adds one event (already checked against the clock by the engine).
    public mutating func apply(_ e: ClientEvent) {
        let day = e.day
        // The seed's row already counts the activity of its day and before, in whatever order it
        // arrives; a snapshot of an earlier day is stale.
        if let seedDay = seed?.day, day <= seedDay {
            switch e.payload {
            case .profile, .profit: break
            case .snapshot: if day < seedDay { return }
            default: return
            }
        }
        switch e.payload {
        case .profile(let service, let allow, let registered):
            guard e.timeMillis >= profileTime else { return }
            profileTime = e.timeMillis
            serviceType = service
            allowMessaging = allow
            registeredDay = registered
        case .visit(let minutes, let pages, let categories):
            block.update(key: Int64(day), make: { VisitDay(day: day, visits: 0, minutes: 0, pages: 0, categoriesViewed: 0) }) {
                $0.visits &+= 1
                $0.minutes += Float(minutes)
                $0.pages += Float(pages)
                $0.categoriesViewed += Float(categories)
            }
        case .purchase(let revenue, let items, let promo, let category):
            let key = Int64(day) << 8 | Int64(category)
            block.update(key: key, make: { PurchaseDay(day: day, category: category, revenue: 0, items: 0, promoItems: 0) }) {
                $0.revenue += revenue
                $0.items += Float(items)
                $0.promoItems += Float(promo)
            }
        case .cartUnpaid(let items):
            updateCounter(day) { $0.unpaidItems += Float(items) }
        case .serviceError:
            updateCounter(day) { $0.errors &+= 1 }
        case .marketingContact:
            updateCounter(day) { $0.contacts &+= 1 }
        case .profit(let value):
            guard e.timeMillis >= profitTime else { return }
            profitTime = e.timeMillis
            profit = value
        case .snapshot(let s):
            // A snapshot is the client's whole row: it replaces what came before it.
            typealias I = FeatureSpec.Index
            seed = SnapshotSeed(day: day, row: s.features)
            block.removeAll(VisitDay.self) { $0.day <= day }
            block.removeAll(PurchaseDay.self) { $0.day <= day }
            block.removeAll(CounterDay.self) { $0.day <= day }
            // A profile or profit newer than the row wins over it (the latest by ts).
            if e.timeMillis >= profileTime {
                registeredDay = nil
                serviceType = UInt8(s.features[I.serviceType])
                allowMessaging = UInt8(s.features[I.allowMessaging])
                profileTime = e.timeMillis
            }
            if e.timeMillis >= profitTime {
                profit = s.profit
                profitTime = e.timeMillis
            }
        }
    }

    @inline(__always)
    private mutating func updateCounter(_ day: Int32, _ change: (inout CounterDay) -> Void) {
        block.update(key: Int64(day), make: { CounterDay(day: day, contacts: 0, errors: 0, unpaidItems: 0) }, change)
    }

    /// Forgets activity that no window reaches any more at `clockDay`. Returns whether anything went.
    @discardableResult
    public mutating func prune(clockDay: Int32) -> Bool {
        var recordsGone = false
        // The due day is stored inline: a client with nothing to forget is skipped without reading its block.
        if clockDay >= block.dueDay {
            let oldest = clockDay - Int32(Windows.halfYear) + 1
            // Visits feed windows of at most 90 days.
            let oldestVisit = clockDay - Int32(Windows.quarter) + 1
            let before = block.count(.visit) + block.count(.purchase) + block.count(.counter)
            if block.withRecords(VisitDay.self, { $0.first.map { $0.day < oldestVisit } }) == true {
                block.removeAll(VisitDay.self) { $0.day < oldestVisit }
            }
            if block.withRecords(PurchaseDay.self, { $0.first.map { $0.day < oldest } }) == true {
                block.removeAll(PurchaseDay.self) { $0.day < oldest }
            }
            if block.withRecords(CounterDay.self, { $0.first.map { $0.day < oldest } }) == true {
                block.removeAll(CounterDay.self) { $0.day < oldest }
            }
            recordsGone = block.count(.visit) + block.count(.purchase) + block.count(.counter) != before
        }
        var seedGone = false
        // Only the seed's day is read here: ageing runs over every client every day, and binding the
        // seed itself would touch its row.
        if let seedDay = seed?.day, Int(clockDay - seedDay) >= Windows.halfYear {
            // Keep what outlives the windows: the registration implied by the row's tenure.
            if registeredDay == nil, let row = seed?.row {
                registeredDay = seedDay - Int32(row[FeatureSpec.Index.tenureDays].rounded())
            }
            seed = nil
            seedGone = true
        }
        return seedGone || recordsGone
    }

    /// Writes the 17 model inputs at `clockDay` into `f` (``FeatureSpec`` order).
    public func features(clockDay: Int32, into f: UnsafeMutableBufferPointer<Double>) {
        typealias I = FeatureSpec.Index
        let month = Windows.month, quarter = Windows.quarter, half = Windows.halfYear
        // Each kind is summed in locals of its own closure (kept in registers), in the block's order.
        var (revenue, items, promo, byCategory) = block.withRecords(PurchaseDay.self) { purchases in
            var revenue = (0.0, 0.0, 0.0), items = 0.0, promo = 0.0
            var byCategory = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            for p in purchases {
                let age = Int(clockDay - p.day)
                guard age >= 0, age < half else { continue }
                if age < month { revenue.0 += p.revenue } else if age < 2 * month { revenue.1 += p.revenue }
                else if age < quarter { revenue.2 += p.revenue }
                let n = Double(p.items)
                items += n
                promo += Double(p.promoItems)
                switch p.category {
                case 0: byCategory.0 += n
                case 1: byCategory.1 += n
                case 2: byCategory.2 += n
                case 3: byCategory.3 += n
                case 4: byCategory.4 += n
                default: byCategory.5 += n
                }
            }
            return (revenue, items, promo, byCategory)
        }
        var (visits30, categories30, visits90, pages90, minutes0, minutes1) = block.withRecords(VisitDay.self) { visits in
            var visits30 = 0.0, categories30 = 0.0, visits90 = 0.0, pages90 = 0.0, minutes0 = 0.0, minutes1 = 0.0
            for v in visits {
                let age = Int(clockDay - v.day)
                guard age >= 0, age < half else { continue }
                if age < month {
                    visits30 += Double(v.visits)
                    categories30 += Double(v.categoriesViewed)
                    minutes0 += Double(v.minutes)
                } else if age < 2 * month {
                    minutes1 += Double(v.minutes)
                }
                if age < quarter {
                    visits90 += Double(v.visits)
                    pages90 += Double(v.pages)
                }
            }
            return (visits30, categories30, visits90, pages90, minutes0, minutes1)
        }
        let (contacts30, contacts180, unpaid, errors) = block.withRecords(CounterDay.self) { counters in
            var contacts30 = 0.0, contacts180 = 0.0, unpaid90 = 0.0, errors90 = 0.0
            for c in counters {
                let age = Int(clockDay - c.day)
                guard age >= 0, age < half else { continue }
                contacts180 += Double(c.contacts)
                if age < month { contacts30 += Double(c.contacts) }
                if age < quarter {
                    unpaid90 += Double(c.unpaidItems)
                    errors90 += Double(c.errors)
                }
            }
            return (contacts30, contacts180, unpaid90, errors90)
        }
        var unpaid90 = unpaid, errors90 = errors

        f[I.serviceType] = Double(serviceType)
        f[I.allowMessaging] = Double(allowMessaging)
        var activity6m = contacts180 / 6
        var activityNow = contacts30
        var tenure: Double
        if let r = registeredDay { tenure = Double(clockDay - r) } else { tenure = Double(clockDay - firstSeenDay) }
        var promoShare = items > 0 ? promo / items : 0
        var perVisitCategories = visits30 > 0 ? categories30 / visits30 : 0
        var perVisitPages = visits90 > 0 ? pages90 / visits90 : 0
        var popular = ProfileDefaults.popularCategory

        if let s = seed {
            let k = Int(clockDay - s.day)
            let row = s.row
            typealias S = SnapshotSeed
            revenue.0 += S.share(row[I.revenueCurrent], block: 0, month, window: 0, month, elapsed: k)
            revenue.1 += S.share(row[I.revenueCurrent], block: 0, month, window: month, 2 * month, elapsed: k)
                + S.share(row[I.revenuePrevious], block: month, 2 * month, window: month, 2 * month, elapsed: k)
            revenue.2 += S.share(row[I.revenueCurrent], block: 0, month, window: 2 * month, quarter, elapsed: k)
                + S.share(row[I.revenuePrevious], block: month, 2 * month, window: 2 * month, quarter, elapsed: k)
                + S.share(row[I.revenueBeforePrevious], block: 2 * month, quarter, window: 2 * month, quarter, elapsed: k)
            minutes0 += S.share(row[I.minutesCurrent], block: 0, month, window: 0, month, elapsed: k)
            minutes1 += S.share(row[I.minutesCurrent], block: 0, month, window: month, 2 * month, elapsed: k)
                + S.share(row[I.minutesPrevious], block: month, 2 * month, window: month, 2 * month, elapsed: k)
            let now = row[I.marketActivityCurrent]
            let older = Swift.max(0, 6 * row[I.marketActivity6m] - now)
            activityNow += S.share(now, block: 0, month, window: 0, month, elapsed: k)
            activity6m += k == 0 ? row[I.marketActivity6m]
                : (S.share(now, block: 0, month, window: 0, half, elapsed: k)
                   + S.share(older, block: month, half, window: 0, half, elapsed: k)) / 6
            unpaid90 += S.share(row[I.unpaidItemsQuarter], block: 0, quarter, window: 0, quarter, elapsed: k)
            errors90 += S.share(row[I.serviceErrors], block: 0, quarter, window: 0, quarter, elapsed: k)
            if registeredDay == nil { tenure = row[I.tenureDays] + Double(k) }

            let seedItems = SnapshotAssumptions.itemsPerDay * Double(half) * S.fraction(block: 0, half, window: 0, half, elapsed: k)
            if seedItems > 0 {
                promoShare = items > 0 ? (row[I.promoShare] * seedItems + promo) / (seedItems + items) : row[I.promoShare]
                switch Int(row[I.popularCategory]) {
                case 0: byCategory.0 += seedItems
                case 1: byCategory.1 += seedItems
                case 2: byCategory.2 += seedItems
                case 3: byCategory.3 += seedItems
                case 4: byCategory.4 += seedItems
                case 5: byCategory.5 += seedItems
                default: break
                }
            }
            let seedVisits30 = SnapshotAssumptions.visitsPerDay * Double(month) * S.fraction(block: 0, month, window: 0, month, elapsed: k)
            if seedVisits30 > 0 {
                perVisitCategories = visits30 > 0
                    ? (row[I.categoriesPerVisit] * seedVisits30 + categories30) / (seedVisits30 + visits30) : row[I.categoriesPerVisit]
            }
            let seedVisits90 = SnapshotAssumptions.visitsPerDay * Double(quarter) * S.fraction(block: 0, quarter, window: 0, quarter, elapsed: k)
            if seedVisits90 > 0 {
                perVisitPages = visits90 > 0
                    ? (row[I.pagesPerVisit] * seedVisits90 + pages90) / (seedVisits90 + visits90) : row[I.pagesPerVisit]
            }
        }
        // Most items wins; ties go to the earlier category in FeatureSpec.shopCategories order.
        var best = 0.0
        func consider(_ n: Double, _ i: UInt8) { if n > best { best = n; popular = i } }
        consider(byCategory.0, 0)
        consider(byCategory.1, 1)
        consider(byCategory.2, 2)
        consider(byCategory.3, 3)
        consider(byCategory.4, 4)
        consider(byCategory.5, 5)
        f[I.marketActivity6m] = activity6m
        f[I.marketActivityCurrent] = activityNow
        f[I.tenureDays] = tenure
        f[I.promoShare] = promoShare
        f[I.promoLevel] = FeatureSpec.standard.promoLevel(forShare: promoShare)
        f[I.popularCategory] = Double(popular)
        f[I.categoriesPerVisit] = perVisitCategories
        f[I.unpaidItemsQuarter] = unpaid90
        f[I.serviceErrors] = errors90
        f[I.pagesPerVisit] = perVisitPages
        f[I.revenueBeforePrevious] = revenue.2
        f[I.revenuePrevious] = revenue.1
        f[I.revenueCurrent] = revenue.0
        f[I.minutesPrevious] = minutes1
        f[I.minutesCurrent] = minutes0
    }

    /// The 17 model inputs at `clockDay` as an array.
    public func features(clockDay: Int32) -> [Double] {
        var f = [Double](repeating: 0, count: FeatureSpec.standard.count)
        f.withUnsafeMutableBufferPointer { features(clockDay: clockDay, into: $0) }
        return f
    }

    /// Approximate heap and inline bytes this state occupies (for the memory metric).
    public var approximateBytes: Int {
        let arrayHeader = 32
        return MemoryLayout<ClientState>.stride + block.allocatedBytes + (seed.map { arrayHeader + $0.row.capacity * 8 } ?? 0)
    }
}
