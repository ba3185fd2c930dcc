import ChurnState

/// Produces `client-event/v1` events to a topic, keyed by client id (so a client's events stay
/// in one partition, in order).
public final class EventPublisher {
    public let topic: String
    let producer: KafkaProducer

    public init(brokers: String, topic: String, kafka: KafkaSettings = KafkaSettings(), log: Log) throws(StreamError) {
        self.topic = topic
        var settings = KafkaSettings([("bootstrap.servers", brokers), ("client.id", "churn-events"), ("linger.ms", "20"),
                                      ("batch.num.messages", "10000"), ("queue.buffering.max.messages", "500000")])
        settings = settings.merging(kafka)
        producer = try KafkaProducer(settings: settings, log: log)
    }

    /// Queues one event.
    public func publish(_ event: ClientEvent) throws(StreamError) {
        try publish(clientId: event.clientId, json: Array(EventEncoder.json(event).utf8))
    }

    /// Queues raw bytes for a client (also for deliberately malformed test messages).
    public func publish(clientId: Int64?, json: [UInt8]) throws(StreamError) {
        try producer.produce(topic: topic, key: clientId.map { Array(String($0).utf8) }, value: json)
    }

    /// Waits until every queued event is acknowledged.
    public func flush(timeoutMillis: Int = 60_000) throws(StreamError) {
        try producer.awaitDeliveries(timeoutMillis: timeoutMillis)
    }

    public var acknowledged: Int { producer.acknowledged }
}
