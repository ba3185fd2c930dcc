/// Strict parsing of RFC 3339 timestamps and ISO dates from UTF-8 bytes, without Foundation.
public enum RFC3339 {
    /// Milliseconds since the epoch of `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil when malformed.
    /// A leap second (:60) counts as :59.999.
    public static func parseMillis(_ s: UnsafeRawBufferPointer) -> Int64? {
        guard s.count >= 20, let days = parseDate(UnsafeRawBufferPointer(rebasing: s[0..<10])) else { return nil }
        let t = s[10]
        guard t == UInt8(ascii: "T") || t == UInt8(ascii: "t") || t == UInt8(ascii: " ") else { return nil }
        guard let hh = digits(s, 11, 2), s[13] == UInt8(ascii: ":"), let mm = digits(s, 14, 2),
              s[16] == UInt8(ascii: ":"), let ss = digits(s, 17, 2), hh < 24, mm < 60, ss <= 60 else { return nil }
        var i = 19
        var millis = 0
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var n = 0
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                if n < 3 { millis = millis * 10 + Int(s[i] - 48) }
                n += 1
                i += 1
            }
            guard n > 0 else { return nil }
            for _ in n..<3 where n < 3 { millis *= 10 }
        }
        guard i < s.count else { return nil }
        var offsetMinutes = 0
        switch s[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == s.count, let oh = digits(s, i + 1, 2), s[i + 3] == UInt8(ascii: ":"),
                  let om = digits(s, i + 4, 2), oh < 24, om < 60 else { return nil }
            offsetMinutes = (oh * 60 + om) * (s[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        default:
            return nil
        }
        guard i == s.count else { return nil }
        let second = ss == 60 ? 59 : ss
        if ss == 60 { millis = 999 }
        let total = ((Int64(days) * 24 + Int64(hh)) * 60 + Int64(mm) - Int64(offsetMinutes)) * 60 + Int64(second)
        let result = total * 1000 + Int64(millis)
        // An offset can carry the instant out of years 0000–9999, which `format` cannot write.
        guard utcRange.contains(result) else { return nil }
        return result
    }

    /// Milliseconds from 0000-01-01T00:00:00Z up to 9999-12-31T23:59:59.999Z.
    static let utcRange = Int64(DayMath.days(year: 0, month: 1, day: 1)) * 86_400_000
        ..< Int64(DayMath.days(year: 10000, month: 1, day: 1)) * 86_400_000

    /// Days since the epoch of `YYYY-MM-DD`; nil when malformed or not a calendar date.
    public static func parseDate(_ s: UnsafeRawBufferPointer) -> Int? {
        guard s.count == 10, let y = digits(s, 0, 4), s[4] == UInt8(ascii: "-"), let m = digits(s, 5, 2),
              s[7] == UInt8(ascii: "-"), let d = digits(s, 8, 2), (1...12).contains(m),
              d >= 1, d <= DayMath.daysInMonth(year: y, month: m) else { return nil }
        return DayMath.days(year: y, month: m, day: d)
    }

    /// Parses a String (tests and tools).
    public static func parseMillis(_ s: String) -> Int64? {
        var copy = s
        return copy.withUTF8 { parseMillis(UnsafeRawBufferPointer($0)) }
    }

    /// Formats milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static func format(millis: Int64) -> String {
        let day = DayMath.floorDiv(millis, 86_400_000)
        let rest = millis - day * 86_400_000
        let h = rest / 3_600_000, m = rest / 60_000 % 60, s = rest / 1000 % 60, ms = rest % 1000
        func pad(_ v: Int64, _ w: Int) -> String { let t = String(v); return String(repeating: "0", count: w - t.count) + t }
        return "\(DayMath.date(ofDay: Int(day)))T\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2))" + (ms == 0 ? "Z" : ".\(pad(ms, 3))Z")
    }

    private static func digits(_ s: UnsafeRawBufferPointer, _ at: Int, _ n: Int) -> Int? {
        guard at + n <= s.count else { return nil }
        var v = 0
        for i in at..<(at + n) {
            let c = s[i]
            guard c >= 48, c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }
}
