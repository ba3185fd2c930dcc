import ChurnModel
import ChurnTraining
import Foundation

enum TrainCommand {
    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "train", args, flags: ["tables", "out", "report", "seed"])
        let tablesDir = try a.required("tables")
        let out = try a.required("out")
        var options = TrainingOptions()
        options.seed = try a.uint64("seed", default: options.seed)
        let tables = try Files.loadTables(tablesDir)
        let start = Date()
        let outcome = Trainer.train(tables, options: options) { print($0) }
        let bytes: [UInt8]
        do { bytes = try ArtifactCodec.encode(outcome.artifact) } catch {
            throw CLIError.failed("encode_failed", "cannot encode the model: \(error)")
        }
        try Files.write(bytes, to: out, what: "model")
        print("model: \(out) (\(bytes.count) bytes, sha256 \(SHA256.hex(bytes)), \(fmt(Date().timeIntervalSince(start), digits: 1)) s)")
        if let dir = a.optional("report") {
            let files = ReportWriter.render(outcome)
            for (name, text) in files.sorted(by: { $0.key < $1.key }) {
                try Files.write(Array(text.utf8), to: (dir as NSString).appendingPathComponent(name), what: "report file")
            }
            print("report: \((dir as NSString).appendingPathComponent("report.md"))")
        }
    }
}
