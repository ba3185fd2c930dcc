import ChurnModel

/// A message to marketing about one client (`schemas/churn-alert.schema.json`).
public struct Alert: Sendable, Equatable {
    public static let schemaName = "churn-alert/v1"

    public enum Kind: String, Sendable {
        /// The client entered the segment: profitable and likely to buy less.
        case atRisk = "at_risk"
        /// The client left the segment.
        case recovered
    }

    /// Why the alert was raised now.
    public enum Cause: String, Sendable {
        /// Probability and profit reached both thresholds.
        case entered
        /// The probability fell below the lower line (threshold − margin).
        case probabilityFell = "probability_fell"
        /// The profit fell below the lower line.
        case profitFell = "profit_fell"
    }

    /// What made the worker rescore the client.
    public enum Trigger: String, Sendable {
        /// An event about this client.
        case event
        /// The stream clock entered a new day and the client's windows slid.
        case ageing
        /// The state was restored from the changelog and its segment disagreed with the score.
        case restore
    }

    /// Where the triggering event came from.
    public struct Source: Sendable, Equatable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64
        public var eventId: String?

        public init(topic: String, partition: Int32, offset: Int64, eventId: String?) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
            self.eventId = eventId
        }
    }

    public var clientId: Int64
    /// The client's alert count including this one: with the client id, the alert's identity.
    public var sequence: UInt32
    public var kind: Kind
    public var cause: Cause
    public var trigger: Trigger
    public var probability: Double
    public var decisionValue: Double
    public var profit: Double
    public var policy: AlertPolicy
    public var modelVersion: String
    /// Event time of the trigger (the stream clock for ageing and restore), ms since the epoch.
    public var eventTimeMillis: Int64
    public var source: Source
    /// The features that moved the probability most, largest first.
    public var contributions: [Contribution]
    /// What marketing can do, largest expected effect first (at_risk alerts only).
    public var recommendations: [Recommendation]

    /// Deterministic id: `<client_id>-<sequence>`. A replay after a crash republishes the same id.
    public var alertId: String { "\(clientId)-\(sequence)" }

    public init(clientId: Int64, sequence: UInt32, kind: Kind, cause: Cause, trigger: Trigger, probability: Double,
                decisionValue: Double, profit: Double, policy: AlertPolicy, modelVersion: String, eventTimeMillis: Int64,
                source: Source, contributions: [Contribution], recommendations: [Recommendation]) {
        self.clientId = clientId
        self.sequence = sequence
        self.kind = kind
        self.cause = cause
        self.trigger = trigger
        self.probability = probability
        self.decisionValue = decisionValue
        self.profit = profit
        self.policy = policy
        self.modelVersion = modelVersion
        self.eventTimeMillis = eventTimeMillis
        self.source = source
        self.contributions = contributions
        self.recommendations = recommendations
    }
}

/// One action for marketing, with the figure that triggered it and its expected effect.
public struct Recommendation: Sendable, Equatable {
    /// Stable action code, e.g. `more_marketing_contacts`.
    public var action: String
    /// The feature the rule looked at.
    public var feature: String
    /// The client's value of that feature.
    public var value: Double
    /// The figure the value was compared with (e.g. the at-risk segment's average).
    public var reference: Double
    /// The value the what-if moves the feature to: typical of clients who kept buying.
    public var target: Double
    /// The model's probability for this client with the feature at `target`.
    public var probabilityIf: Double
    /// Probability now minus `probabilityIf`: how much the action is expected to help.
    public var effect: Double
    /// One sentence for people.
    public var text: String

    public init(action: String, feature: String, value: Double, reference: Double, target: Double,
                probabilityIf: Double, effect: Double, text: String) {
        self.action = action
        self.feature = feature
        self.value = value
        self.reference = reference
        self.target = target
        self.probabilityIf = probabilityIf
        self.effect = effect
        self.text = text
    }
}
