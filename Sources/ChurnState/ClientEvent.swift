import ChurnModel

/// One client activity event (`schemas/client-event.schema.json`, `client-event/v1`).
public struct ClientEvent: Sendable, Equatable {
    public static let schemaName = "client-event/v1"

    public var clientId: Int64
    /// Event time, milliseconds since 1970-01-01T00:00:00Z.
    public var timeMillis: Int64
    /// Producer's id for the event, carried into logs and dead-letter headers.
    public var eventId: String?
    public var payload: Payload

    public init(clientId: Int64, timeMillis: Int64, eventId: String? = nil, payload: Payload) {
        self.clientId = clientId
        self.timeMillis = timeMillis
        self.eventId = eventId
        self.payload = payload
    }

    /// The whole UTC day the event falls in (days since 1970-01-01).
    public var day: Int32 { Int32(truncatingIfNeeded: DayMath.floorDiv(timeMillis, 86_400_000)) }

    /// What happened, per event type.
    public enum Payload: Sendable, Equatable {
        /// service_type index (0 premium, 1 standard), allow_messaging index (0 yes, 1 no), registration day.
        case profile(serviceType: UInt8, allowMessaging: UInt8, registeredDay: Int32)
        case visit(minutes: Double, pages: Double, categoriesViewed: Double)
        /// category: index into ``FeatureSpec/shopCategories``.
        case purchase(revenue: Double, items: Double, promoItems: Double, category: UInt8)
        case cartUnpaid(items: Double)
        case serviceError
        case marketingContact(channel: Channel)
        case profit(Double)
        case snapshot(Snapshot)
    }

    public enum Channel: String, Sendable, CaseIterable {
        case email, push, sms, call
    }

    /// The type name as written in the `type` field.
    public var typeName: String {
        switch payload {
        case .profile: "profile"
        case .visit: "visit"
        case .purchase: "purchase"
        case .cartUnpaid: "cart_unpaid"
        case .serviceError: "service_error"
        case .marketingContact: "marketing_contact"
        case .profit: "profit"
        case .snapshot: "snapshot"
        }
    }
}

/// A client's full table row as of the event time: the 17 model inputs (promo_level is derived)
/// and the profit. Seeds the state so that the features at that time equal the row.
public struct Snapshot: Sendable, Equatable {
    /// Raw features in ``FeatureSpec`` order (promo_level filled in from promo_share).
    public var features: [Double]
    public var profit: Double

    public init(features: [Double], profit: Double) {
        self.features = features
        self.profit = profit
    }
}

/// Integer helpers for day arithmetic.
public enum DayMath {
    /// Floor division (rounds towards −∞), so times before 1970 fall on the right day.
    @inlinable
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date of a day number, as `YYYY-MM-DD`.
    public static func date(ofDay z0: Int) -> String {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// Days in a month of the proleptic Gregorian calendar.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
