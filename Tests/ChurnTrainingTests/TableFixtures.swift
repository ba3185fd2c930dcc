@testable import ChurnTraining

/// A small, valid set of the shop's four tables, written the way the shop writes them, plus helpers
/// that return a copy with one file edited.
///
/// Eight clients, listed out of id order (103, 108, 101, 102, 104, 105, 107, 106):
/// - 101, 103, 105 «Снизилась», the rest «Прежний уровень»;
/// - 103 has the «стандартт» typo;
/// - 108's current-month revenue 99999.0 is the outlier (> 10× the median, about 5000);
/// - 105 has zero revenue in the two earlier months;
/// - promo shares > 0.5: 101 (0.95), 105 (0.9), 108 (0.81); 102 is exactly 0.5;
/// - 106 and 107 are equal in every column but id (and profit);
/// - market_time spells the previous month «предыдцщий_месяц», except for client 102;
/// - money.csv uses `;` and a decimal comma, and 102's profit is a whole number.
enum TableFixtures {
    static let ids = [101, 102, 103, 104, 105, 106, 107, 108]
    static let outlierId = 108
    static let inactiveId = 105
    static let typoId = 103
    static let duplicatePair = (106, 107)

    static let marketHeader = "id,Покупательская активность,Тип сервиса,Разрешить сообщать,Маркет_актив_6_мес,"
        + "Маркет_актив_тек_мес,Длительность,Акционные_покупки,Популярная_категория,"
        + "Средний_просмотр_категорий_за_визит,Неоплаченные_продукты_штук_квартал,Ошибка_сервиса,Страниц_за_визит"

    static let market = lines(marketHeader,
        "103,Снизилась,стандартт,да,4.9,3,539,0.14,Кухонная посуда,5,2,1,5",
        "108,Прежний уровень,премиум,нет,5.2,4,700,0.81,Мелкая бытовая техника и электроника,2,0,3,12",
        "101,Снизилась,премиум,да,3.4,5,121,0.95,Товары для детей,6,2,1,5",
        "102,Прежний уровень,стандарт,нет,4.4,4,819,0.5,Домашний текстиль,4,4,2,5",
        "104,Прежний уровень,стандарт,да,5.6,4,600,0.2,Косметика и аксесуары,3,1,0,10",
        "105,Снизилась,стандарт,да,3.9,5,154,0.9,Техника для красоты и здоровья,3,3,9,5",
        "107,Прежний уровень,стандарт,да,4.0,3,900,0.3,Домашний текстиль,2,1,2,14",
        "106,Прежний уровень,стандарт,да,4.0,3,900,0.3,Домашний текстиль,2,1,2,14")

    static let money = lines("id,Период,Выручка",
        "103,препредыдущий_месяц,4472.0", "103,предыдущий_месяц,5216.0", "103,текущий_месяц,4971.6",
        "108,текущий_месяц,99999.0", "108,препредыдущий_месяц,4826.0", "108,предыдущий_месяц,5058.5",
        "101,предыдущий_месяц,4619.0", "101,препредыдущий_месяц,4400.0", "101,текущий_месяц,5022.4",
        "102,препредыдущий_месяц,4935.0", "102,текущий_месяц,4826.0", "102,предыдущий_месяц,5457.5",
        "104,препредыдущий_месяц,5300.0", "104,предыдущий_месяц,5600.0", "104,текущий_месяц,5800.5",
        "105,препредыдущий_месяц,0.0", "105,текущий_месяц,3293.1", "105,предыдущий_месяц,0.0",
        "107,препредыдущий_месяц,4900.0", "107,предыдущий_месяц,5100.0", "107,текущий_месяц,5300.0",
        "106,текущий_месяц,5300.0", "106,препредыдущий_месяц,4900.0", "106,предыдущий_месяц,5100.0")

    static let time = lines("id,Период,минут",
        "103,текущий_месяц,10", "103,предыдцщий_месяц,12",
        "108,предыдцщий_месяц,8", "108,текущий_месяц,13",
        "101,текущий_месяц,14", "101,предыдцщий_месяц,13",
        "102,предыдущий_месяц,11", "102,текущий_месяц,9",
        "104,текущий_месяц,16", "104,предыдцщий_месяц,20",
        "105,текущий_месяц,7", "105,предыдцщий_месяц,6",
        "107,предыдцщий_месяц,17", "107,текущий_месяц,15",
        "106,текущий_месяц,15", "106,предыдцщий_месяц,17")

    static let profit = lines("id;Прибыль",
        "103;4,16", "108;3,13", "101;0,98", "102;5", "104;4,87", "105;4,21", "107;3,95", "106;4,08")

    /// The four valid tables, keyed by file name.
    static let texts: [String: String] = [
        ShopTables.marketFile: market, ShopTables.moneyFile: money,
        ShopTables.timeFile: time, ShopTables.profitFile: profit,
    ]

    static func tables() throws -> ShopTables { try ShopTables.parse(texts: texts) }

    static func lines(_ l: String...) -> String { l.joined(separator: "\n") + "\n" }

    static func separator(of file: String) -> Character { file == ShopTables.profitFile ? ";" : "," }

    // MARK: - Edits (each returns a copy of `texts`)

    /// Rewrites the whole text of `file`.
    static func editing(_ file: String, in texts: [String: String] = texts,
                        _ edit: (String) -> String) -> [String: String] {
        var copy = texts
        copy[file] = edit(texts[file]!)
        return copy
    }

    /// Rewrites the lines of `file`; index 0 is the header (line 1).
    static func editingLines(_ file: String, in texts: [String: String] = texts,
                             _ edit: (inout [String]) -> Void) -> [String: String] {
        editing(file, in: texts) { text in
            var l = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if l.last == "" { l.removeLast() }
            edit(&l)
            return l.joined(separator: "\n") + "\n"
        }
    }

    /// 1-based line number of the first line of `file` starting with `prefix`.
    static func lineNumber(_ file: String, startingWith prefix: String) -> Int {
        texts[file]!.split(separator: "\n").firstIndex { $0.hasPrefix(prefix) }! + 1
    }

    /// Replaces the first line starting with `prefix` by `replacement`.
    static func replacingLine(_ file: String, startingWith prefix: String, with replacement: String,
                              in texts: [String: String] = texts) -> [String: String] {
        editingLines(file, in: texts) { l in l[l.firstIndex { $0.hasPrefix(prefix) }!] = replacement }
    }

    /// Replaces field `column` (by header name) of the first data line starting with `prefix`.
    static func settingField(_ file: String, row prefix: String, column: String, to value: String,
                             in texts: [String: String] = texts) -> [String: String] {
        let sep = separator(of: file)
        return editingLines(file, in: texts) { l in
            let c = l[0].split(separator: sep).firstIndex { $0 == column }!
            let r = l.indices.dropFirst().first { l[$0].hasPrefix(prefix) }!
            var f = l[r].split(separator: sep, omittingEmptySubsequences: false).map(String.init)
            f[c] = value
            l[r] = f.joined(separator: String(sep))
        }
    }

    /// Removes the column called `column` from every line of `file`.
    static func droppingColumn(_ column: String, from file: String,
                               in texts: [String: String] = texts) -> [String: String] {
        let sep = separator(of: file)
        return editingLines(file, in: texts) { l in
            let c = l[0].split(separator: sep).firstIndex { $0 == column }!
            l = l.map { line in
                var f = line.split(separator: sep, omittingEmptySubsequences: false).map(String.init)
                f.remove(at: c)
                return f.joined(separator: String(sep))
            }
        }
    }

    /// Removes the data lines of `file` starting with `prefix`.
    static func droppingLines(startingWith prefix: String, from file: String,
                              in texts: [String: String] = texts) -> [String: String] {
        editingLines(file, in: texts) { l in
            l = [l[0]] + l.dropFirst().filter { !$0.hasPrefix(prefix) }
        }
    }

    /// Appends data lines to `file`.
    static func appending(_ newLines: String..., to file: String,
                          in texts: [String: String] = texts) -> [String: String] {
        editingLines(file, in: texts) { l in l += newLines }
    }

    /// The error `ShopTables.parse` throws for `texts`, or nil when it parses.
    static func parseError(_ texts: [String: String]) -> TableError? {
        do {
            _ = try ShopTables.parse(texts: texts)
            return nil
        } catch {
            return error
        }
    }
}
