import ChurnModel
import Foundation

/// Small synthetic shop tables in the shipped formats, with a learnable signal, for CLI tests.
enum SyntheticTables {
    /// Writes the four CSV files for `clients` clients into a new temporary folder and returns it.
    static func write(clients: Int, seed: UInt64 = 1) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("churn-tables-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in texts(clients: clients, seed: seed) {
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return dir.path
    }

    static func texts(clients: Int, seed: UInt64) -> [String: String] {
        var rng = SplitMix64(seed: seed)
        var market = "id,Покупательская активность,Тип сервиса,Разрешить сообщать,Маркет_актив_6_мес,Маркет_актив_тек_мес,Длительность,Акционные_покупки,Популярная_категория,Средний_просмотр_категорий_за_визит,Неоплаченные_продукты_штук_квартал,Ошибка_сервиса,Страниц_за_визит\n"
        var money = "id,Период,Выручка\n"
        var time = "id,Период,минут\n"
        var profit = "id;Прибыль\n"
        for i in 0..<clients {
            let id = 300000 + i
            let dropped = rng.unit() < 0.4
            let pages = dropped ? 2 + rng.below(6) : 6 + rng.below(12)
            let minutes = dropped ? 6 + rng.below(8) : 12 + rng.below(10)
            let service = ["стандарт", "премиум"][rng.below(2)]
            let category = FeatureSpec.shopCategories[rng.below(6)]
            let promo = rng.unit() < 0.15 ? 0.8 + Double(rng.below(19)) / 100 : Double(rng.below(40)) / 100
            market += "\(id),\(dropped ? "Снизилась" : "Прежний уровень"),\(service),\(["да", "нет"][rng.below(2)]),\(Double(10 + rng.below(50)) / 10),\(3 + rng.below(3)),\(110 + rng.below(900)),\(promo),\(category),\(1 + rng.below(6)),\(dropped ? 3 + rng.below(7) : rng.below(4)),\(rng.below(9)),\(pages)\n"
            for period in ["препредыдущий_месяц", "предыдущий_месяц", "текущий_месяц"] {
                money += "\(id),\(period),\(Double(40000 + rng.below(30000)) / 10)\n"
            }
            time += "\(id),текущий_месяц,\(minutes)\n\(id),предыдцщий_месяц,\(minutes + rng.below(4))\n"
            profit += "\(id);\(1 + rng.below(6)),\(rng.below(100))\n"
        }
        return ["market_file.csv": market, "market_money.csv": money, "market_time.csv": time, "money.csv": profit]
    }
}
