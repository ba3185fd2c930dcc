import Testing
@testable import ChurnStream

struct KafkaSettingsTests {
    @Test func laterSettingsWinAndOrderIsKept() {
        var s = KafkaSettings([("a", "1"), ("b", "2")])
        s.set("a", "3")
        #expect(s.properties.map(\.key) == ["a", "b"])
        #expect(s.value("a") == "3")
        let merged = s.merging(KafkaSettings([("b", "9"), ("c", "4")]))
        #expect(merged.properties.map { "\($0.key)=\($0.value)" } == ["a=3", "b=9", "c=4"])
    }

    @Test(arguments: ["sasl.password", "ssl.key.password", "sasl.oauthbearer.config", "ssl.key.pem", "sasl.oauthbearer.client.secret"])
    func secretsAreRedacted(key: String) {
        let s = KafkaSettings([("bootstrap.servers", "127.0.0.1:9092"), (key, "hunter2")])
        #expect(KafkaSettings.isSecret(key))
        #expect(s.redacted.first { $0.key == key }?.value == "[redacted]")
        #expect(s.redacted.first { $0.key == "bootstrap.servers" }?.value == "127.0.0.1:9092")
        #expect(!s.redacted.map(\.value).contains("hunter2"))
    }

    @Test func assignmentsParse() {
        #expect(KafkaSettings.parseAssignment("security.protocol=SASL_SSL")! == ("security.protocol", "SASL_SSL"))
        #expect(KafkaSettings.parseAssignment("sasl.jaas=a=b")! == ("sasl.jaas", "a=b"))
        #expect(KafkaSettings.parseAssignment("=x") == nil)
        #expect(KafkaSettings.parseAssignment("novalue") == nil)
    }

    @Test func librdkafkaRefusesUnknownPropertiesWithoutLeakingSecrets() {
        do {
            _ = try KafkaSettings([("no.such.property", "1")]).makeConf()
            Issue.record("an unknown property must be refused")
        } catch {
            #expect(error.code == .badConfig)
            #expect(error.message.contains("no.such.property"))
        }
        do {
            _ = try KafkaSettings([("ssl.key.password.nonsense", "hunter2")]).makeConf()
            Issue.record("an unknown property must be refused")
        } catch {
            #expect(!error.message.contains("hunter2"))
        }
    }
}
