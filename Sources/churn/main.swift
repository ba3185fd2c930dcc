import Foundation

let usage = """
churn — churn model and worker for «В один клик»

usage:
  churn train    --tables DIR --out FILE [--report DIR] [--seed N]
  churn score    --model FILE --tables DIR [--format csv|json]
  churn explain  --model FILE --tables DIR --client ID [--exact]
  churn evaluate --tables DIR [--repeats N] [--format text|json]
  churn bench    --model FILE --tables DIR [--runs N]
  churn bench-state [--clients N] [--days D] [--model FILE] [--runs N]
  churn bench-stream [--clients N] [--days D] [--partitions N] [--runs N] [--rate EVENTS_PER_S] [--seconds S] [--commit-interval-ms N]
  churn bootstrap --tables DIR [--at TS] [--brokers HOST:PORT --topic T]
  churn simulate  [--clients N] [--days D] [--seed S] [--fade SHARE] [--model FILE] [--start TS]
                  [--brokers HOST:PORT --topic T]
  churn broker   [--partitions N] [--topics A,B,…] [--group G]
  churn demo     [--clients N] [--days D] [--speed DAYS_PER_S] [--partitions N] [--duration S]
                 [--seed S] [--fade SHARE] [--quiet] [run's flags but --brokers]
  churn run      --brokers HOST:PORT[,…] [--group G] [--input T] [--alerts T] [--dead-letters T]
                 [--changelog T] [--model FILE] [--http HOST:PORT] [--probability-threshold P]
                 [--profit-threshold X] [--probability-margin M] [--profit-margin M]
                 [--commit-interval-ms N] [--log-level L] [-X key=value …]
  churn help
"""

let args = Array(CommandLine.arguments.dropFirst())
let command = args.first ?? "help"
let rest = Array(args.dropFirst())

do {
    switch command {
    case "train": try TrainCommand.run(rest)
    case "score": try ScoreCommand.run(rest)
    case "explain": try ExplainCommand.run(rest)
    case "evaluate": try EvaluateCommand.run(rest)
    case "bench": try BenchCommand.run(rest)
    case "bench-state": try StateBenchCommand.run(rest)
    case "bench-stream": try StreamBenchCommand.run(rest)
    case "bootstrap": try BootstrapCommand.run(rest)
    case "simulate": try SimulateCommand.run(rest)
    case "run": try RunCommand.run(rest)
    case "broker": try BrokerCommand.run(rest)
    case "demo": try DemoCommand.run(rest)
    case "help", "--help", "-h": print(usage)
    default: throw CLIError.usage(command, "unknown command «\(command)»")
    }
} catch let error as CLIError {
    logLine(error.description)
    exit(error.status)
} catch {
    logLine("error[internal]: \(error)")
    exit(1)
}
