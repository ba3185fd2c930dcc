import Testing
@testable import ChurnState
import ChurnModel

/// Every reason code of `EventError.Reason`, plus truncated, empty and oversized messages.
@Suite struct RefusalTests {
    /// Expects the message to be refused for `reason` (and `field`, when given).
    static func refused(_ text: String, _ reason: EventError.Reason, field: String? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        refused(Array(text.utf8), reason, field: field, sourceLocation: sourceLocation)
    }

    static func refused(_ bytes: [UInt8], _ reason: EventError.Reason, field: String? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        let error = Fixture.refusal(bytes)
        let shown = String(decoding: bytes.prefix(200), as: UTF8.self)
        #expect(error?.reason == reason, "«\(shown)»: \(error.map(String.init(describing:)) ?? "accepted")", sourceLocation: sourceLocation)
        if let field { #expect(error?.field == field, "«\(shown)»", sourceLocation: sourceLocation) }
    }

    /// Each (example, text, replacement, field) edit is refused for `reason`, naming that field.
    static func refused(_ edits: [(String, String, String, String)], _ reason: EventError.Reason,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (name, old, new, field) in edits {
            refused(try Fixture.example(name, replacing: old, with: new), reason, field: field, sourceLocation: sourceLocation)
        }
    }

    /// A visit example with one field's text replaced.
    static func visit(_ old: String, _ new: String) throws -> String { try Fixture.example("visit", replacing: old, with: new) }

    @Test func badJSON() throws {
        let visit = try Fixture.example("visit")
        for text in ["not json", "[]", "\"visit\"", "null", "{", "}", "{,}", "{\"schema\"}", "{\"schema\":}",
                     visit + "x", visit + " {}", visit + ",", String(visit.dropLast()) + ",}",
                     try Self.visit("\"minutes\":7.5", "\"minutes\":07.5"), try Self.visit("\"minutes\":7.5", "\"minutes\":7."),
                     try Self.visit("\"minutes\":7.5", "\"minutes\":.5"), try Self.visit("\"minutes\":7.5", "\"minutes\":+7.5"),
                     try Self.visit("\"minutes\":7.5", "\"minutes\":7.5e"), try Self.visit("\"minutes\":7.5", "\"minutes\":NaN"),
                     try Self.visit("\"minutes\":7.5", "minutes:7.5"), try Self.visit("\"minutes\":7.5", "'minutes':7.5"),
                     try Self.visit("\"event_id\":\"web-77\"", "\"event_id\":\"web\\x77\""),
                     try Self.visit("\"event_id\":\"web-77\"", "\"event_id\":\"web\\u77\""),
                     try Self.visit("\"event_id\":\"web-77\"", "\"event_id\":\"web\t77\""),
                     try Self.visit("\"event_id\":\"web-77\"", "\"extra\":tru"),
                     try Self.visit("\"event_id\":\"web-77\"", "\"extra\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40))] {
            Self.refused(text, .badJSON, field: nil)
        }
        // Not UTF-8, inside a string the parser would otherwise carry into logs and headers.
        for bad: [UInt8] in [[0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80]] {
            var bytes = Array(try Self.visit("web-77", "web-#").utf8)
            let at = try #require(bytes.firstIndex(of: UInt8(ascii: "#")))
            bytes.replaceSubrange(at...at, with: bad)
            Self.refused(bytes, .badJSON)
        }
        // What is allowed: whitespace around, nesting in unknown fields, escapes, any valid UTF-8.
        for text in ["  \n" + visit + "\r\n\t ", try Self.visit("\"event_id\":\"web-77\"", "\"extra\":[{\"a\":[1,{}]},null,true,-0.5e-3]"),
                     try Self.visit("\"event_id\":\"web-77\"", "\"event_id\":\"w\\u0065b\\n\\\"\\/\\uD83D\\uDE00 ёж 🦔\"")] {
            #expect(Fixture.refusal(text) == nil, "«\(text)»")
        }
    }

    /// Every proper prefix of every example is a truncated message.
    @Test(arguments: Fixture.exampleNames)
    func truncated(name: String) throws {
        let bytes = Array(try Fixture.example(name).utf8)
        for n in 0..<bytes.count { Self.refused(Array(bytes.prefix(n)), .badJSON) }
    }

    @Test func empty() {
        #expect(Fixture.refusal([UInt8]())?.reason == .badJSON)
        #expect(Fixture.refusal([UInt8]())?.message == "empty message")
        for text in [" ", "\n", "\r\n\t "] { Self.refused(text, .badJSON) }
    }

    @Test func unknownSchema() throws {
        for schema in ["client-event/v2", "Client-Event/v1", "client-event", "", "client-event/v1 "] {
            Self.refused(try Self.visit("client-event/v1", schema), .unknownSchema, field: "schema")
        }
        // An escaped spelling of the right name is the right name.
        #expect(Fixture.refusal(try Self.visit("client-event/v1", "client\\u002devent\\/v1")) == nil)
    }

    @Test func unknownType() throws {
        for type in ["click", "Visit", "visits", "", "snapshot\\u0000"] {
            Self.refused(try Self.visit("\"type\":\"visit\"", "\"type\":\"\(type)\""), .unknownType, field: "type")
        }
    }

    @Test func missingField() throws {
        for (name, field) in [("visit", "schema"), ("visit", "type"), ("visit", "client_id"), ("visit", "ts"),
                              ("visit", "minutes"), ("visit", "pages"), ("visit", "categories_viewed"),
                              ("purchase", "revenue"), ("purchase", "items"), ("purchase", "promo_items"), ("purchase", "category"),
                              ("profile", "service_type"), ("profile", "allow_messaging"), ("profile", "registered_at"),
                              ("cart_unpaid", "items"), ("marketing_contact", "channel"), ("profit", "profit"),
                              ("snapshot", "market_activity_6m"), ("snapshot", "popular_category"), ("snapshot", "profit")] {
            // Renaming the key removes the field; the renamed one is an unknown field, ignored.
            Self.refused(try Fixture.example(name, replacing: "\"\(field)\":", with: "\"x_\(field)\":"), .missingField, field: field)
            // null counts as absent.
            let text = try Fixture.example(name)
            let value = try #require(Self.valueText(of: field, in: text))
            Self.refused(text.replacingOccurrences(of: "\"\(field)\":\(value)", with: "\"\(field)\":null"), .missingField, field: field)
        }
        Self.refused("{}", .missingField, field: "schema")
        // event_id is optional, null included.
        #expect(try Fixture.parse(try Self.visit("\"web-77\"", "null")).eventId == nil)
        #expect(try Fixture.parse(try Fixture.example("profit")).eventId == nil)
    }

    /// The raw text of a top-level field's value in a flat example.
    static func valueText(of field: String, in text: String) -> String? {
        guard let key = text.range(of: "\"\(field)\":") else { return nil }
        let rest = text[key.upperBound...]
        if rest.first == "\"" {
            guard let close = rest.dropFirst().firstIndex(of: "\"") else { return nil }
            return String(rest[...close])
        }
        return String(rest.prefix { $0 != "," && $0 != "}" })
    }

    @Test func badType() throws {
        try Self.refused([
            ("visit", "\"schema\":\"client-event/v1\"", "\"schema\":1", "schema"),
            ("visit", "\"type\":\"visit\"", "\"type\":true", "type"),
            ("visit", "\"client_id\":215348", "\"client_id\":\"215348\"", "client_id"),
            ("visit", "\"ts\":\"2026-03-01T09:05:12+03:00\"", "\"ts\":1772345112000", "ts"),
            ("visit", "\"event_id\":\"web-77\"", "\"event_id\":77", "event_id"),
            ("visit", "\"minutes\":7.5", "\"minutes\":\"7.5\"", "minutes"),
            ("visit", "\"pages\":6", "\"pages\":[6]", "pages"),
            ("visit", "\"categories_viewed\":3", "\"categories_viewed\":{\"n\":3}", "categories_viewed"),
            ("visit", "\"minutes\":7.5", "\"minutes\":false", "minutes"),
            ("profile", "\"allow_messaging\":true", "\"allow_messaging\":\"true\"", "allow_messaging"),
            ("profile", "\"allow_messaging\":true", "\"allow_messaging\":1", "allow_messaging"),
            ("profile", "\"service_type\":\"premium\"", "\"service_type\":0", "service_type"),
            ("profile", "\"registered_at\":\"2025-10-31\"", "\"registered_at\":20251031", "registered_at"),
            ("purchase", "\"category\":\"Товары для детей\"", "\"category\":5", "category"),
            ("marketing_contact", "\"channel\":\"email\"", "\"channel\":[\"email\"]", "channel"),
            ("profit", "\"profit\":4.16", "\"profit\":\"4.16\"", "profit"),
            ("snapshot", "\"tenure_days\":819", "\"tenure_days\":\"819\"", "tenure_days"),
        ], .badType)
    }

    @Test func badValue() throws {
        try Self.refused([
            ("visit", "\"client_id\":215348", "\"client_id\":-1", "client_id"),
            ("visit", "\"client_id\":215348", "\"client_id\":1.5", "client_id"),
            ("visit", "\"client_id\":215348", "\"client_id\":9e15", "client_id"),
            ("visit", "09:05:12+03:00", "09:05:12", "ts"),
            ("visit", "09:05:12+03:00", "24:00:00Z", "ts"),
            ("visit", "09:05:12+03:00", "09:60:00Z", "ts"),
            ("visit", "09:05:12+03:00", "09:05:12+24:00", "ts"),
            ("visit", "2026-03-01T", "2026-02-29T", "ts"),
            ("visit", "2026-03-01T", "2026-3-01T", "ts"),
            ("visit", "\"minutes\":7.5", "\"minutes\":-0.1", "minutes"),
            ("visit", "\"minutes\":7.5", "\"minutes\":1440.5", "minutes"),
            ("visit", "\"minutes\":7.5", "\"minutes\":1e400", "minutes"),
            ("visit", "\"pages\":6", "\"pages\":100001", "pages"),
            ("visit", "\"categories_viewed\":3", "\"categories_viewed\":10001", "categories_viewed"),
            ("profile", "\"service_type\":\"premium\"", "\"service_type\":\"gold\"", "service_type"),
            ("profile", "\"registered_at\":\"2025-10-31\"", "\"registered_at\":\"2025-02-29\"", "registered_at"),
            ("profile", "\"registered_at\":\"2025-10-31\"", "\"registered_at\":\"2025-10-31T00:00:00Z\"", "registered_at"),
            ("purchase", "\"revenue\":1543.9", "\"revenue\":-0.01", "revenue"),
            ("purchase", "\"promo_items\":1", "\"promo_items\":4", "promo_items"),
            ("purchase", "\"items\":3", "\"items\":1000001", "items"),
            ("cart_unpaid", "\"items\":2", "\"items\":-2", "items"),
            ("marketing_contact", "\"channel\":\"email\"", "\"channel\":\"fax\"", "channel"),
            ("profit", "\"profit\":4.16", "\"profit\":1e13", "profit"),
            ("snapshot", "\"promo_share\":0.75", "\"promo_share\":1.01", "promo_share"),
            ("snapshot", "\"service_errors\":2", "\"service_errors\":-1", "service_errors"),
        ], .badValue)
        // The edges themselves are accepted.
        for (name, old, new) in [("visit", "\"minutes\":7.5", "\"minutes\":1440"), ("visit", "\"minutes\":7.5", "\"minutes\":0"),
                                 ("visit", "\"client_id\":215348", "\"client_id\":0"), ("visit", "\"client_id\":215348", "\"client_id\":12.0"),
                                 ("purchase", "\"promo_items\":1", "\"promo_items\":3"), ("profit", "\"profit\":4.16", "\"profit\":-1e12"),
                                 ("visit", "2026-03-01T09:05:12+03:00", "2024-02-29T23:59:60.5z")] {
            let text = try Fixture.example(name, replacing: old, with: new)
            #expect(Fixture.refusal(text) == nil, "«\(text)»")
        }
    }

    /// Times are RFC 3339 instants whose UTC form is within years 0000–9999, so the encoder can
    /// write every accepted event back.
    @Test func timesOutsideTheRFC3339Years() throws {
        for ts in ["9999-12-31T23:30:00-01:00", "0000-01-01T00:30:00+01:00"] {
            Self.refused(try Self.visit("2026-03-01T09:05:12+03:00", ts), .badValue, field: "ts")
        }
        for ts in ["9999-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z", "9999-12-31T23:30:00+01:00", "0000-01-01T00:30:00-01:00"] {
            let e = try Fixture.parse(try Self.visit("2026-03-01T09:05:12+03:00", ts))
            #expect(try Fixture.parse(EventEncoder.json(e)) == e, "\(ts)")
        }
    }

    @Test func unknownCategory() throws {
        for category in ["Книги", "товары для детей", "Товары для детей ", "Tovary dlya detey", ""] {
            Self.refused(try Fixture.example("purchase", replacing: "Товары для детей", with: category), .unknownCategory, field: "category")
            Self.refused(try Fixture.example("snapshot", replacing: "Товары для детей", with: category), .unknownCategory,
                         field: "popular_category")
        }
        for (i, category) in FeatureSpec.shopCategories.enumerated() {
            let e = try Fixture.parse(try Fixture.example("purchase", replacing: "Товары для детей", with: category))
            #expect(e.payload == .purchase(revenue: 1543.9, items: 3, promoItems: 1, category: UInt8(i)))
        }
    }

    @Test func duplicateField() throws {
        for (old, new, field) in [("\"minutes\":7.5", "\"minutes\":7.5,\"minutes\":7.5", "minutes"),
                                  ("\"client_id\":215348", "\"client_id\":215348,\"client_id\":1", "client_id"),
                                  ("\"event_id\":\"web-77\"", "\"event_id\":null,\"event_id\":\"x\"", "event_id"),
                                  ("\"schema\":\"client-event/v1\"", "\"schema\":\"client-event/v1\",\"schema\":\"client-event/v1\"", "schema"),
                                  // The same name spelled with an escape is the same field.
                                  ("\"minutes\":7.5", "\"minutes\":7.5,\"minut\\u0065s\":9999", "minutes")] {
            Self.refused(try Self.visit(old, new), .duplicateField, field: field)
        }
        // An unknown field twice is ignored; an escaped known name alone is that field.
        #expect(Fixture.refusal(try Self.visit("\"event_id\":\"web-77\"", "\"x\":1,\"x\":2")) == nil)
        let escaped = try Fixture.parse(try Self.visit("\"minutes\":7.5", "\"\\u006dinutes\":8"))
        #expect(escaped.payload == .visit(minutes: 8, pages: 6, categoriesViewed: 3))
    }

    /// Over 16 KiB is too large, whatever the content; exactly 16 KiB is fine.
    @Test func tooLarge() throws {
        let visit = try Fixture.example("visit")
        let padding = 16 * 1024 - visit.utf8.count - ",\"pad\":\"\"".utf8.count
        let exact = try Self.visit("\"minutes\":7.5", "\"pad\":\"\(String(repeating: "p", count: padding))\",\"minutes\":7.5")
        #expect(exact.utf8.count == 16 * 1024)
        #expect(Fixture.refusal(exact) == nil)
        Self.refused(exact.replacingOccurrences(of: "\"pad\":\"", with: "\"pad\":\"p"), .tooLarge)
        Self.refused([UInt8](repeating: 0xFF, count: 20_000), .tooLarge)
        Self.refused(visit + String(repeating: " ", count: 16 * 1024), .tooLarge)
        // The limit is the parser's setting.
        #expect(throws: EventError.self) { try EventParser(maxBytes: 100).parse(Array(visit.utf8)) }
        #expect((try? EventParser(maxBytes: visit.utf8.count).parse(Array(visit.utf8))) != nil)
    }

    /// A refused message never reaches the engine.
    @Test func refusedMessagesLeaveTheEngineAlone() throws {
        var engine = StateEngine()
        for e in try Fixture.exampleEvents() { _ = engine.apply(e) }
        let clients = engine.clients, stats = engine.stats, clock = engine.clockMillis
        for text in ["", "{", try Self.visit("\"minutes\":7.5", "\"minutes\":-1"), try Self.visit("visit", "visits"),
                     try Self.visit("\"ts\":\"2026-03-01T09:05:12+03:00\"", "\"ts\":\"2027-01-01T00:00:00Z\",\"pages\":\"6\"")] {
            #expect(Fixture.process(&engine, Array(text.utf8)) != nil)
        }
        #expect(engine.clients == clients)
        #expect(engine.stats == stats)
        #expect(engine.clockMillis == clock)
    }
}
