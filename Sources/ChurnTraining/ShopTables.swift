import ChurnModel
import Foundation

/// One row of market_file.csv, values as written (typos are fixed later by ``Cleaning``).
public struct MarketRow: Sendable, Equatable {
    public var line: Int
    public var id: Int
    public var activity: String
    public var serviceType: String
    public var allowMessaging: String
    public var marketActivity6m: Double
    public var marketActivityCurrent: Double
    public var tenureDays: Double
    public var promoShare: Double
    public var popularCategory: String
    public var categoriesPerVisit: Double
    public var unpaidItemsQuarter: Double
    public var serviceErrors: Double
    public var pagesPerVisit: Double
}

/// The shop's four tables, parsed and checked for shape, numbers and known values.
public struct ShopTables: Sendable {
    public static let marketFile = "market_file.csv"
    public static let moneyFile = "market_money.csv"
    public static let timeFile = "market_time.csv"
    public static let profitFile = "money.csv"
    public static let files = [marketFile, moneyFile, timeFile, profitFile]

    /// Target values.
    public static let dropped = "Снизилась"
    public static let kept = "Прежний уровень"
    /// Period names; market_time spells the previous month «предыдцщий_месяц» (fixed by cleaning).
    public static let periods = ["препредыдущий_месяц", "предыдущий_месяц", "текущий_месяц"]
    public static let periodTypos = ["предыдцщий_месяц": "предыдущий_месяц"]
    public static let serviceTypeTypos = ["стандартт": "стандарт"]

    public var market: [MarketRow]
    /// Revenue by client and period name as written.
    public var revenue: [Int: [String: Double]]
    /// Minutes on the site by client and period name as written.
    public var minutes: [Int: [String: Double]]
    public var profit: [Int: Double]
    /// sha256 of each file's bytes.
    public var sha256: [String: String]

    public init(market: [MarketRow], revenue: [Int: [String: Double]], minutes: [Int: [String: Double]],
                profit: [Int: Double], sha256: [String: String]) {
        self.market = market
        self.revenue = revenue
        self.minutes = minutes
        self.profit = profit
        self.sha256 = sha256
    }

    /// Reads the four CSV files from `directory`.
    public static func load(directory: String) throws(TableError) -> ShopTables {
        var texts: [String: String] = [:]
        var hashes: [String: String] = [:]
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TableError(.unreadable, file: path, "cannot read the file; is --tables the folder with the shop's four CSV files?")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw TableError(.unreadable, file: path, "the file is not UTF-8 text")
            }
            texts[file] = text
            hashes[file] = SHA256.hex(data)
        }
        return try parse(texts: texts, sha256: hashes)
    }

    /// Parses the four tables from their texts, keyed by file name.
    public static func parse(texts: [String: String], sha256: [String: String] = [:]) throws(TableError) -> ShopTables {
        func text(_ f: String) throws(TableError) -> String {
            guard let t = texts[f] else { throw TableError(.unreadable, file: f, "the table is missing") }
            return t
        }
        let market = try parseMarket(CSVTable(file: marketFile, text: text(marketFile), separator: ","))
        let revenue = try parsePeriods(CSVTable(file: moneyFile, text: text(moneyFile), separator: ","),
                                       value: "Выручка", allowed: Set(periods))
        let minutes = try parsePeriods(CSVTable(file: timeFile, text: text(timeFile), separator: ","), value: "минут",
                                       allowed: ["текущий_месяц", "предыдущий_месяц", "предыдцщий_месяц"])
        let profit = try parseProfit(CSVTable(file: profitFile, text: text(profitFile), separator: ";"))
        let tables = ShopTables(market: market, revenue: revenue, minutes: minutes, profit: profit, sha256: sha256)
        try tables.checkIds()
        return tables
    }

    /// Every client of market_file has all three revenues, both minute counts and a profit, and no table
    /// names a client market_file does not have.
    func checkIds() throws(TableError) {
        let ids = Set(market.map(\.id))
        for (file, table, need) in [(Self.moneyFile, revenue, 3), (Self.timeFile, minutes, 2)] {
            for id in ids.sorted() {
                let n = table[id]?.count ?? 0
                guard n == need else {
                    throw TableError(.missingId, file: file, "client \(id) from \(Self.marketFile) has \(n) of \(need) periods here")
                }
            }
            if let extra = Set(table.keys).subtracting(ids).min() {
                throw TableError(.missingId, file: Self.marketFile, "client \(extra) of \(file) is missing here")
            }
        }
        if let id = ids.sorted().first(where: { profit[$0] == nil }) {
            throw TableError(.missingId, file: Self.profitFile, "client \(id) from \(Self.marketFile) has no profit here")
        }
        if let extra = Set(profit.keys).subtracting(ids).min() {
            throw TableError(.missingId, file: Self.marketFile, "client \(extra) of \(Self.profitFile) is missing here")
        }
    }

    static func number(_ s: String, _ t: CSVTable, _ line: Int, _ column: String, decimalComma: Bool = false) throws(TableError) -> Double {
        let text = decimalComma ? s.replacingOccurrences(of: ",", with: ".") : s
        guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite else {
            throw TableError(.badNumber, file: t.file, line: line, column: column, "«\(s)» is not a number")
        }
        return v
    }

    static func identifier(_ s: String, _ t: CSVTable, _ line: Int) throws(TableError) -> Int {
        guard let v = Int(s.trimmingCharacters(in: .whitespaces)) else {
            throw TableError(.badNumber, file: t.file, line: line, column: "id", "«\(s)» is not an integer client id")
        }
        return v
    }

    static func oneOf(_ s: String, _ allowed: [String], _ t: CSVTable, _ line: Int, _ column: String) throws(TableError) -> String {
        guard allowed.contains(s) else {
            throw TableError(.badValue, file: t.file, line: line, column: column,
                             "«\(s)» is not one of \(allowed.map { "«\($0)»" }.joined(separator: ", "))")
        }
        return s
    }

    static func parseMarket(_ t: CSVTable) throws(TableError) -> [MarketRow] {
        let cols = ["id", "Покупательская активность", "Тип сервиса", "Разрешить сообщать", "Маркет_актив_6_мес",
                    "Маркет_актив_тек_мес", "Длительность", "Акционные_покупки", "Популярная_категория",
                    "Средний_просмотр_категорий_за_визит", "Неоплаченные_продукты_штук_квартал", "Ошибка_сервиса",
                    "Страниц_за_визит"]
        var at: [Int] = []
        for c in cols { at.append(try t.column(c)) }
        let services = FeatureSpec.standard.features[FeatureSpec.Index.serviceType].sourceValues + serviceTypeTypos.keys.sorted()
        let messaging = FeatureSpec.standard.features[FeatureSpec.Index.allowMessaging].sourceValues
        var rows: [MarketRow] = []
        var seen: [Int: Int] = [:]
        for (line, f) in t.rows {
            func num(_ k: Int) throws(TableError) -> Double { try number(f[at[k]], t, line, cols[k]) }
            let id = try identifier(f[at[0]], t, line)
            if let first = seen[id] {
                throw TableError(.duplicate, file: t.file, line: line, column: "id", "client \(id) is already on line \(first)")
            }
            seen[id] = line
            let row = MarketRow(
                line: line, id: id,
                activity: try oneOf(f[at[1]], [dropped, kept], t, line, cols[1]),
                serviceType: try oneOf(f[at[2]], services, t, line, cols[2]),
                allowMessaging: try oneOf(f[at[3]], messaging, t, line, cols[3]),
                marketActivity6m: try num(4), marketActivityCurrent: try num(5), tenureDays: try num(6),
                promoShare: try num(7),
                popularCategory: try oneOf(f[at[8]], FeatureSpec.shopCategories, t, line, cols[8]),
                categoriesPerVisit: try num(9), unpaidItemsQuarter: try num(10), serviceErrors: try num(11),
                pagesPerVisit: try num(12))
            rows.append(row)
        }
        return rows
    }

    static func parsePeriods(_ t: CSVTable, value: String, allowed: Set<String>) throws(TableError) -> [Int: [String: Double]] {
        let idCol = try t.column("id")
        let periodCol = try t.column("Период")
        let valueCol = try t.column(value)
        var out: [Int: [String: Double]] = [:]
        for (line, f) in t.rows {
            let id = try identifier(f[idCol], t, line)
            let period = f[periodCol]
            guard allowed.contains(period) else {
                throw TableError(.unknownPeriod, file: t.file, line: line, column: "Период",
                                 "«\(period)» is not a known period (\(allowed.sorted().map { "«\($0)»" }.joined(separator: ", ")))")
            }
            let v = try number(f[valueCol], t, line, value)
            let canonical = periodTypos[period] ?? period
            if out[id]?.keys.contains(where: { (periodTypos[$0] ?? $0) == canonical }) == true {
                throw TableError(.duplicate, file: t.file, line: line, column: "Период",
                                 "client \(id) already has a value for «\(period)»")
            }
            out[id, default: [:]][period] = v
        }
        return out
    }

    static func parseProfit(_ t: CSVTable) throws(TableError) -> [Int: Double] {
        let idCol = try t.column("id")
        let col = try t.column("Прибыль")
        var out: [Int: Double] = [:]
        for (line, f) in t.rows {
            let id = try identifier(f[idCol], t, line)
            guard out[id] == nil else {
                throw TableError(.duplicate, file: t.file, line: line, column: "id", "client \(id) appears twice")
            }
            out[id] = try number(f[col], t, line, "Прибыль", decimalComma: true)
        }
        return out
    }
}
