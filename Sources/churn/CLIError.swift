/// A failure the CLI reports as one line on stderr, with its exit status.
struct CLIError: Error, CustomStringConvertible {
    let code: String
    let message: String
    /// 2 for a usage error, 1 for anything else.
    let status: Int32

    static func usage(_ command: String, _ message: String) -> CLIError {
        CLIError(code: "usage", message: "churn \(command): \(message) (see `churn help`)", status: 2)
    }

    static func failed(_ code: String, _ message: String) -> CLIError {
        CLIError(code: code, message: message, status: 1)
    }

    var description: String { "error[\(code)]: \(message)" }
}
