/// Why the worker or one of its adapters cannot go on. `code` is stable for scripts and alerts
/// on logs; `message` says what is wrong and what to do.
public struct StreamError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Code: String, Sendable {
        /// A librdkafka property was refused (unknown key or bad value).
        case badConfig = "bad_config"
        /// No broker answered within the start-up timeout.
        case brokerUnreachable = "broker_unreachable"
        /// A topic the worker needs does not exist (or has the wrong partition count).
        case missingTopic = "missing_topic"
        case topicMismatch = "topic_mismatch"
        /// A client handle could not be created.
        case clientFailed = "client_failed"
        /// A produce, commit or subscribe call failed.
        case kafka = "kafka"
        /// The group no longer counts this member (session timed out, rebalanced away): its
        /// partitions go to another member, which replays from the last commit.
        case membershipLost = "membership_lost"
        /// The broker did not acknowledge records in time; offsets were not committed.
        case deliveryFailed = "delivery_failed"
        /// The HTTP endpoint could not listen.
        case httpFailed = "http_failed"
        /// The embedded broker could not start.
        case brokerFailed = "broker_failed"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "error[\(code.rawValue)]: \(message)" }
}
