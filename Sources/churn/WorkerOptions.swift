import ChurnModel
import ChurnStream
import ChurnWorker
import Foundation

/// The worker flags shared by `churn run` and `churn demo`, each with an environment variable
/// (flags win): what to read and write, the model, the alert rule, the ops endpoint.
struct WorkerOptions {
    static let flags: Set<String> = ["brokers", "group", "input", "alerts", "dead-letters", "changelog", "model", "http",
                                     "probability-threshold", "profit-threshold", "probability-margin", "profit-margin",
                                     "commit-interval-ms", "log-level"]

    var config: WorkerConfig
    var artifact: ModelArtifact
    var modelVersion: String
    var policy: AlertPolicy
    var httpHost: String
    var httpPort: UInt16
    var logLevel: Log.Level

    /// Reads the options; `brokers` nil means the caller supplies them (the demo's embedded broker).
    init(_ a: Arguments, brokers: String?) throws(CLIError) {
        let brokerList = brokers ?? a.optional("brokers", env: "KAFKA_BROKERS")
        guard let brokerList, !brokerList.isEmpty else {
            throw CLIError.usage(a.command, "missing --brokers HOST:PORT[,…] (or KAFKA_BROKERS)")
        }
        var config = WorkerConfig(brokers: brokerList)
        if let v = a.optional("group", env: "CHURN_GROUP") { config.group = v }
        if let v = a.optional("input", env: "CHURN_INPUT_TOPIC") { config.inputTopic = v }
        if let v = a.optional("alerts", env: "CHURN_ALERTS_TOPIC") { config.alertsTopic = v }
        if let v = a.optional("dead-letters", env: "CHURN_DLQ_TOPIC") { config.deadLetterTopic = v }
        if let v = a.optional("changelog", env: "CHURN_CHANGELOG_TOPIC") { config.changelogTopic = v }
        if let v = a.optional("commit-interval-ms", env: "CHURN_COMMIT_INTERVAL_MS") {
            guard let ms = Int(v), ms > 0 else { throw CLIError.usage(a.command, "--commit-interval-ms must be a positive integer, got «\(v)»") }
            config.commitIntervalMillis = ms
        }
        config.kafka = KafkaSettings(a.passthrough)
        self.config = config

        let modelPath = a.optional("model", env: "CHURN_MODEL") ?? "models/churn-svc.json"
        let bytes = try Files.read(modelPath, what: "model")
        do {
            artifact = try ArtifactCodec.decode(bytes)
        } catch {
            throw CLIError.failed(error.code.rawValue, "\(modelPath): \(error.message)")
        }
        modelVersion = "sha256:" + SHA256.hex(bytes)

        var policy = AlertComposer.defaultPolicy(artifact)
        if let v = try a.double("probability-threshold", env: "CHURN_PROBABILITY_THRESHOLD") {
            guard (0...1).contains(v) else { throw CLIError.usage(a.command, "--probability-threshold must be in [0, 1]") }
            policy.probabilityThreshold = v
        }
        if let v = try a.double("profit-threshold", env: "CHURN_PROFIT_THRESHOLD") { policy.profitThreshold = v }
        if let v = try a.double("probability-margin", env: "CHURN_PROBABILITY_MARGIN") {
            guard v >= 0 else { throw CLIError.usage(a.command, "--probability-margin must be ≥ 0") }
            policy.probabilityMargin = v
        }
        if let v = try a.double("profit-margin", env: "CHURN_PROFIT_MARGIN") {
            guard v >= 0 else { throw CLIError.usage(a.command, "--profit-margin must be ≥ 0") }
            policy.profitMargin = v
        }
        self.policy = policy

        let http = a.optional("http", env: "CHURN_HTTP") ?? "127.0.0.1:9464"
        guard let colon = http.lastIndex(of: ":"), let port = UInt16(http[http.index(after: colon)...]) else {
            throw CLIError.usage(a.command, "--http must be HOST:PORT (port 0 picks a free one), got «\(http)»")
        }
        httpHost = String(http[..<colon])
        httpPort = port
        let level = a.optional("log-level", env: "CHURN_LOG_LEVEL") ?? "info"
        guard let l = Log.Level(rawValue: level) else {
            throw CLIError.usage(a.command, "--log-level must be debug, info, warn or error, got «\(level)»")
        }
        logLevel = l
    }

    var composer: AlertComposer { AlertComposer(artifact: artifact, modelVersion: modelVersion, policy: policy) }

    /// Starts the ops endpoint on `--http`.
    func startEndpoint(board: MetricsBoard, control: WorkerControl) throws(CLIError) -> HTTPEndpoint {
        do {
            return try HTTPEndpoint(host: httpHost, port: httpPort, board: board, control: control)
        } catch {
            throw CLIError.failed(error.code.rawValue, error.message)
        }
    }
}

/// SIGTERM and SIGINT ask the worker to stop; a second one, or a shutdown that overruns
/// `graceSeconds`, ends the process at once.
enum StopSignals {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install(_ control: WorkerControl, graceSeconds: Double, log: Log) {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if control.stopRequested {
                    log.warn("second signal: exiting without a clean shutdown", ["signal": .int(Int64(sig))])
                    exit(130)
                }
                log.info("stop requested", ["signal": .int(Int64(sig))])
                control.requestStop()
                DispatchQueue.global().asyncAfter(deadline: .now() + graceSeconds) {
                    log.error("shutdown overran its bound; exiting", ["seconds": .number(graceSeconds)])
                    exit(1)
                }
            }
            source.resume()
            sources.append(source)
        }
    }
}
