import ChurnModel
import ChurnTraining
import Foundation

enum BenchCommand {
    static func run(_ args: [String]) throws(CLIError) {
        print("bench: not yet")
    }
}
