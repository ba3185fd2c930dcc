import ChurnState
import Foundation

/// Structured log lines on stderr: one JSON object per line with `ts`, `level`, `msg` and the
/// fields given. Each line goes out in one write(2), so lines from librdkafka's threads and the
/// worker's never interleave.
public struct Log: Sendable {
    public enum Level: String, Sendable { case debug, info, warn, error }

    /// A field value: text, integer, number or boolean.
    public enum Value: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case text(String), int(Int64), number(Double), bool(Bool)
        public init(stringLiteral s: String) { self = .text(s) }
        public init(integerLiteral i: Int64) { self = .int(i) }
    }

    public let component: String
    public let minimum: Level
    /// Where lines go (tests capture them); stderr by default.
    let sink: @Sendable (String) -> Void

    public init(component: String, minimum: Level = .info, sink: (@Sendable (String) -> Void)? = nil) {
        self.component = component
        self.minimum = minimum
        self.sink = sink ?? { line in
            line.utf8CString.withUnsafeBufferPointer { p in _ = write(2, p.baseAddress, p.count - 1) }
        }
    }

    public func debug(_ msg: String, _ fields: KeyValuePairs<String, Value> = [:]) { emit(.debug, msg, fields) }
    public func info(_ msg: String, _ fields: KeyValuePairs<String, Value> = [:]) { emit(.info, msg, fields) }
    public func warn(_ msg: String, _ fields: KeyValuePairs<String, Value> = [:]) { emit(.warn, msg, fields) }
    public func error(_ msg: String, _ fields: KeyValuePairs<String, Value> = [:]) { emit(.error, msg, fields) }

    static let order: [Level: Int] = [.debug: 0, .info: 1, .warn: 2, .error: 3]

    public func emit(_ level: Level, _ msg: String, _ fields: KeyValuePairs<String, Value>) {
        guard (Self.order[level] ?? 0) >= (Self.order[minimum] ?? 0) else { return }
        var line = "{\"ts\":\"\(Self.timestamp())\",\"level\":\"\(level.rawValue)\",\"component\":\(Self.quote(component)),\"msg\":\(Self.quote(msg))"
        for (k, v) in fields {
            line += ",\(Self.quote(k)):"
            switch v {
            case .text(let s): line += Self.quote(s)
            case .int(let i): line += String(i)
            case .number(let d): line += d.isFinite ? String(d) : "null"
            case .bool(let b): line += b ? "true" : "false"
            }
        }
        sink(line + "}\n")
    }

    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return RFC3339.format(millis: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec / 1_000_000))
    }

    static func quote(_ s: String) -> String { EventEncoder.quoted(s) }
}

/// Monotonic clock in nanoseconds (for latencies and intervals; never for event time).
@inline(__always)
public func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
