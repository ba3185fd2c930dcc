import ChurnModel
import ChurnState

/// One input partition's worker logic, pure: messages in, alerts, rejections and changelog
/// records out. The Kafka side only carries out what it returns (the state-machine-and-actions
/// split of swift-kafka-client), so all of this is testable without a broker.
///
/// Per message: parse (refusals become ``Rejection``s), skip what the restored state already
/// holds (a replay after a restart), apply to the ``StateEngine``, rescore every client whose
/// features changed — the event's client, and every client when the clock enters a new day —
/// and turn segment transitions (``AlertPolicy``) into ``Alert``s. Changed clients are marked
/// dirty; ``drainChangelog(into:)`` encodes each dirty client once, at commit time.
public struct PartitionProcessor: Sendable {
    /// What one call produced, for the caller to publish. Reuse one across calls: it is cleared
    /// by the caller, keeping its capacity.
    public struct Output: Sendable {
        public var alerts: [Alert] = []
        public var rejections: [Rejection] = []
        /// Clients scored (the event's client plus those aged).
        public var rescored = 0
        /// Messages skipped because the restored state already included them.
        public var replaysSkipped = 0
        /// Rescored clients the model was not evaluated for: out of the segment with a profit below
        /// its threshold, no score can make them enter.
        public var scoresSkipped = 0
        /// Events applied to the state.
        public var applied = 0

        public init() {}

        public mutating func clear() {
            alerts.removeAll(keepingCapacity: true)
            rejections.removeAll(keepingCapacity: true)
            rescored = 0
            replaysSkipped = 0
            scoresSkipped = 0
            applied = 0
        }
    }

    /// A changelog value that could not be restored.
    public struct RestoreError: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public let topic: String
    public let partition: Int32
    public let composer: AlertComposer
    private let parser = EventParser()
    public private(set) var engine = StateEngine()
    /// Alert memory per engine slot.
    private var memory: [AlertMemory] = []
    private var isDirty: [Bool] = []
    private var dirtySlots: [Int] = []
    /// One past the newest input offset handled: the offset to commit once the outputs are acknowledged.
    public private(set) var committableOffset: Int64?

    /// How many clients one message may rescore for a day change besides its own client; the rest
    /// wait for later messages or ``workOffAgeing(limit:into:)``. `Int.max` (the default) rescores
    /// every client inside the message that moved the clock. A worker sets a small step so that a
    /// day change does not hold up the events behind it; results are the same either way, since a
    /// waiting client is rescored before its own next event and before the clock enters another day.
    public var ageingStep = Int.max
    /// Clients the last day change left to rescore, by slot.
    private var agePending: [Bool] = []
    private var ageCursor = 0
    private var ageEnd = 0
    /// Clients still to rescore for the last day change.
    public private(set) var pendingAgeing = 0
    private var ageClock: Int64 = 0
    private var ageSource = Alert.Source(topic: "", partition: 0, offset: -1, eventId: nil)

    public init(topic: String, partition: Int32, composer: AlertComposer) {
        self.topic = topic
        self.partition = partition
        self.composer = composer
    }

    /// Clients with state.
    public var clientCount: Int { engine.clientCount }
    /// Clients whose changelog record is not written yet.
    public var dirtyCount: Int { dirtySlots.count }
    /// Clients now in the alert segment.
    public var inSegmentCount: Int { memory.reduce(0) { $0 + ($1.inSegment ? 1 : 0) } }

    /// The alert memory of a client, if it has state.
    public func memory(of id: Int64) -> AlertMemory? { engine.slot(of: id).map { memory[$0] } }

    // MARK: processing

    /// Handles the message at `offset`. Never traps on any bytes.
    public mutating func process(value: UnsafeRawBufferPointer?, key: UnsafeRawBufferPointer?, offset: Int64,
                                 into out: inout Output) {
        defer { committableOffset = offset + 1 }
        let bytes = value ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let event: ClientEvent
        do {
            event = try parser.parse(bytes)
        } catch {
            reject(error.reason.rawValue, error.description, offset, value, key, into: &out)
            return
        }
        if let key, key.count > 0, Self.clientId(fromKey: key) != event.clientId {
            reject(Rejection.keyMismatch,
                   "message key «\(String(decoding: key, as: UTF8.self))» is not the event's client_id \(event.clientId); key events by client_id",
                   offset, value, key, into: &out)
            return
        }
        let known = engine.slot(of: event.clientId)
        if let slot = known, memory[slot].appliedOffset >= offset {
            out.replaysSkipped += 1
            return
        }
        if pendingAgeing > 0 {
            // The last day change must be finished for everyone before the clock enters another day,
            // and for this client before its event changes its state.
            if let day = engine.clockDay, event.day > day {
                workOffAgeing(limit: .max, into: &out)
            } else if let slot = known, slot < agePending.count, agePending[slot] {
                rescoreAged(slot, into: &out)
            }
        }
        let outcome = engine.apply(event)
        guard let slot = outcome.updatedSlot else {
            reject(Rejection.late, "event time \(RFC3339.format(millis: event.timeMillis)) is \(Windows.halfYear) or more days before the stream clock \(RFC3339.format(millis: engine.clockMillis ?? 0))",
                   offset, value, key, into: &out)
            return
        }
        out.applied += 1
        if slot == memory.count {
            memory.append(AlertMemory())
            isDirty.append(false)
        }
        memory[slot].appliedOffset = offset
        markDirty(slot)
        let source = Alert.Source(topic: topic, partition: partition, offset: offset, eventId: event.eventId)
        rescore(slot, trigger: .event, eventTime: event.timeMillis, source: source, into: &out)
        if !outcome.aged.isEmpty {
            // Every other client's windows slid: rescore them all, `ageingStep` now and the rest later.
            let count = engine.clientCount
            if agePending.count < count { agePending += repeatElement(false, count: count - agePending.count) }
            for other in 0..<count where other != slot { agePending[other] = true }
            pendingAgeing = count - 1
            ageCursor = 0
            ageEnd = count
            ageClock = engine.clockMillis ?? event.timeMillis
            ageSource = source
        }
        if pendingAgeing > 0 { workOffAgeing(limit: ageingStep, into: &out) }
    }

    /// Rescores up to `limit` clients left from the last day change (a worker calls this when
    /// its input is idle).
    public mutating func workOffAgeing(limit: Int, into out: inout Output) {
        var done = 0
        while pendingAgeing > 0 && done < limit && ageCursor < ageEnd {
            let slot = ageCursor
            ageCursor += 1
            if agePending[slot] {
                rescoreAged(slot, into: &out)
                done += 1
            }
        }
    }

    private mutating func rescoreAged(_ slot: Int, into out: inout Output) {
        agePending[slot] = false
        pendingAgeing -= 1
        rescore(slot, trigger: .ageing, eventTime: ageClock, source: ageSource, into: &out)
    }

    private mutating func reject(_ reason: String, _ message: String, _ offset: Int64, _ value: UnsafeRawBufferPointer?,
                                 _ key: UnsafeRawBufferPointer?, into out: inout Output) {
        out.rejections.append(Rejection(reason: reason, message: message, offset: offset,
                                        value: value.map { Array($0) } ?? [], key: key.map { Array($0) }))
    }

    private mutating func markDirty(_ slot: Int) {
        if !isDirty[slot] {
            isDirty[slot] = true
            dirtySlots.append(slot)
        }
    }

    /// Scores the client at `slot` and publishes an alert when its segment membership changes.
    private mutating func rescore(_ slot: Int, trigger: Alert.Trigger, eventTime: Int64, source: Alert.Source,
                                  into out: inout Output) {
        out.rescored += 1
        let profit = engine.profit(atSlot: slot)
        let wasIn = memory[slot].inSegment
        // Outside the segment with a profit below the line, the rule cannot fire whatever the
        // probability: the model is not evaluated (about half the clients, by the mean-profit cut).
        if !wasIn && profit < composer.policy.profitThreshold {
            out.scoresSkipped += 1
            return
        }
        var move = AlertPolicy.Transition.stay
        var score = Score(decisionValue: 0, probability: 0)
        var x: [Double] = []
        withUnsafeTemporaryAllocation(of: Double.self, capacity: FeatureSpec.standard.count) { f in
            engine.features(atSlot: slot, into: f)
            score = composer.scorer.score(UnsafeBufferPointer(f))
            move = composer.policy.transition(wasIn: wasIn, probability: score.probability, profit: profit)
            // Raw features are copied only when an alert needs them.
            if move != .stay { x = Array(f) }
        }
        let kind: Alert.Kind, cause: Alert.Cause
        switch move {
        case .stay: return
        case .enter: (kind, cause) = (.atRisk, .entered)
        case .leaveProbability: (kind, cause) = (.recovered, .probabilityFell)
        case .leaveProfit: (kind, cause) = (.recovered, .profitFell)
        }
        memory[slot].inSegment = kind == .atRisk
        memory[slot].sequence &+= 1
        markDirty(slot)
        out.alerts.append(composer.compose(clientId: engine.ids[slot], sequence: memory[slot].sequence, kind: kind, cause: cause,
                                           trigger: trigger, score: score, profit: profit, x: x,
                                           eventTimeMillis: eventTime, source: source))
    }

    // MARK: changelog

    /// Appends one changelog record (key client id, value ``ChangelogRecord``) per dirty client
    /// and forgets the dirt. Call at commit time; commit the input offset only after the broker
    /// acknowledged these records and the alerts before them.
    public mutating func drainChangelog(into records: inout [(clientId: Int64, value: [UInt8])]) {
        for (id, record) in takeDirty() { records.append((id, record.encoded())) }
    }

    /// The dirty clients' changelog records, not yet encoded, and forgets the dirt. Cheap: the
    /// states are copied by reference (copy-on-write), so a worker can take a consistent snapshot
    /// at once and encode it bit by bit between events.
    public mutating func takeDirty() -> [(clientId: Int64, record: ChangelogRecord)] {
        let clock = engine.clockMillis ?? 0
        var out: [(clientId: Int64, record: ChangelogRecord)] = []
        out.reserveCapacity(dirtySlots.count)
        for slot in dirtySlots {
            isDirty[slot] = false
            out.append((engine.ids[slot], ChangelogRecord(memory: memory[slot], clockMillis: clock, state: engine.state(atSlot: slot))))
        }
        dirtySlots.removeAll(keepingCapacity: true)
        return out
    }

    // MARK: restore

    /// Applies one changelog record (later records of a client replace earlier ones). A null
    /// value (tombstone) is ignored.
    public mutating func restore(key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?) throws(RestoreError) {
        guard let key, let id = Self.clientId(fromKey: key) else {
            throw RestoreError(message: "changelog key is not a client id")
        }
        try restore(clientId: id, value: value)
    }

    /// Applies one changelog record of `clientId`.
    public mutating func restore(clientId id: Int64, value: UnsafeRawBufferPointer?) throws(RestoreError) {
        guard let value, value.count > 0 else { return }
        let record: ChangelogRecord
        do {
            record = try ChangelogRecord.decode(value)
        } catch {
            throw RestoreError(message: "client \(id): \(error.description)")
        }
        let slot = engine.restore(id, record.state, clockMillis: record.clockMillis)
        if slot == memory.count {
            memory.append(record.memory)
            isDirty.append(false)
        } else {
            memory[slot] = record.memory
        }
    }

    /// Ends a restore: prunes what no window reaches at the restored clock and rescores every
    /// client, so that a segment change whose record was lost in a crash is published again
    /// (with the same alert id) instead of being forgotten.
    public mutating func finishRestore(into out: inout Output) {
        engine.pruneToClock()
        guard let clock = engine.clockMillis else { return }
        let source = Alert.Source(topic: topic, partition: partition, offset: -1, eventId: nil)
        for slot in 0..<engine.clientCount {
            rescore(slot, trigger: .restore, eventTime: clock, source: source, into: &out)
        }
    }

    /// The client id of a message key: its decimal text.
    public static func clientId(fromKey key: UnsafeRawBufferPointer) -> Int64? {
        guard key.count > 0, key.count <= 20 else { return nil }
        var i = 0
        var negative = false
        if key[0] == UInt8(ascii: "-") { negative = true; i = 1 }
        guard i < key.count else { return nil }
        var v: Int64 = 0
        while i < key.count {
            let d = key[i] &- 0x30
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            v = s
            i += 1
        }
        return negative ? -v : v
    }
}
