/// Whether a model input is a number or one of a fixed list of categories.
public enum FeatureKind: String, Codable, Sendable, Equatable {
    case numeric
    case categorical
}

/// One of the model's raw inputs: its name, where it comes from in the shop's tables,
/// and, for a categorical input, its categories in encoding order.
///
/// A raw feature vector is a flat `[Double]` in ``FeatureSpec/features`` order; a categorical
/// value is stored as the index of its category in ``categories``.
public struct Feature: Codable, Sendable, Equatable {
    /// English snake_case name, used in events, artifacts and explanations.
    public var name: String
    /// Table and column it is read from, e.g. `market_file.csv:Страниц_за_визит`.
    public var source: String
    public var kind: FeatureKind
    /// Categories in encoding order (the first one is the dropped reference level). Empty for numerics.
    public var categories: [String]
    /// The spelling of each category in the source table, parallel to ``categories``.
    public var sourceValues: [String]
    /// Human-readable meaning with unit.
    public var description: String

    public init(name: String, source: String, kind: FeatureKind, categories: [String] = [],
                sourceValues: [String] = [], description: String) {
        self.name = name
        self.source = source
        self.kind = kind
        self.categories = categories
        self.sourceValues = sourceValues
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case name, source, kind, categories, description
        case sourceValues = "source_values"
    }
}

/// The model's 17 raw inputs, in the order every component (tables, state, scorer,
/// explanations) uses. Changing this order or list is a new model format.
public struct FeatureSpec: Codable, Sendable, Equatable {
    public var features: [Feature]
    /// `promo_share` above this is the "high" promo level (the share is bimodal; see the study).
    public var promoLevelCut: Double

    enum CodingKeys: String, CodingKey {
        case features
        case promoLevelCut = "promo_level_cut"
    }

    public init(features: [Feature], promoLevelCut: Double) {
        self.features = features
        self.promoLevelCut = promoLevelCut
    }

    public var count: Int { features.count }

    /// Index of the feature called `name`, if any.
    public func index(of name: String) -> Int? { features.firstIndex { $0.name == name } }

    /// Number of columns after one-hot encoding with the first category dropped.
    public var encodedWidth: Int {
        features.reduce(0) { $0 + ($1.kind == .numeric ? 1 : max($1.categories.count - 1, 0)) }
    }

    /// Indices of the numeric features, in order.
    public var numericIndices: [Int] { features.indices.filter { features[$0].kind == .numeric } }

    /// Names of the encoded columns: numerics first, then `feature=category` for each kept level.
    public var encodedNames: [String] {
        var names = numericIndices.map { features[$0].name }
        for f in features where f.kind == .categorical {
            names += f.categories.dropFirst().map { "\(f.name)=\($0)" }
        }
        return names
    }

    /// The promo level category index for a promo share.
    public func promoLevel(forShare share: Double) -> Double { share > promoLevelCut ? 1 : 0 }
}

extension FeatureSpec {
    /// Position of each raw input in ``FeatureSpec/standard``; the state engine writes features by these.
    public enum Index {
        public static let serviceType = 0
        public static let allowMessaging = 1
        public static let marketActivity6m = 2
        public static let marketActivityCurrent = 3
        public static let tenureDays = 4
        public static let promoShare = 5
        public static let promoLevel = 6
        public static let popularCategory = 7
        public static let categoriesPerVisit = 8
        public static let unpaidItemsQuarter = 9
        public static let serviceErrors = 10
        public static let pagesPerVisit = 11
        public static let revenueBeforePrevious = 12
        public static let revenuePrevious = 13
        public static let revenueCurrent = 14
        public static let minutesPrevious = 15
        public static let minutesCurrent = 16
    }

    /// The shop's six product categories as spelled in its tables, in encoding order
    /// (code-point order, as scikit-learn's encoder sorts them).
    public static let shopCategories = [
        "Домашний текстиль",
        "Косметика и аксесуары",
        "Кухонная посуда",
        "Мелкая бытовая техника и электроника",
        "Техника для красоты и здоровья",
        "Товары для детей",
    ]

    /// The feature spec of the study's model.
    public static let standard = FeatureSpec(features: [
        Feature(name: "service_type", source: "market_file.csv:Тип сервиса", kind: .categorical,
                categories: ["premium", "standard"], sourceValues: ["премиум", "стандарт"],
                description: "service level of the client"),
        Feature(name: "allow_messaging", source: "market_file.csv:Разрешить сообщать", kind: .categorical,
                categories: ["yes", "no"], sourceValues: ["да", "нет"],
                description: "whether the client allows marketing messages"),
        Feature(name: "market_activity_6m", source: "market_file.csv:Маркет_актив_6_мес", kind: .numeric,
                description: "marketing contacts per month over the last 6 months (contacts/month)"),
        Feature(name: "market_activity_current", source: "market_file.csv:Маркет_актив_тек_мес", kind: .numeric,
                description: "marketing contacts in the current month (contacts)"),
        Feature(name: "tenure_days", source: "market_file.csv:Длительность", kind: .numeric,
                description: "days since registration (days)"),
        Feature(name: "promo_share", source: "market_file.csv:Акционные_покупки", kind: .numeric,
                description: "share of promo items among purchases over the last 6 months (0..1)"),
        Feature(name: "promo_level", source: "derived:promo_share", kind: .categorical,
                categories: ["low", "high"], sourceValues: ["low", "high"],
                description: "promo_share above the cut (two clusters in the data)"),
        Feature(name: "popular_category", source: "market_file.csv:Популярная_категория", kind: .categorical,
                categories: shopCategories, sourceValues: shopCategories,
                description: "category with the most items bought over the last 6 months"),
        Feature(name: "categories_per_visit", source: "market_file.csv:Средний_просмотр_категорий_за_визит",
                kind: .numeric, description: "mean distinct categories viewed per visit (categories)"),
        Feature(name: "unpaid_items_quarter", source: "market_file.csv:Неоплаченные_продукты_штук_квартал",
                kind: .numeric, description: "items left unpaid in the cart over the last 3 months (items)"),
        Feature(name: "service_errors", source: "market_file.csv:Ошибка_сервиса", kind: .numeric,
                description: "service errors the client met over the last 3 months (errors)"),
        Feature(name: "pages_per_visit", source: "market_file.csv:Страниц_за_визит", kind: .numeric,
                description: "mean pages viewed per visit over the last 3 months (pages)"),
        Feature(name: "revenue_before_previous", source: "market_money.csv:Выручка@препредыдущий_месяц",
                kind: .numeric, description: "revenue in days [60, 90) before now (roubles)"),
        Feature(name: "revenue_previous", source: "market_money.csv:Выручка@предыдущий_месяц",
                kind: .numeric, description: "revenue in days [30, 60) before now (roubles)"),
        Feature(name: "revenue_current", source: "market_money.csv:Выручка@текущий_месяц",
                kind: .numeric, description: "revenue in days [0, 30) before now (roubles)"),
        Feature(name: "minutes_previous", source: "market_time.csv:минут@предыдущий_месяц",
                kind: .numeric, description: "minutes on the site in days [30, 60) before now (minutes)"),
        Feature(name: "minutes_current", source: "market_time.csv:минут@текущий_месяц",
                kind: .numeric, description: "minutes on the site in days [0, 30) before now (minutes)"),
    ], promoLevelCut: 0.5)
}
