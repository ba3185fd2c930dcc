import ChurnModel

/// Writes events as `client-event/v1` JSON, one object per line when joined with "\n".
/// Numbers use the shortest text that reads back as the same Double, so a written event parses
/// to an equal event.
public enum EventEncoder {
    public static func json(_ e: ClientEvent) -> String {
        var s = "{\"schema\":\"\(ClientEvent.schemaName)\",\"type\":\"\(e.typeName)\",\"client_id\":\(e.clientId),\"ts\":\"\(RFC3339.format(millis: e.timeMillis))\""
        if let id = e.eventId { s += ",\"event_id\":\(quoted(id))" }
        typealias I = FeatureSpec.Index
        let spec = FeatureSpec.standard
        switch e.payload {
        case .profile(let service, let allow, let day):
            s += ",\"service_type\":\"\(spec.features[I.serviceType].categories[Int(service)])\",\"allow_messaging\":\(allow == 0),\"registered_at\":\"\(DayMath.date(ofDay: Int(day)))\""
        case .visit(let minutes, let pages, let categories):
            s += ",\"minutes\":\(number(minutes)),\"pages\":\(number(pages)),\"categories_viewed\":\(number(categories))"
        case .purchase(let revenue, let items, let promo, let category):
            s += ",\"revenue\":\(number(revenue)),\"items\":\(number(items)),\"promo_items\":\(number(promo)),\"category\":\(quoted(FeatureSpec.shopCategories[Int(category)]))"
        case .cartUnpaid(let items):
            s += ",\"items\":\(number(items))"
        case .serviceError:
            break
        case .marketingContact(let channel):
            s += ",\"channel\":\"\(channel.rawValue)\""
        case .profit(let p):
            s += ",\"profit\":\(number(p))"
        case .snapshot(let snap):
            let f = snap.features
            s += ",\"service_type\":\"\(spec.features[I.serviceType].categories[Int(f[I.serviceType])])\",\"allow_messaging\":\(f[I.allowMessaging] == 0)"
            for (key, i) in [("market_activity_6m", I.marketActivity6m), ("market_activity_current", I.marketActivityCurrent),
                             ("tenure_days", I.tenureDays), ("promo_share", I.promoShare)] {
                s += ",\"\(key)\":\(number(f[i]))"
            }
            s += ",\"popular_category\":\(quoted(FeatureSpec.shopCategories[Int(f[I.popularCategory])]))"
            for (key, i) in [("categories_per_visit", I.categoriesPerVisit), ("unpaid_items_quarter", I.unpaidItemsQuarter),
                             ("service_errors", I.serviceErrors), ("pages_per_visit", I.pagesPerVisit),
                             ("revenue_before_previous", I.revenueBeforePrevious), ("revenue_previous", I.revenuePrevious),
                             ("revenue_current", I.revenueCurrent), ("minutes_previous", I.minutesPrevious),
                             ("minutes_current", I.minutesCurrent)] {
                s += ",\"\(key)\":\(number(f[i]))"
            }
            s += ",\"profit\":\(number(snap.profit))"
        }
        return s + "}"
    }

    /// Shortest round-trip text; integral values without a fraction.
    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }

    /// `s` as a JSON string literal (quotes, backslashes and control characters escaped).
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
