import ChurnModel

/// Reads one `client-event/v1` message: strict JSON, unknown fields ignored, every known field
/// type- and range-checked. Never traps on any input; a refusal is an ``EventError``.
public struct EventParser: Sendable {
    /// Messages larger than this are refused as `too_large` (bytes).
    public var maxBytes: Int

    public init(maxBytes: Int = 16 * 1024) { self.maxBytes = maxBytes }

    /// Field slots, in the order of ``EventParser/keys``.
    enum Key: Int, CaseIterable {
        case schema, type, clientId, ts, eventId
        case serviceType, allowMessaging, registeredAt
        case minutes, pages, categoriesViewed
        case revenue, items, promoItems, category
        case channel, profit
        case marketActivity6m, marketActivityCurrent, tenureDays, promoShare, popularCategory, categoriesPerVisit
        case unpaidItemsQuarter, serviceErrors, pagesPerVisit, revenueBeforePrevious, revenuePrevious, revenueCurrent
        case minutesPrevious, minutesCurrent

        var name: String {
            switch self {
            case .schema: "schema"
            case .type: "type"
            case .clientId: "client_id"
            case .ts: "ts"
            case .eventId: "event_id"
            case .serviceType: "service_type"
            case .allowMessaging: "allow_messaging"
            case .registeredAt: "registered_at"
            case .minutes: "minutes"
            case .pages: "pages"
            case .categoriesViewed: "categories_viewed"
            case .revenue: "revenue"
            case .items: "items"
            case .promoItems: "promo_items"
            case .category: "category"
            case .channel: "channel"
            case .profit: "profit"
            case .marketActivity6m: "market_activity_6m"
            case .marketActivityCurrent: "market_activity_current"
            case .tenureDays: "tenure_days"
            case .promoShare: "promo_share"
            case .popularCategory: "popular_category"
            case .categoriesPerVisit: "categories_per_visit"
            case .unpaidItemsQuarter: "unpaid_items_quarter"
            case .serviceErrors: "service_errors"
            case .pagesPerVisit: "pages_per_visit"
            case .revenueBeforePrevious: "revenue_before_previous"
            case .revenuePrevious: "revenue_previous"
            case .revenueCurrent: "revenue_current"
            case .minutesPrevious: "minutes_previous"
            case .minutesCurrent: "minutes_current"
            }
        }
    }

    /// Known keys grouped by byte length, for a lookup without hashing.
    static let keysByLength: [[(bytes: [UInt8], key: Key)]] = {
        var table = [[(bytes: [UInt8], key: Key)]](repeating: [], count: 32)
        for k in Key.allCases { table[k.name.utf8.count].append((Array(k.name.utf8), k)) }
        return table
    }()

    static let typeNames: [(bytes: [UInt8], name: String)] =
        ["profile", "visit", "purchase", "cart_unpaid", "service_error", "marketing_contact", "profit", "snapshot"]
            .map { (Array($0.utf8), $0) }
    static let schemaBytes = Array(ClientEvent.schemaName.utf8)
    static let categoryBytes = FeatureSpec.shopCategories.map { Array($0.utf8) }

    /// Parses one message.
    public func parse(_ message: UnsafeRawBufferPointer) throws(EventError) -> ClientEvent {
        guard message.count <= maxBytes else {
            throw EventError(.tooLarge, "\(message.count) bytes, the limit is \(maxBytes)")
        }
        guard !message.isEmpty else { throw EventError(.badJSON, "empty message") }
        let count = Key.allCases.count
        return try withUnsafeTemporaryAllocation(of: JSONCursor.Value?.self, capacity: count) { slots throws(EventError) -> ClientEvent in
            slots.initialize(repeating: nil)
            var cursor = JSONCursor(message)
            do {
                try cursor.expect(0x7B)
                if !cursor.consume(0x7D) {
                    repeat {
                        let (keyRange, keyEscaped) = try cursor.string()
                        try cursor.expect(0x3A)
                        let value = try cursor.value()
                        // A name written with escapes is the same name («minut\u0065s» is minutes).
                        let known = keyEscaped ? Self.lookup(cursor.decoded(keyRange, escaped: true)) : Self.lookup(message, keyRange)
                        if let key = known {
                            guard slots[key.rawValue] == nil else {
                                throw EventError(.duplicateField, field: key.name, "the field appears twice")
                            }
                            slots[key.rawValue] = value
                        }
                    } while cursor.consume(0x2C)
                    try cursor.expect(0x7D)
                }
                cursor.skipWhitespace()
                guard cursor.atEnd else { throw JSONCursor.SyntaxError(offset: cursor.i, what: "text after the object") }
            } catch let e as JSONCursor.SyntaxError {
                throw EventError(.badJSON, "\(e.what) at byte \(e.offset)")
            } catch let e as EventError {
                throw e
            } catch {
                throw EventError(.badJSON, "\(error)")
            }
            return try Fields(cursor: cursor, slots: slots).event()
        }
    }

    /// Parses a message given as bytes.
    public func parse(_ bytes: [UInt8]) throws(EventError) -> ClientEvent {
        let result: Result<ClientEvent, EventError> = bytes.withUnsafeBytes { b in
            do throws(EventError) { return .success(try parse(b)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static func lookup(_ message: UnsafeRawBufferPointer, _ range: Range<Int>) -> Key? {
        guard range.count < keysByLength.count else { return nil }
        for candidate in keysByLength[range.count] where Self.equal(message, range, candidate.bytes) {
            return candidate.key
        }
        return nil
    }

    /// A known key from its decoded bytes (names written with escapes).
    static func lookup(_ name: [UInt8]) -> Key? {
        guard name.count < keysByLength.count else { return nil }
        return keysByLength[name.count].first { $0.bytes == name }?.key
    }

    static func equal(_ message: UnsafeRawBufferPointer, _ range: Range<Int>, _ word: [UInt8]) -> Bool {
        guard range.count == word.count else { return false }
        var k = 0
        for i in range {
            if message[i] != word[k] { return false }
            k += 1
        }
        return true
    }
}

/// Typed access to the parsed slots, with the error to raise for each field.
private struct Fields {
    let cursor: JSONCursor
    let slots: UnsafeMutableBufferPointer<JSONCursor.Value?>
    typealias Key = EventParser.Key

    func present(_ k: Key) -> JSONCursor.Value? {
        guard let v = slots[k.rawValue] else { return nil }
        if case .null = v { return nil }
        return v
    }

    func required(_ k: Key) throws(EventError) -> JSONCursor.Value {
        guard let v = present(k) else { throw EventError(.missingField, field: k.name, "required for this event type") }
        return v
    }

    func stringBytes(_ k: Key) throws(EventError) -> [UInt8] {
        guard case .string(let r, let escaped) = try required(k) else {
            throw EventError(.badType, field: k.name, "must be a string")
        }
        return cursor.decoded(r, escaped: escaped)
    }

    func number(_ k: Key, min: Double = 0, max: Double = 1e12) throws(EventError) -> Double {
        guard case .number(let v, _) = try required(k) else { throw EventError(.badType, field: k.name, "must be a number") }
        guard v.isFinite, v >= min, v <= max else {
            throw EventError(.badValue, field: k.name, "\(v) is outside [\(min), \(max)]")
        }
        return v
    }

    func bool(_ k: Key) throws(EventError) -> Bool {
        guard case .bool(let b) = try required(k) else { throw EventError(.badType, field: k.name, "must be true or false") }
        return b
    }

    func oneOf(_ k: Key, _ words: [String]) throws(EventError) -> Int {
        let b = try stringBytes(k)
        guard let i = words.firstIndex(where: { Array($0.utf8) == b }) else {
            throw EventError(.badValue, field: k.name, "«\(String(decoding: b, as: UTF8.self))» is not one of \(words.joined(separator: ", "))")
        }
        return i
    }

    func category(_ k: Key) throws(EventError) -> UInt8 {
        let b = try stringBytes(k)
        guard let i = EventParser.categoryBytes.firstIndex(of: b) else {
            throw EventError(.unknownCategory, field: k.name, "«\(String(decoding: b, as: UTF8.self))» is not one of the shop's categories")
        }
        return UInt8(i)
    }

    func event() throws(EventError) -> ClientEvent {
        let schema = try stringBytes(.schema)
        guard schema == EventParser.schemaBytes else {
            throw EventError(.unknownSchema, field: "schema", "«\(String(decoding: schema, as: UTF8.self))», expected «\(ClientEvent.schemaName)»")
        }
        let typeBytes = try stringBytes(.type)
        guard let type = EventParser.typeNames.first(where: { $0.bytes == typeBytes })?.name else {
            throw EventError(.unknownType, field: "type", "«\(String(decoding: typeBytes, as: UTF8.self))» is not an event type")
        }
        guard case .number(let id, let integral) = try required(.clientId) else {
            throw EventError(.badType, field: "client_id", "must be an integer")
        }
        guard integral, id >= 0, id < 9.0e15 else { throw EventError(.badValue, field: "client_id", "\(id) is not a non-negative integer id") }
        let tsBytes = try stringBytes(.ts)
        guard let millis = tsBytes.withUnsafeBytes({ RFC3339.parseMillis($0) }) else {
            throw EventError(.badValue, field: "ts", "«\(String(decoding: tsBytes, as: UTF8.self))» is not an RFC 3339 time")
        }
        var eventId: String?
        if present(.eventId) != nil { eventId = String(decoding: try stringBytes(.eventId), as: UTF8.self) }
        let payload: ClientEvent.Payload
        switch type {
        case "profile":
            let service = try oneOf(.serviceType, ["premium", "standard"])
            let allow = try bool(.allowMessaging)
            let date = try stringBytes(.registeredAt)
            guard let day = date.withUnsafeBytes({ RFC3339.parseDate($0) }) else {
                throw EventError(.badValue, field: "registered_at", "«\(String(decoding: date, as: UTF8.self))» is not a YYYY-MM-DD date")
            }
            payload = .profile(serviceType: UInt8(service), allowMessaging: allow ? 0 : 1, registeredDay: Int32(day))
        case "visit":
            payload = .visit(minutes: try number(.minutes, max: 1440), pages: try number(.pages, max: 100_000),
                             categoriesViewed: try number(.categoriesViewed, max: 10_000))
        case "purchase":
            let items = try number(.items, max: 1_000_000)
            let promo = try number(.promoItems, max: 1_000_000)
            guard promo <= items else { throw EventError(.badValue, field: "promo_items", "\(promo) promo items of \(items) items") }
            payload = .purchase(revenue: try number(.revenue), items: items, promoItems: promo, category: try category(.category))
        case "cart_unpaid":
            payload = .cartUnpaid(items: try number(.items, max: 1_000_000))
        case "service_error":
            payload = .serviceError
        case "marketing_contact":
            let c = try oneOf(.channel, ClientEvent.Channel.allCases.map(\.rawValue))
            payload = .marketingContact(channel: ClientEvent.Channel.allCases[c])
        case "profit":
            payload = .profit(try number(.profit, min: -1e12))
        default:
            payload = .snapshot(try snapshot())
        }
        return ClientEvent(clientId: Int64(id), timeMillis: millis, eventId: eventId, payload: payload)
    }

    func snapshot() throws(EventError) -> Snapshot {
        typealias I = FeatureSpec.Index
        var f = [Double](repeating: 0, count: FeatureSpec.standard.count)
        f[I.serviceType] = Double(try oneOf(.serviceType, ["premium", "standard"]))
        f[I.allowMessaging] = try bool(.allowMessaging) ? 0 : 1
        f[I.marketActivity6m] = try number(.marketActivity6m, max: 10_000)
        f[I.marketActivityCurrent] = try number(.marketActivityCurrent, max: 10_000)
        f[I.tenureDays] = try number(.tenureDays, max: 100_000)
        f[I.promoShare] = try number(.promoShare, max: 1)
        f[I.promoLevel] = FeatureSpec.standard.promoLevel(forShare: f[I.promoShare])
        f[I.popularCategory] = Double(try category(.popularCategory))
        f[I.categoriesPerVisit] = try number(.categoriesPerVisit, max: 10_000)
        f[I.unpaidItemsQuarter] = try number(.unpaidItemsQuarter, max: 1_000_000)
        f[I.serviceErrors] = try number(.serviceErrors, max: 1_000_000)
        f[I.pagesPerVisit] = try number(.pagesPerVisit, max: 100_000)
        f[I.revenueBeforePrevious] = try number(.revenueBeforePrevious)
        f[I.revenuePrevious] = try number(.revenuePrevious)
        f[I.revenueCurrent] = try number(.revenueCurrent)
        f[I.minutesPrevious] = try number(.minutesPrevious, max: 44_640)
        f[I.minutesCurrent] = try number(.minutesCurrent, max: 44_640)
        return Snapshot(features: f, profit: try number(.profit, min: -1e12))
    }
}
