import ChurnModel
import ChurnState
import Foundation
import Testing

/// The `churn` executable end to end on small synthetic tables.
@Suite(.serialized) struct CLITests {
    static let tables: String? = try? SyntheticTables.write(clients: 160, seed: 11)

    func tables() throws -> String { try #require(Self.tables) }

    @Test func trainScoreExplainOnSyntheticTables() throws {
        let dir = try tables()
        let model = CLIRunner.temporaryPath("model.json")
        let report = CLIRunner.temporaryPath("report")
        let train = try CLIRunner.run(["train", "--tables", dir, "--out", model, "--report", report, "--seed", "3"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("test: F1"))
        #expect(train.stdout.contains("top 5 features"))
        for chart in ["report.md", "cv_f1.svg", "roc.svg", "confusion.svg", "importance.svg", "segment.svg"] {
            #expect(FileManager.default.fileExists(atPath: "\(report)/\(chart)"), "missing \(chart)")
        }
        let artifact = try ArtifactCodec.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: model))))
        #expect(artifact.training.trainIds.count + artifact.training.testIds.count == 160)
        #expect(Set(artifact.training.trainIds).isDisjoint(with: artifact.training.testIds))

        let score = try CLIRunner.run(["score", "--model", model, "--tables", dir])
        #expect(score.status == 0, "\(score.stderr)")
        let lines = score.stdout.split(separator: "\n")
        #expect(lines.first == "client_id,probability,decision_value,profit,in_segment")
        #expect(lines.count == 161)
        // Each row agrees with the artifact's own scorer and alert rule.
        let scorer = artifact.makeScorer()
        for line in lines.dropFirst() {
            let f = line.split(separator: ",")
            let p = try #require(Double(String(f[1])))
            let d = try #require(Double(String(f[2])))
            #expect((p >= 0) && (p <= 1))
            #expect((d > 0) == (p > 0.5) || abs(p - 0.5) < 0.2, "decision and probability disagree strongly")
            let profit = try #require(Double(String(f[3])))
            #expect((f[4] == "true") == (profit >= artifact.thresholds.profit && p >= artifact.thresholds.probability))
        }
        _ = scorer

        let json = try CLIRunner.run(["score", "--model", model, "--tables", dir, "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 160)
        #expect(rows.first?["decision_value"] is Double)

        let explain = try CLIRunner.run(["explain", "--model", model, "--tables", dir, "--client", "300005"])
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("pages_per_visit"))
        #expect(explain.stdout.split(separator: "\n").count == 2 + 17)
    }

    @Test func sameSeedGivesIdenticalArtifactBytes() throws {
        let dir = try tables()
        let a = CLIRunner.temporaryPath("a.json"), b = CLIRunner.temporaryPath("b.json"), c = CLIRunner.temporaryPath("c.json")
        for (out, seed) in [(a, "5"), (b, "5"), (c, "6")] {
            let r = try CLIRunner.run(["train", "--tables", dir, "--out", out, "--seed", seed])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let bytesA = try Data(contentsOf: URL(fileURLWithPath: a))
        #expect(bytesA == (try Data(contentsOf: URL(fileURLWithPath: b))))
        #expect(bytesA != (try Data(contentsOf: URL(fileURLWithPath: c))))
    }

    @Test func evaluateJSONHasEveryFamily() throws {
        let r = try CLIRunner.run(["evaluate", "--tables", try tables(), "--repeats", "2", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["repeats"] as? Int == 2)
        let families = try #require(object["families"] as? [[String: Any]])
        #expect(Set(families.compactMap { $0["family"] as? String }) == ["knn", "decision_tree", "logistic_regression", "svc"])
        for f in families {
            for key in ["cv_f1_mean", "cv_f1_sd", "test_f1_mean", "test_f1_sd", "auc_mean", "auc_sd"] {
                let v = try #require(f[key] as? Double, "\(key)")
                #expect(v >= 0 && v <= 1)
            }
        }
    }

    @Test(arguments: [
        (["train", "--out", "/tmp/x.json"], "missing --tables"),
        (["train", "--tables", "/nonexistent-dir", "--out", "/tmp/x.json"], "cannot read the file"),
        (["score", "--tables", "/tmp"], "missing --model"),
        (["score", "--model", "/nonexistent/model.json", "--tables", "/tmp"], "no such file"),
        (["evaluate", "--tables", "/tmp", "--repeats", "many"], "must be an integer"),
        (["train", "--tables", "/tmp", "--bogus", "1"], "unknown flag --bogus"),
        (["frobnicate"], "unknown command"),
    ])
    func errorsExitNonZeroWithOneLine(args: [String], expected: String) throws {
        let r = try CLIRunner.run(args)
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains(expected), "stderr: \(r.stderr)")
    }

    @Test func corruptModelIsRefusedWithReason() throws {
        let dir = try tables()
        let model = CLIRunner.temporaryPath("m.json")
        _ = try CLIRunner.run(["train", "--tables", dir, "--out", model])
        var bytes = try Data(contentsOf: URL(fileURLWithPath: model))
        let truncated = CLIRunner.temporaryPath("t.json")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let r1 = try CLIRunner.run(["score", "--model", truncated, "--tables", dir])
        #expect(r1.status == 1)
        #expect(r1.stderr.contains("invalid_json"))
        // Flip one digit inside the file: the checksum catches it.
        if let i = bytes.lastIndex(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "8") }) {
            bytes[i] += 1
        }
        let edited = CLIRunner.temporaryPath("e.json")
        try bytes.write(to: URL(fileURLWithPath: edited))
        let r2 = try CLIRunner.run(["score", "--model", edited, "--tables", dir])
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("checksum_mismatch"))
    }
}

/// `churn simulate` and `churn bootstrap` as a producer would use them.
@Suite struct StreamCommandTests {
    @Test func simulateIsDeterministicAndParses() throws {
        let a = try CLIRunner.run(["simulate", "--clients", "30", "--days", "5", "--seed", "9"])
        let b = try CLIRunner.run(["simulate", "--clients", "30", "--days", "5", "--seed", "9"])
        let c = try CLIRunner.run(["simulate", "--clients", "30", "--days", "5", "--seed", "10"])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != c.stdout)
        let parser = EventParser()
        var engine = StateEngine()
        var last: Int64 = .min
        let lines = a.stdout.split(separator: "\n")
        #expect(lines.count > 30)
        for (i, line) in lines.enumerated() {
            let e = try parser.parse(Array(line.utf8))
            if i < 30 {
                guard case .snapshot = e.payload else { Issue.record("line \(i) is not a snapshot"); continue }
            }
            #expect(e.timeMillis >= last, "events out of time order at line \(i)")
            last = e.timeMillis
            #expect(engine.apply(e).late == false)
        }
        #expect(engine.clientCount == 30)
    }

    @Test func bootstrapOfSyntheticTablesHasOneSnapshotPerClient() throws {
        let dir = try SyntheticTables.write(clients: 25, seed: 2)
        let r = try CLIRunner.run(["bootstrap", "--tables", dir, "--at", "2026-05-01T00:00:00Z"])
        #expect(r.status == 0, "\(r.stderr)")
        let events = try r.stdout.split(separator: "\n").map { try EventParser().parse(Array($0.utf8)) }
        #expect(events.count == 25)
        #expect(Set(events.map(\.clientId)).count == 25)
        #expect(events.allSatisfy { $0.timeMillis == RFC3339.parseMillis("2026-05-01T00:00:00Z") })
        let bad = try CLIRunner.run(["bootstrap", "--tables", dir, "--at", "yesterday"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("not an RFC 3339 time"))
    }
}
