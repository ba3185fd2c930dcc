import ChurnModel
import ChurnTraining
import Foundation

enum ScoreCommand {
    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "score", args, flags: ["model", "tables", "format"])
        let modelPath = try a.required("model")
        let tablesDir = try a.required("tables")
        let format = try a.choice("format", ["csv", "json"], default: "csv")
        let artifact = try Files.loadModel(modelPath)
        // Every client of the tables, including the ones training leaves out (too new).
        let clients = Cleaning.clean(try Files.loadTables(tablesDir), dropInactive: false).clients
        let scorer = artifact.makeScorer()
        let t = artifact.thresholds
        var out = ""
        if format == "csv" { out += "client_id,probability,decision_value,profit,in_segment\n" } else { out += "[\n" }
        for (i, c) in clients.enumerated() {
            let s = scorer.score(c.features)
            let inSegment = c.profit >= t.profit && s.probability >= t.probability
            if format == "csv" {
                out += "\(c.id),\(s.probability),\(s.decisionValue),\(c.profit),\(inSegment)\n"
            } else {
                out += "  {\"client_id\": \(c.id), \"probability\": \(s.probability), \"decision_value\": \(s.decisionValue), \"profit\": \(c.profit), \"in_segment\": \(inSegment)}"
                out += i + 1 < clients.count ? ",\n" : "\n"
            }
        }
        if format == "json" { out += "]\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
