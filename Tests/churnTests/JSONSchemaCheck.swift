import Foundation

/// A JSON Schema (2020-12) checker for the subset our schemas use: type (a name or a list of
/// names), const, enum, required, properties, additionalProperties, items, min/maxItems, minimum,
/// maximum, exclusiveMinimum, pattern, format date-time and local `$ref`s. Returns one message
/// per violation, with its JSON path.
struct JSONSchemaCheck {
    let root: [String: Any]

    init(schemaPath: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: schemaPath))
        root = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func violations(of value: Any) -> [String] { check(value, root, "$") }

    private func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let ref = schema["$ref"] as? String, ref.hasPrefix("#/") else { return schema }
        var node: Any = root
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] ?? [:] }
        return node as? [String: Any] ?? [:]
    }

    private func check(_ value: Any, _ raw: [String: Any], _ path: String) -> [String] {
        let schema = resolve(raw)
        var out: [String] = []
        if let types = (schema["type"] as? String).map({ [$0] }) ?? schema["type"] as? [String],
           !types.contains(where: { Self.matches(value, $0) }) {
            return ["\(path): expected \(types.joined(separator: " or "))"]
        }
        if let c = schema["const"], !Self.equal(value, c) { out.append("\(path): expected \(c)") }
        if let e = schema["enum"] as? [Any], !e.contains(where: { Self.equal(value, $0) }) { out.append("\(path): not in \(e)") }
        if let n = Self.number(value) {
            if let m = schema["minimum"] as? Double, n < m { out.append("\(path): below \(m)") }
            if let m = schema["maximum"] as? Double, n > m { out.append("\(path): above \(m)") }
            if let m = schema["exclusiveMinimum"] as? Double, n <= m { out.append("\(path): not above \(m)") }
        }
        if let s = value as? String, let p = schema["pattern"] as? String,
           s.range(of: p, options: .regularExpression) == nil { out.append("\(path): «\(s)» does not match \(p)") }
        if let s = value as? String, schema["format"] as? String == "date-time",
           s.range(of: Self.dateTime, options: .regularExpression) == nil { out.append("\(path): «\(s)» is not an RFC 3339 date-time") }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { out.append("\(path): missing \(key)") }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, v) in object {
                if let sub = properties[key] as? [String: Any] {
                    out += check(v, sub, "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    out.append("\(path): unexpected \(key)")
                } else if let sub = schema["additionalProperties"] as? [String: Any] {
                    out += check(v, sub, "\(path).\(key)")
                }
            }
        }
        if let array = value as? [Any] {
            if let m = schema["minItems"] as? Int, array.count < m { out.append("\(path): fewer than \(m) items") }
            if let m = schema["maxItems"] as? Int, array.count > m { out.append("\(path): more than \(m) items") }
            if let items = schema["items"] as? [String: Any] {
                for (i, v) in array.enumerated() { out += check(v, items, "\(path)[\(i)]") }
            }
        }
        return out
    }

    static let dateTime = #"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"#

    private static func isBool(_ v: Any) -> Bool {
        // Foundation on Linux hands JSON booleans out as __NSCFBoolean, numbers as NSNumber.
        String(describing: type(of: v)).contains("Boolean")
    }

    private static func number(_ v: Any) -> Double? { isBool(v) ? nil : (v as? NSNumber)?.doubleValue }

    private static func matches(_ v: Any, _ type: String) -> Bool {
        switch type {
        case "object": return v is [String: Any]
        case "array": return v is [Any]
        case "string": return v is String
        case "boolean": return isBool(v)
        case "number": return number(v) != nil
        case "integer": return number(v).map { $0 == $0.rounded() } ?? false
        case "null": return v is NSNull
        default: return false
        }
    }

    private static func equal(_ a: Any, _ b: Any) -> Bool {
        if let x = number(a), let y = number(b) { return x == y }
        if let x = a as? String, let y = b as? String { return x == y }
        return false
    }
}
