import ChurnModel

/// One client after cleaning: the model's raw inputs, the label and the profit.
public struct ClientRecord: Sendable, Equatable {
    public var id: Int
    /// True when the client's purchasing activity dropped («Снизилась»).
    public var atRisk: Bool
    /// Raw inputs in ``FeatureSpec`` order (categories as indices).
    public var features: [Double]
    /// Average monthly profit over the last 3 months.
    public var profit: Double
}

/// The study's cleaning of the shop's tables, each step logged with the number of rows it touched.
public enum Cleaning {
    /// A revenue this many times the median revenue is taken for a data error (the study found one:
    /// 106862.2 where the next largest is 7799.4).
    public static let outlierFactor = 10.0

    public struct Result: Sendable {
        public var clients: [ClientRecord]
        public var log: [CleaningRecord]
    }

    /// Cleans `tables` into one record per client, sorted by id.
    ///
    /// - Parameter dropInactive: drop clients with a zero-revenue month (the study's step); false keeps
    ///   every client, for scoring all of them.
    public static func clean(_ tables: ShopTables, spec: FeatureSpec = .standard, dropInactive: Bool = true) -> Result {
        var log: [CleaningRecord] = []
        var market = tables.market
        var revenue = tables.revenue
        var minutes = tables.minutes

        // 1. Implicit duplicates in categorical values and period names.
        var fixedService = 0
        for i in market.indices {
            if let fix = ShopTables.serviceTypeTypos[market[i].serviceType] {
                market[i].serviceType = fix
                fixedService += 1
            }
        }
        log.append(CleaningRecord(step: "fix_service_type_typo", detail: "«стандартт» → «стандарт» in Тип сервиса", count: fixedService))
        func fixPeriods(_ table: inout [Int: [String: Double]]) -> Int {
            var n = 0
            for (id, values) in table {
                var fixed: [String: Double] = [:]
                for (period, v) in values {
                    if let canonical = ShopTables.periodTypos[period] { n += 1; fixed[canonical] = v } else { fixed[period] = v }
                }
                table[id] = fixed
            }
            return n
        }
        log.append(CleaningRecord(step: "fix_period_typo", detail: "«предыдцщий_месяц» → «предыдущий_месяц» in market_time",
                                  count: fixPeriods(&minutes) + fixPeriods(&revenue)))
        log.append(CleaningRecord(step: "rename_columns", detail: "columns renamed to English snake_case: "
                                  + spec.features.map(\.name).joined(separator: ", "), count: spec.count))

        // 2. Revenue outliers: replaced by the mean of the same period over the other clients.
        let all = revenue.values.flatMap(\.values).sorted()
        let median = all.isEmpty ? 0 : all[all.count / 2]
        var outliers: [(Int, String)] = []
        for (id, values) in revenue {
            for (period, v) in values where median > 0 && v > outlierFactor * median { outliers.append((id, period)) }
        }
        outliers.sort { $0.0 < $1.0 }
        let outlierSet = Set(outliers.map { "\($0.0)/\($0.1)" })
        for (id, period) in outliers {
            // Sorted ids: the sum's rounding must not depend on dictionary order.
            let others = revenue.keys.sorted().compactMap { otherId -> Double? in
                outlierSet.contains("\(otherId)/\(period)") ? nil : revenue[otherId]?[period]
            }
            revenue[id]?[period] = others.reduce(0, +) / Double(max(others.count, 1))
        }
        log.append(CleaningRecord(step: "replace_revenue_outliers",
                                  detail: "revenue above \(Int(outlierFactor))× the median replaced by the period mean: "
                                  + (outliers.isEmpty ? "none" : outliers.map { "client \($0.0) \($0.1)" }.joined(separator: ", ")),
                                  count: outliers.count))

        // 3. Clients without revenue in some month have been active for less than 3 months.
        let inactive = Set(market.map(\.id).filter { id in (revenue[id]?.values.contains(0)) ?? true })
        if dropInactive { market.removeAll { inactive.contains($0.id) } }
        log.append(CleaningRecord(step: "drop_zero_revenue_clients",
                                  detail: (dropInactive ? "" : "(kept) ") + "clients with zero revenue in a month dropped: " + inactive.sorted().map(String.init).joined(separator: ", "),
                                  count: inactive.count))

        // 4. Derived two-level promo feature.
        let high = market.filter { $0.promoShare > spec.promoLevelCut }.count
        log.append(CleaningRecord(step: "derive_promo_level", detail: "promo_level = high where promo_share > \(spec.promoLevelCut)", count: high))

        // 5. Clients identical except for the id: kept, as the study did, but reported.
        var signature: [String: Int] = [:]
        var pairs = 0
        for row in market {
            let key = "\(row.activity)|\(row.serviceType)|\(row.allowMessaging)|\(row.marketActivity6m)|\(row.marketActivityCurrent)|\(row.tenureDays)|\(row.promoShare)|\(row.popularCategory)|\(row.categoriesPerVisit)|\(row.unpaidItemsQuarter)|\(row.serviceErrors)|\(row.pagesPerVisit)|\(ordered(revenue[row.id]))|\(ordered(minutes[row.id]))"
            if signature[key] != nil { pairs += 1 } else { signature[key] = row.id }
        }
        log.append(CleaningRecord(step: "report_duplicates_except_id", detail: "clients equal in every column but id (kept)", count: pairs))

        let clients = market.sorted { $0.id < $1.id }.map { row in
            ClientRecord(id: row.id, atRisk: row.activity == ShopTables.dropped,
                         features: features(of: row, revenue: revenue[row.id] ?? [:], minutes: minutes[row.id] ?? [:], spec: spec),
                         profit: tables.profit[row.id] ?? 0)
        }
        log.append(CleaningRecord(step: "result", detail: "clients after cleaning", count: clients.count))
        return Result(clients: clients, log: log)
    }

    static func ordered(_ values: [String: Double]?) -> String {
        (values ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// The raw feature vector of one cleaned row.
    static func features(of row: MarketRow, revenue: [String: Double], minutes: [String: Double], spec: FeatureSpec) -> [Double] {
        typealias I = FeatureSpec.Index
        var x = [Double](repeating: 0, count: spec.count)
        func level(_ i: Int, _ value: String) -> Double { Double(spec.features[i].sourceValues.firstIndex(of: value) ?? 0) }
        x[I.serviceType] = level(I.serviceType, row.serviceType)
        x[I.allowMessaging] = level(I.allowMessaging, row.allowMessaging)
        x[I.marketActivity6m] = row.marketActivity6m
        x[I.marketActivityCurrent] = row.marketActivityCurrent
        x[I.tenureDays] = row.tenureDays
        x[I.promoShare] = row.promoShare
        x[I.promoLevel] = spec.promoLevel(forShare: row.promoShare)
        x[I.popularCategory] = level(I.popularCategory, row.popularCategory)
        x[I.categoriesPerVisit] = row.categoriesPerVisit
        x[I.unpaidItemsQuarter] = row.unpaidItemsQuarter
        x[I.serviceErrors] = row.serviceErrors
        x[I.pagesPerVisit] = row.pagesPerVisit
        x[I.revenueBeforePrevious] = revenue["препредыдущий_месяц"] ?? 0
        x[I.revenuePrevious] = revenue["предыдущий_месяц"] ?? 0
        x[I.revenueCurrent] = revenue["текущий_месяц"] ?? 0
        x[I.minutesPrevious] = minutes["предыдущий_месяц"] ?? 0
        x[I.minutesCurrent] = minutes["текущий_месяц"] ?? 0
        return x
    }
}
