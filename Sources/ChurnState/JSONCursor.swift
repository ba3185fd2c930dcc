/// A strict, allocation-free JSON tokenizer over UTF-8 bytes (RFC 8259), enough to read one
/// flat event object: scalar values are decoded, nested values can be skipped.
struct JSONCursor {
    let bytes: UnsafeRawBufferPointer
    var i = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// A scalar value, or a nested one that was skipped.
    enum Value {
        /// Byte range of the string's contents (between the quotes); `escaped` when it holds `\`.
        case string(Range<Int>, escaped: Bool)
        case number(Double, integral: Bool)
        case bool(Bool)
        case null
        case composite
    }

    struct SyntaxError: Error {
        let offset: Int
        let what: String
    }

    var atEnd: Bool { i >= bytes.count }

    mutating func skipWhitespace() {
        while i < bytes.count {
            let c = bytes[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    mutating func expect(_ c: UInt8) throws(SyntaxError) {
        skipWhitespace()
        guard i < bytes.count, bytes[i] == c else { throw SyntaxError(offset: i, what: "expected «\(Character(Unicode.Scalar(c)))»") }
        i += 1
    }

    /// Consumes `c` if it is next (after whitespace).
    mutating func consume(_ c: UInt8) -> Bool {
        skipWhitespace()
        if i < bytes.count, bytes[i] == c { i += 1; return true }
        return false
    }

    /// Reads a string token; the cursor must be at its opening quote.
    mutating func string() throws(SyntaxError) -> (Range<Int>, escaped: Bool) {
        skipWhitespace()
        guard i < bytes.count, bytes[i] == 0x22 else { throw SyntaxError(offset: i, what: "expected a string") }
        i += 1
        let start = i
        var escaped = false
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x22 {
                let range = start..<i
                i += 1
                return (range, escaped)
            }
            if c == 0x5C {
                escaped = true
                i += 1
                guard i < bytes.count else { break }
                switch bytes[i] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 1
                case 0x75:
                    guard i + 4 < bytes.count, (1...4).allSatisfy({ Self.hex(bytes[i + $0]) != nil }) else {
                        throw SyntaxError(offset: i, what: "bad \\u escape")
                    }
                    i += 5
                default: throw SyntaxError(offset: i, what: "bad escape")
                }
                continue
            }
            guard c >= 0x20 else { throw SyntaxError(offset: i, what: "control character in a string") }
            if c >= 0x80 {
                guard let n = Self.utf8Length(bytes, i) else { throw SyntaxError(offset: i, what: "not UTF-8") }
                i += n
                continue
            }
            i += 1
        }
        throw SyntaxError(offset: i, what: "unterminated string")
    }

    /// Length of the well-formed UTF-8 sequence starting at `at` with a byte ≥ 0x80, or nil
    /// (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF).
    static func utf8Length(_ b: UnsafeRawBufferPointer, _ at: Int) -> Int? {
        let n: Int, second: ClosedRange<UInt8>
        switch b[at] {
        case 0xC2...0xDF: n = 2; second = 0x80...0xBF
        case 0xE0: n = 3; second = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE, 0xEF: n = 3; second = 0x80...0xBF
        case 0xED: n = 3; second = 0x80...0x9F
        case 0xF0: n = 4; second = 0x90...0xBF
        case 0xF1...0xF3: n = 4; second = 0x80...0xBF
        case 0xF4: n = 4; second = 0x80...0x8F
        default: return nil
        }
        guard at + n <= b.count, second.contains(b[at + 1]) else { return nil }
        for k in 2..<n where !(0x80...0xBF).contains(b[at + k]) { return nil }
        return n
    }

    /// Reads any value; objects and arrays are skipped (nesting limited to `depth`).
    mutating func value(depth: Int = 32) throws(SyntaxError) -> Value {
        skipWhitespace()
        guard i < bytes.count else { throw SyntaxError(offset: i, what: "expected a value") }
        switch bytes[i] {
        case 0x22:
            let (r, e) = try string()
            return .string(r, escaped: e)
        case 0x7B, 0x5B:
            try skipComposite(depth: depth)
            return .composite
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        default:
            return try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw SyntaxError(offset: i, what: "truncated literal") }
        let w = word.utf8Start
        for k in 0..<n where bytes[i + k] != w[k] { throw SyntaxError(offset: i, what: "bad literal") }
        i += n
    }

    private mutating func skipComposite(depth: Int) throws(SyntaxError) {
        guard depth > 0 else { throw SyntaxError(offset: i, what: "nested too deep") }
        let open = bytes[i]
        let close: UInt8 = open == 0x7B ? 0x7D : 0x5D
        i += 1
        if consume(close) { return }
        repeat {
            if open == 0x7B {
                _ = try string()
                try expect(0x3A)
            }
            _ = try value(depth: depth - 1)
        } while consume(0x2C)
        try expect(close)
    }

    /// Powers of ten exactly representable as Double.
    private static let exact: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                          1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// JSON number grammar; correctly rounded (Clinger's fast path, else the standard library's parser).
    private mutating func number() throws(SyntaxError) -> Value {
        let start = i
        if bytes[i] == 0x2D { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        guard i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 else { throw SyntaxError(offset: i, what: "expected a value") }
        if bytes[i] == 0x30 {
            i += 1
        } else {
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] - 0x30); digits += 1 } else { exponent += 1 }
                i += 1
            }
        }
        var integral = true
        if i < bytes.count, bytes[i] == 0x2E {
            i += 1
            let fracStart = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(bytes[i] - 0x30); digits += 1; exponent -= 1 }
                if bytes[i] != 0x30 { integral = false }
                i += 1
            }
            guard i > fracStart else { throw SyntaxError(offset: i, what: "digits expected after «.»") }
        }
        if i < bytes.count, bytes[i] == 0x65 || bytes[i] == 0x45 {
            i += 1
            var sign = 1
            if i < bytes.count, bytes[i] == 0x2B || bytes[i] == 0x2D { sign = bytes[i] == 0x2D ? -1 : 1; i += 1 }
            let expStart = i
            var e = 0
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                if e < 100_000 { e = e * 10 + Int(bytes[i] - 0x30) }
                i += 1
            }
            guard i > expStart else { throw SyntaxError(offset: i, what: "digits expected in the exponent") }
            exponent += sign * e
        }
        let negative = bytes[start] == 0x2D
        var value: Double
        if mantissa < (1 << 53), exponent >= -22, exponent <= 22 {
            value = Double(mantissa)
            value = exponent >= 0 ? value * Self.exact[exponent] : value / Self.exact[-exponent]
        } else {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            guard let v = Double(text) else { throw SyntaxError(offset: start, what: "bad number") }
            return .number(v, integral: v == v.rounded())
        }
        if negative { value = -value }
        return .number(value, integral: integral && value == value.rounded())
    }

    static func hex(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: UInt32(c - 0x30)
        case 0x41...0x46: UInt32(c - 0x41 + 10)
        case 0x61...0x66: UInt32(c - 0x61 + 10)
        default: nil
        }
    }

    /// The decoded bytes of a string token (escapes resolved; surrogate pairs joined).
    func decoded(_ range: Range<Int>, escaped: Bool) -> [UInt8] {
        guard escaped else { return Array(UnsafeRawBufferPointer(rebasing: bytes[range])) }
        var out: [UInt8] = []
        var k = range.lowerBound
        func code(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 << 4 | (Self.hex(bytes[at + $1]) ?? 0) } }
        while k < range.upperBound {
            let c = bytes[k]
            guard c == 0x5C else { out.append(c); k += 1; continue }
            let e = bytes[k + 1]
            k += 2
            switch e {
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                var scalar = code(k)
                k += 4
                if (0xD800..<0xDC00).contains(scalar), k + 6 <= range.upperBound, bytes[k] == 0x5C, bytes[k + 1] == 0x75 {
                    let low = code(k + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        k += 6
                    }
                }
                out.append(contentsOf: String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default: out.append(e)
            }
        }
        return out
    }
}
