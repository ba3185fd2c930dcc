import ChurnModel
import ChurnTraining
import Foundation

/// File I/O of the CLI, with errors that name the path.
enum Files {
    static func read(_ path: String, what: String) throws(CLIError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError.failed("file_unreadable", "cannot read \(what) \(path): no such file or not readable")
        }
        return [UInt8](data)
    }

    static func write(_ bytes: [UInt8], to path: String, what: String) throws(CLIError) {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CLIError.failed("file_unwritable", "cannot write \(what) \(path)")
        }
    }

    static func loadModel(_ path: String) throws(CLIError) -> ModelArtifact {
        let bytes = try read(path, what: "model")
        do {
            return try ArtifactCodec.decode(bytes)
        } catch {
            throw CLIError.failed(error.code.rawValue, "\(path): \(error.message)")
        }
    }

    static func loadTables(_ dir: String) throws(CLIError) -> ShopTables {
        do {
            return try ShopTables.load(directory: dir)
        } catch {
            throw CLIError.failed("table_\(error.code.rawValue)", error.description)
        }
    }
}

/// Writes a line to stderr (logs and progress; stdout carries the command's output).
func logLine(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
