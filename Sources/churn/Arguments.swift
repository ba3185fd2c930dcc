import ChurnStream
import Foundation

/// Parsed `--flag value` options of one subcommand; unknown or repeated flags are errors.
struct Arguments {
    private var values: [String: String] = [:]
    private var used: Set<String> = []
    let command: String
    /// `-X key=value` librdkafka pass-throughs, in order (only where `passthrough` is allowed).
    private(set) var passthrough: [(String, String)] = []

    /// - Parameters:
    ///   - flags: flags that take a value; `switches`: flags without one.
    init(command: String, _ args: [String], flags: Set<String>, switches: Set<String> = [],
         passthrough allowPassthrough: Bool = false) throws(CLIError) {
        self.command = command
        var i = 0
        while i < args.count {
            let a = args[i]
            if allowPassthrough && (a == "-X" || a.hasPrefix("-X")) {
                let text = a == "-X" ? (i + 1 < args.count ? args[i + 1] : "") : String(a.dropFirst(2))
                guard let property = KafkaSettings.parseAssignment(text) else {
                    throw CLIError.usage(command, "-X needs key=value (a librdkafka property), got «\(text)»")
                }
                passthrough.append(property)
                i += a == "-X" ? 2 : 1
                continue
            }
            guard a.hasPrefix("--") else { throw CLIError.usage(command, "unexpected argument «\(a)»") }
            var name = String(a.dropFirst(2))
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if switches.contains(name) {
                values[name] = "true"
                i += 1
                continue
            }
            guard flags.contains(name) else { throw CLIError.usage(command, "unknown flag --\(name)") }
            guard values[name] == nil else { throw CLIError.usage(command, "--\(name) given twice") }
            if let inline {
                values[name] = inline
                i += 1
            } else {
                guard i + 1 < args.count, !args[i + 1].hasPrefix("--") else {
                    throw CLIError.usage(command, "--\(name) needs a value")
                }
                values[name] = args[i + 1]
                i += 2
            }
        }
    }

    func required(_ name: String) throws(CLIError) -> String {
        guard let v = values[name] else { throw CLIError.usage(command, "missing --\(name)") }
        return v
    }

    func optional(_ name: String) -> String? { values[name] }

    /// The flag's value, else the environment variable's (flags win), else nil.
    func optional(_ name: String, env: String) -> String? {
        if let v = values[name] { return v }
        if let v = ProcessInfo.processInfo.environment[env], !v.isEmpty { return v }
        return nil
    }

    func double(_ name: String, env: String? = nil) throws(CLIError) -> Double? {
        guard let s = env.map({ optional(name, env: $0) }) ?? values[name] else { return nil }
        guard let v = Double(s), v.isFinite else { throw CLIError.usage(command, "--\(name) must be a number, got «\(s)»") }
        return v
    }

    func flag(_ name: String) -> Bool { values[name] == "true" }

    func int(_ name: String, default d: Int) throws(CLIError) -> Int {
        guard let s = values[name] else { return d }
        guard let v = Int(s) else { throw CLIError.usage(command, "--\(name) must be an integer, got «\(s)»") }
        return v
    }

    func uint64(_ name: String, default d: UInt64) throws(CLIError) -> UInt64 {
        guard let s = values[name] else { return d }
        guard let v = UInt64(s) else { throw CLIError.usage(command, "--\(name) must be a non-negative integer, got «\(s)»") }
        return v
    }

    func choice(_ name: String, _ allowed: [String], default d: String) throws(CLIError) -> String {
        let v = values[name] ?? d
        guard allowed.contains(v) else {
            throw CLIError.usage(command, "--\(name) must be one of \(allowed.joined(separator: ", ")), got «\(v)»")
        }
        return v
    }
}
