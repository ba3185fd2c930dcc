import ChurnStream
import Foundation

/// `churn broker`: the embedded Kafka-protocol broker alone, with the worker's topics, until
/// SIGTERM or Ctrl-C. Prints its bootstrap address first, for kcat or other processes.
enum BrokerCommand {
    static func run(_ args: [String]) throws(CLIError) {
        let a = try Arguments(command: "broker", args, flags: ["partitions", "topics", "group"])
        let partitions = try a.int("partitions", default: 8)
        guard partitions > 0 else { throw CLIError.usage("broker", "--partitions must be positive") }
        let group = a.optional("group") ?? "churn-worker"
        let topics = a.optional("topics").map { $0.split(separator: ",").map(String.init) }
            ?? ["client-events", "churn-alerts", "client-events-dlq", "\(group)-state-changelog"]
        let broker: EmbeddedBroker
        do {
            broker = try EmbeddedBroker()
            for t in topics { try broker.createTopic(t, partitions: partitions) }
        } catch {
            throw CLIError.failed(error.code.rawValue, error.message)
        }
        // Unbuffered: whoever started us reads the address before we exit.
        FileHandle.standardOutput.write(Data("""
            bootstrap: \(broker.bootstrapServers)
            topics: \(topics.joined(separator: ", ")) (\(partitions) partitions each)

            """.utf8))
        let control = WorkerControl()
        StopSignals.install(control, graceSeconds: 5, log: Log(component: "broker"))
        while !control.stopRequested { usleep(100_000) }
        withExtendedLifetime(broker) {}
    }
}
