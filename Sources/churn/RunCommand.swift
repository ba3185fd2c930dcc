import ChurnStream
import ChurnWorker
import Foundation

/// `churn run`: the worker against a Kafka cluster.
enum RunCommand {
    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "run", args, flags: WorkerOptions.flags, passthrough: true)
        let options = try WorkerOptions(a, brokers: nil)
        let log = Log(component: "worker", minimum: options.logLevel)
        let control = WorkerControl()
        let board = MetricsBoard()
        let http = try options.startEndpoint(board: board, control: control)
        log.info("ops endpoint listening", ["url": .text("http://\(options.httpHost):\(http.port)")])
        StopSignals.install(control, graceSeconds: Double(options.config.shutdownTimeoutMillis) / 1000 + 10, log: log)
        let worker = Worker(config: options.config, composer: options.composer, log: log, board: board, control: control)
        do {
            try worker.run()
        } catch {
            http.stop()
            throw CLIError.failed(error.code.rawValue, error.message)
        }
        http.stop()
    }
}
