/// The trailing windows of the features, in whole days ending at the stream clock.
///
/// A day d is `clock − d` days old; "the last 30 days" are ages 0..<30. Calendar months are
/// deliberately not used: they would make every client look inactive on the 1st.
public enum Windows {
    /// market_activity_current, categories_per_visit, revenue_current, minutes_current.
    public static let month = 30
    /// pages_per_visit, unpaid_items_quarter, service_errors; revenue_before_previous ends here.
    public static let quarter = 90
    /// market_activity_6m, promo_share, popular_category. Older activity is forgotten; events older
    /// than this are late and dropped.
    public static let halfYear = 180
}

/// What a snapshot assumes about activity the tables only give as averages, so that later events
/// can be weighed against it. Documented in schemas/client-features.md.
public enum SnapshotAssumptions {
    /// Visits per day behind the snapshot's per-visit averages.
    public static let visitsPerDay = 1.0 / 3.0
    /// Items bought per day behind the snapshot's promo share and popular category.
    public static let itemsPerDay = 1.0 / 3.0
}

/// Defaults for a client whose profile has not arrived yet.
public enum ProfileDefaults {
    /// «стандарт» (index 1 of service_type).
    public static let serviceType: UInt8 = 1
    /// «да» (index 0 of allow_messaging).
    public static let allowMessaging: UInt8 = 0
    /// popular_category when the client has bought nothing in 180 days: «Товары для детей»,
    /// the most frequent category in the shop's tables.
    public static let popularCategory: UInt8 = 5
    /// Profit before the first profit event (keeps the client out of the alert segment).
    public static let profit = 0.0
}
