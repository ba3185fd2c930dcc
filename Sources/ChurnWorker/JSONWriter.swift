/// A minimal JSON writer into a byte buffer: objects, arrays, strings, numbers, booleans.
/// Numbers are the shortest text that reads back as the same Double; non-finite numbers become null.
struct JSONWriter {
    var bytes: [UInt8] = []
    private var needComma = false

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needComma = false }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needComma = true }
    mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needComma = false }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needComma = true }

    /// Writes `"name":` (the value follows).
    mutating func key(_ name: String) {
        separate()
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needComma = false
    }

    mutating func field(_ name: String, _ value: String) { key(name); separate(); string(value); needComma = true }
    mutating func field(_ name: String, _ value: Double) { key(name); number(value) }
    mutating func field(_ name: String, _ value: Int64) { key(name); raw(String(value)) }
    mutating func field(_ name: String, _ value: Bool) { key(name); raw(value ? "true" : "false") }
    mutating func fieldOrNull(_ name: String, _ value: String?) {
        if let value { field(name, value) } else { key(name); raw("null") }
    }

    mutating func number(_ v: Double) {
        guard v.isFinite else { raw("null"); return }
        if v == v.rounded(), abs(v) < 1e15 { raw(String(Int64(v))) } else { raw(v.description) }
    }

    mutating func raw(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        needComma = true
    }

    private mutating func separate() {
        if needComma { bytes.append(UInt8(ascii: ",")); needComma = false }
    }

    private mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
