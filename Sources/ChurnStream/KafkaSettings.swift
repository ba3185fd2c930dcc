import CRdKafka

/// librdkafka properties in the order given: the worker's defaults first, then the user's
/// `-X key=value` pass-throughs, which win. Values of secret properties never reach logs.
public struct KafkaSettings: Sendable, Equatable {
    public private(set) var properties: [(key: String, value: String)] = []

    public init(_ properties: [(String, String)] = []) {
        for (k, v) in properties { set(k, v) }
    }

    public static func == (a: KafkaSettings, b: KafkaSettings) -> Bool {
        a.properties.elementsEqual(b.properties) { $0.key == $1.key && $0.value == $1.value }
    }

    /// Sets (or replaces) one property.
    public mutating func set(_ key: String, _ value: String) {
        if let i = properties.firstIndex(where: { $0.key == key }) {
            properties[i].value = value
        } else {
            properties.append((key, value))
        }
    }

    public func value(_ key: String) -> String? { properties.first { $0.key == key }?.value }

    /// These settings without `key`.
    public func removing(_ key: String) -> KafkaSettings {
        var s = self
        s.properties.removeAll { $0.key == key }
        return s
    }

    /// These settings with `other`'s on top.
    public func merging(_ other: KafkaSettings) -> KafkaSettings {
        var s = self
        for (k, v) in other.properties { s.set(k, v) }
        return s
    }

    /// Parses `key=value` (the `-X` argument).
    public static func parseAssignment(_ text: String) -> (String, String)? {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else { return nil }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }

    /// Whether a property holds a secret (passwords, keys, tokens).
    public static func isSecret(_ key: String) -> Bool {
        let k = key.lowercased()
        return ["password", "secret", "sasl.oauthbearer.config", "ssl.key.pem", "ssl_key", "token", "ssl.keystore"]
            .contains { k.contains($0) }
    }

    /// The properties as they may be logged: secret values replaced by `[redacted]`.
    public var redacted: [(key: String, value: String)] {
        properties.map { ($0.key, Self.isSecret($0.key) ? "[redacted]" : $0.value) }
    }

    /// A librdkafka configuration object; the caller owns it (or hands it to rd_kafka_new).
    func makeConf() throws(StreamError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else { throw StreamError(.clientFailed, "rd_kafka_conf_new failed") }
        var err = [CChar](repeating: 0, count: 512)
        for (key, value) in properties {
            let r = rd_kafka_conf_set(conf, key, value, &err, err.count)
            if r != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let shown = Self.isSecret(key) ? "[redacted]" : value
                throw StreamError(.badConfig, "librdkafka refused \(key)=\(shown): \(String(cString: err)); see librdkafka's CONFIGURATION.md")
            }
        }
        return conf
    }
}

/// A librdkafka error code as text.
func kafkaErrorText(_ err: rd_kafka_resp_err_t) -> String {
    "\(String(cString: rd_kafka_err2name(err))): \(String(cString: rd_kafka_err2str(err)))"
}
