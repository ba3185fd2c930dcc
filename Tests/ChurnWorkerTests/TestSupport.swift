import Foundation
import Testing
@testable import ChurnWorker
import ChurnState
import ChurnModel

typealias FI = FeatureSpec.Index

/// The committed model and what the tests derive from it: the composer, and table rows whose
/// probability is known (found with the scorer, never assumed).
struct Model: Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let modelBytes: [UInt8] =
        (try? [UInt8](Data(contentsOf: packageRoot.appendingPathComponent("models/churn-svc.json")))) ?? []
    private static let shared: Model? = (try? ArtifactCodec.decode(modelBytes)).map(Model.init)

    /// The shared model; fails the test when models/churn-svc.json does not load.
    static func load() throws -> Model { try #require(shared, "models/churn-svc.json does not load") }

    let artifact: ModelArtifact
    let composer: AlertComposer

    init(_ artifact: ModelArtifact) {
        self.artifact = artifact
        composer = AlertComposer(artifact: artifact, modelVersion: "sha256:" + SHA256.hex(Model.modelBytes),
                                 policy: AlertComposer.defaultPolicy(artifact))
    }

    var scorer: ChurnScorer { composer.scorer }
    var policy: AlertPolicy { composer.policy }
    var spec: FeatureSpec { artifact.featureSpec }

    func probability(_ row: [Double]) -> Double { scorer.score(row).probability }

    /// A composer with another policy or a cheaper explanation (tests that make many alerts).
    func composer(policy: AlertPolicy? = nil, explanationPairs: Int = 16) -> AlertComposer {
        var c = AlertComposer(artifact: artifact, modelVersion: composer.modelVersion, policy: policy ?? self.policy)
        c.explanationPairs = explanationPairs
        return c
    }

    func processor(policy: AlertPolicy? = nil, explanationPairs: Int = 16) -> PartitionProcessor {
        PartitionProcessor(topic: Fixture.topic, partition: Fixture.partition,
                           composer: composer(policy: policy, explanationPairs: explanationPairs))
    }

    /// A valid table row `t` of the way from the typical retained client (t = 0, low risk) to
    /// the at-risk segment's mean (t = 1, high risk): numerics interpolated, categories of the
    /// retained client, promo_level derived as the parser does.
    func row(_ t: Double) -> [Double] {
        let lo = artifact.reference.retainedTypical, hi = artifact.reference.atRiskMean
        var r = lo
        for i in spec.numericIndices { r[i] = lo[i] + t * (hi[i] - lo[i]) }
        r[FI.promoLevel] = spec.promoLevel(forShare: r[FI.promoShare])
        return r
    }

    /// The row on that line whose probability is `target` (bisection with the scorer).
    func row(probability target: Double) throws -> [Double] {
        var lo = 0.0, hi = 1.0
        try #require(probability(row(lo)) < target && probability(row(hi)) > target,
                     "no row between retained and at-risk scores \(target)")
        for _ in 0..<50 {
            let mid = (lo + hi) / 2
            if probability(row(mid)) < target { lo = mid } else { hi = mid }
        }
        let found = row(hi)
        try #require(abs(probability(found) - target) < 1e-9)
        return found
    }
}

/// Days, events and messages.
enum Fixture {
    static let topic = "client-events"
    static let partition: Int32 = 3
    /// 2026-03-01.
    static let day0 = Int32(DayMath.days(year: 2026, month: 3, day: 1))

    static func millis(_ day: Int32, minute: Int = 0) -> Int64 {
        Int64(day) * 86_400_000 + Int64(9 * 60 + minute) * 60_000
    }

    static func event(_ client: Int64, day: Int32 = day0, minute: Int = 0, id: String? = nil,
                      _ payload: ClientEvent.Payload) -> ClientEvent {
        ClientEvent(clientId: client, timeMillis: millis(day, minute: minute), eventId: id, payload: payload)
    }

    static func snapshot(_ client: Int64, day: Int32 = day0, minute: Int = 0, id: String? = nil,
                         row: [Double], profit: Double) -> ClientEvent {
        event(client, day: day, minute: minute, id: id, .snapshot(Snapshot(features: row, profit: profit)))
    }

    static func key(_ client: Int64) -> [UInt8] { Array(String(client).utf8) }
}

/// One input message as the consumer hands it over.
struct Message: Sendable {
    var value: [UInt8]?
    var key: [UInt8]?

    init(value: [UInt8]?, key: [UInt8]? = nil) {
        self.value = value
        self.key = key
    }

    init(_ text: String, key: String? = nil) { self.init(value: Array(text.utf8), key: key.map { Array($0.utf8) }) }

    /// An event as JSON, keyed by its client id.
    init(_ event: ClientEvent) { self.init(value: Array(EventEncoder.json(event).utf8), key: Fixture.key(event.clientId)) }
}

/// Feeds a processor with consecutive offsets and keeps everything it published.
struct Feeder {
    var processor: PartitionProcessor
    var nextOffset: Int64 = 0
    var alerts: [Alert] = []
    var rejections: [Rejection] = []
    var applied = 0
    var replaysSkipped = 0

    init(_ processor: PartitionProcessor) { self.processor = processor }

    /// Processes one message at the next offset; returns what that call produced.
    @discardableResult
    mutating func send(_ message: Message) -> PartitionProcessor.Output {
        var out = PartitionProcessor.Output()
        let offset = nextOffset
        withOptionalBytes(message.value) { value in
            withOptionalBytes(message.key) { key in
                processor.process(value: value, key: key, offset: offset, into: &out)
            }
        }
        nextOffset += 1
        alerts += out.alerts
        rejections += out.rejections
        applied += out.applied
        replaysSkipped += out.replaysSkipped
        return out
    }

    @discardableResult
    mutating func send(_ event: ClientEvent) -> PartitionProcessor.Output { send(Message(event)) }

    mutating func send(_ messages: some Sequence<Message>) {
        for m in messages { send(m) }
    }

    /// The changelog records of every dirty client.
    mutating func drain() -> [(clientId: Int64, value: [UInt8])] {
        var records: [(clientId: Int64, value: [UInt8])] = []
        processor.drainChangelog(into: &records)
        return records
    }

    /// A fresh processor restored from changelog records (keys are decimal client ids), with
    /// the alerts of its finishRestore.
    static func restored(_ processor: PartitionProcessor, from records: [(clientId: Int64, value: [UInt8])]) throws -> Feeder {
        var p = processor
        for r in records {
            try Fixture.key(r.clientId).withUnsafeBytes { key in
                try r.value.withUnsafeBytes { value in try p.restore(key: key, value: value) }
            }
        }
        var out = PartitionProcessor.Output()
        p.finishRestore(into: &out)
        var feeder = Feeder(p)
        feeder.alerts = out.alerts
        return feeder
    }
}

func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
    guard let bytes else { return try body(nil) }
    return try bytes.withUnsafeBytes { try body($0) }
}

/// What a processor holds, for comparing two of them.
struct Observed: Equatable, CustomStringConvertible {
    var clients: [Int64: ClientState]
    var memory: [Int64: AlertMemory]
    var clockMillis: Int64?

    init(_ p: PartitionProcessor) {
        clients = p.engine.clients
        memory = Dictionary(uniqueKeysWithValues: p.engine.ids.compactMap { id in p.memory(of: id).map { (id, $0) } })
        clockMillis = p.engine.clockMillis
    }

    var description: String { "clock \(clockMillis.map(String.init) ?? "nil"), memory \(memory.sorted { $0.key < $1.key })" }
}

extension PartitionProcessor {
    /// The client's model inputs at the stream clock.
    func features(of id: Int64) throws -> [Double] { try #require(engine.features(of: id), "client \(id) has no state") }
}
