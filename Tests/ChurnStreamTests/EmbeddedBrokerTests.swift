import ChurnState
import Foundation
import Testing
@testable import ChurnStream

/// The adapters against the embedded broker: produce, read back with headers, watermarks.
struct EmbeddedBrokerTests {
    @Test func producedRecordsReadBackWithKeysHeadersAndWatermarks() throws {
        let broker = try EmbeddedBroker()
        try broker.createTopic("t", partitions: 3)
        let log = Log(component: "test", minimum: .error)
        let producer = try KafkaProducer(settings: KafkaSettings([("bootstrap.servers", broker.bootstrapServers)]), log: log)
        for i in 0..<30 {
            try producer.produce(topic: "t", partition: Int32(i % 3), key: Array("k\(i)".utf8), value: Array("v\(i)".utf8),
                                 headers: [("h", Array("x\(i)".utf8))])
        }
        try producer.awaitDeliveries(timeoutMillis: 10_000)
        #expect(producer.acknowledged == 30)
        let tail = try TopicTail(brokers: broker.bootstrapServers, topic: "t", log: log)
        #expect(try tail.highWatermarks() == [0: 10, 1: 10, 2: 10])
        let records = try tail.readAll()
        #expect(records.count == 30)
        for r in records {
            let i = Int(String(decoding: r.value.dropFirst(), as: UTF8.self)) ?? -1
            #expect(r.key == Array("k\(i)".utf8))
            #expect(r.headers["h"] == Array("x\(i)".utf8))
            #expect(Int(r.partition) == i % 3)
        }
    }

    @Test func missingTopicAndUnreachableBrokerAreTypedErrors() throws {
        let broker = try EmbeddedBroker()
        let log = Log(component: "test", minimum: .error)
        #expect(throws: StreamError.self) { try TopicTail(brokers: broker.bootstrapServers, topic: "absent", log: log) }
        let consumer = try KafkaConsumer(settings: KafkaSettings([("bootstrap.servers", "127.0.0.1:9")]), log: log, group: false)
        do {
            _ = try consumer.topics(timeoutMillis: 1000)
            Issue.record("no broker listens on port 9")
        } catch {
            #expect(error.code == .brokerUnreachable)
        }
    }
}
