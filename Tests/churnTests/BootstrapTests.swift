import ChurnModel
import ChurnState
import ChurnTraining
import Foundation
import Testing

/// `churn bootstrap` seeds states whose features are the tables' rows, scored like `churn score`.
@Suite struct BootstrapTests {
    static let tablesDir: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data/one-click").path
    static let modelPath: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/churn-svc.json").path
    static var haveTables: Bool { FileManager.default.fileExists(atPath: tablesDir + "/market_file.csv") }

    @Test(.enabled(if: haveTables, "skipped: the course tables are not at ../shared/data/one-click"))
    func bootstrappedStatesEqualTheTablesAndScore() throws {
        let boot = try CLIRunner.run(["bootstrap", "--tables", Self.tablesDir])
        #expect(boot.status == 0, "\(boot.stderr)")
        let lines = boot.stdout.split(separator: "\n")
        #expect(lines.count == 1300)
        var engine = StateEngine()
        let parser = EventParser()
        for line in lines {
            let event = try parser.parse(Array(line.utf8))
            #expect(engine.apply(event).updated == event.clientId)
        }
        let rows = Cleaning.clean(try ShopTables.load(directory: Self.tablesDir), dropInactive: false).clients
        #expect(rows.count == 1300)
        #expect(engine.clients.count == rows.count)
        #expect(Set(engine.ids) == Set(rows.map { Int64($0.id) }))
        // The changelog holds each state encoded: a restored state must give the same row.
        var restored = StateEngine()
        for row in rows {
            let f = try #require(engine.features(of: Int64(row.id)))
            #expect(f == row.features, "client \(row.id)")
            let state = try #require(engine.state(of: Int64(row.id)))
            #expect(state.profit == row.profit)
            restored.restore(Int64(row.id), try StateCodec.decode(StateCodec.encode(state)), clockMillis: engine.clockMillis)
            #expect(restored.features(of: Int64(row.id)) == row.features, "client \(row.id) restored")
        }

        let score = try CLIRunner.run(["score", "--model", Self.modelPath, "--tables", Self.tablesDir])
        #expect(score.status == 0, "\(score.stderr)")
        let artifact = try ArtifactCodec.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.modelPath))))
        let scorer = artifact.makeScorer()
        var worst = 0.0
        var scored: [Int64] = []
        for line in score.stdout.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            let id = try #require(Int64(String(fields[0])))
            let p = try #require(Double(String(fields[1])))
            let f = try #require(engine.features(of: id))
            let g = try #require(restored.features(of: id))
            worst = max(worst, abs(scorer.score(f).probability - p), abs(scorer.score(g).probability - p))
            scored.append(id)
        }
        // Every client scored once, by the batch and from its state alike.
        #expect(scored.count == 1300)
        #expect(Set(scored) == Set(engine.ids))
        #expect(worst <= 1e-12, "max |Δp| \(worst)")
    }
}
