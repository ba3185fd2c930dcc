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
        #expect(engine.clients.count == rows.count)
        for row in rows {
            let f = try #require(engine.features(of: Int64(row.id)))
            #expect(f == row.features, "client \(row.id)")
            #expect(engine.clients[Int64(row.id)]?.profit == row.profit)
        }

        let score = try CLIRunner.run(["score", "--model", Self.modelPath, "--tables", Self.tablesDir])
        #expect(score.status == 0, "\(score.stderr)")
        let artifact = try ArtifactCodec.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.modelPath))))
        let scorer = artifact.makeScorer()
        var worst = 0.0
        var scored = 0
        for line in score.stdout.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",")
            let id = try #require(Int64(String(fields[0])))
            let p = try #require(Double(String(fields[1])))
            let f = try #require(engine.features(of: id))
            worst = max(worst, abs(scorer.score(f).probability - p))
            scored += 1
        }
        #expect(scored == 1300)
        #expect(worst <= 1e-12, "max |Δp| \(worst)")
    }
}
