import Foundation
import Testing

/// The artifact `churn train` writes conforms to schemas/model.schema.json, and the schema is strict.
@Suite struct ModelSchemaTests {
    static let schemaPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schemas/model.schema.json").path

    @Test func trainedArtifactConformsAndMutationsAreCaught() throws {
        let tables = try SyntheticTables.write(clients: 120, seed: 4)
        let model = CLIRunner.temporaryPath("schema-model.json")
        let r = try CLIRunner.run(["train", "--tables", tables, "--out", model])
        #expect(r.status == 0, "\(r.stderr)")
        let schema = try JSONSchemaCheck(schemaPath: Self.schemaPath)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as? [String: Any])
        #expect(schema.violations(of: object) == [])

        var extra = object
        var svc = try #require(object["svc"] as? [String: Any])
        svc["unexpected"] = 1
        extra["svc"] = svc
        #expect(schema.violations(of: extra).contains { $0.contains("unexpected") })

        var missing = object
        missing["thresholds"] = nil
        #expect(schema.violations(of: missing).contains { $0.contains("missing thresholds") })

        var wrongWidth = object
        svc = try #require(object["svc"] as? [String: Any])
        var vectors = try #require(svc["support_vectors"] as? [[Double]])
        vectors[0].removeLast()
        svc["support_vectors"] = vectors
        wrongWidth["svc"] = svc
        #expect(schema.violations(of: wrongWidth).contains { $0.contains("support_vectors[0]") })
    }

    @Test func committedModelConforms() throws {
        let path = URL(fileURLWithPath: Self.schemaPath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("models/churn-svc.json").path
        let schema = try JSONSchemaCheck(schemaPath: Self.schemaPath)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(schema.violations(of: object) == [])
    }
}
