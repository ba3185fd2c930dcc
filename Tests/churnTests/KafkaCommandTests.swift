import ChurnStream
import Foundation
import Testing

/// The stream commands as a newcomer runs them: the demo, the embedded broker alone, and
/// events produced to Kafka by `simulate`.
@Suite(.serialized)
struct KafkaCommandTests {
    @Test func demoRunsEndToEndAndSummarises() throws {
        let r = try CLIRunner.run(["demo", "--clients", "300", "--days", "12", "--speed", "40", "--partitions", "4",
                                   "--model", WorkerFixture.modelPath, "--quiet"])
        #expect(r.status == 0, "\(r.stderr.suffix(2000))")
        #expect(r.stderr.contains("embedded Kafka broker at 127.0.0.1:"))
        let summary = try #require(r.stderr.split(separator: "\n").last { $0.hasPrefix("demo finished") })
        // Everything produced was consumed, and alerts were read back from the alerts topic.
        func count(before label: String) -> Int? {
            guard let r = summary.range(of: label) else { return nil }
            return Int(summary[..<r.lowerBound].split(separator: " ").last ?? "")
        }
        let produced = try #require(count(before: " events produced")), consumed = count(before: " consumed")
        #expect(produced > 300 && consumed == produced, "\(summary)")
        #expect(summary.contains(" 0 rejected"))
        #expect(!summary.contains(" 0 at_risk"), "\(summary)")
    }

    @Test func brokerPrintsItsAddressAndServesClients() throws {
        let p = Process()
        p.executableURL = CLIRunner.executable
        p.arguments = ["broker", "--partitions", "2"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        let first = String(decoding: out.fileHandleForReading.availableDataUntilNewline(), as: UTF8.self)
        let address = try #require(first.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        #expect(first.hasPrefix("bootstrap: 127.0.0.1:"))

        // `simulate --brokers` produces exactly what it would print, keyed by client.
        let lines = try CLIRunner.run(["simulate", "--clients", "20", "--days", "2", "--model", WorkerFixture.modelPath])
        let produced = try CLIRunner.run(["simulate", "--clients", "20", "--days", "2", "--model", WorkerFixture.modelPath,
                                          "--brokers", address, "--topic", "client-events"])
        #expect(produced.status == 0, "\(produced.stderr)")
        let records = try WorkerFixture.read("client-events", brokers: address)
        let expected = lines.stdout.split(separator: "\n").map(String.init)
        #expect(records.count == expected.count)
        #expect(Set(records.map { String(decoding: $0.value, as: UTF8.self) }) == Set(expected))
        for r in records {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.value)) as? [String: Any])
            #expect(r.key.map { String(decoding: $0, as: UTF8.self) } == "\(o["client_id"] ?? "")")
        }
        p.terminate()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }
}

extension FileHandle {
    /// Reads until a newline (or end of file).
    func availableDataUntilNewline() -> Data {
        var data = Data()
        while true {
            let byte = readData(ofLength: 1)
            if byte.isEmpty { break }
            data.append(byte)
            if byte.first == 0x0A { break }
        }
        return data
    }
}
