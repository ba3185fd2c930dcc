/// The per-partition state machine: applies events to client states, keeps the stream clock,
/// ages every client when the clock crosses a day, and says whose features changed. Pure: no
/// I/O and no wall clock — time is the newest event time seen.
public struct StateEngine: Sendable {
    /// What one event did, for the caller to act on (rescore, write the changelog).
    public struct Outcome: Sendable, Equatable {
        /// The client whose state the event changed; nil when the event was dropped as late.
        public var updated: Int64?
        /// Position of the updated client in ``ids`` (stable for the engine's life).
        public var updatedSlot: Int?
        /// Clients whose features changed because the clock crossed into a new day, in first-seen
        /// order: every client with state, since tenure moves each day for all of them.
        public var aged: [Int64] = []
        /// The event was older than the longest window and was dropped.
        public var late = false
    }

    /// Counters for metrics.
    public struct Stats: Sendable, Equatable {
        public var applied = 0
        public var late = 0
        public var dayAdvances = 0
    }

    /// Newest event time seen (ms since the epoch).
    public private(set) var clockMillis: Int64?
    public private(set) var stats = Stats()
    /// States in first-seen order, their ids, and id → position. A flat array lets ageing update
    /// every state in place, and keeps the aged list in a deterministic order without sorting.
    private var states: [ClientState] = []
    public private(set) var ids: [Int64] = []
    private var index = ClientIndex()

    /// Number of clients with state.
    public var clientCount: Int { states.count }

    /// One client's state.
    public func state(of id: Int64) -> ClientState? { index.slot(of: id).map { states[$0] } }

    /// All states by id (a copy: for tests and tools, not for the hot path).
    public var clients: [Int64: ClientState] {
        Dictionary(uniqueKeysWithValues: zip(ids, states))
    }

    public init() {}

    /// The stream clock's day, if any event has been seen.
    public var clockDay: Int32? {
        clockMillis.map { Int32(truncatingIfNeeded: DayMath.floorDiv($0, 86_400_000)) }
    }

    /// Applies one event; never traps.
    public mutating func apply(_ e: ClientEvent) -> Outcome {
        var outcome = Outcome()
        let day = e.day
        if let clock = clockMillis, let clockDay {
            if e.timeMillis > clock {
                clockMillis = e.timeMillis
                if day > clockDay { outcome.aged = age(to: day) }
            }
        } else {
            clockMillis = e.timeMillis
        }
        let now = clockDay ?? day
        guard Int(now) - Int(day) < Windows.halfYear else {
            stats.late += 1
            outcome.late = true
            return outcome
        }
        let position: Int
        if let i = index.slot(of: e.clientId) {
            states[i].apply(e)
            position = i
        } else {
            var fresh = ClientState(firstSeenDay: day)
            fresh.apply(e)
            position = states.count
            index.insert(e.clientId, slot: position)
            states.append(fresh)
            ids.append(e.clientId)
        }
        stats.applied += 1
        outcome.updated = e.clientId
        outcome.updatedSlot = position
        return outcome
    }

    /// Moves the clock forward to the start of `day` without an event (e.g. an idle partition
    /// at midnight); returns the clients whose features changed.
    public mutating func advance(toDay day: Int32) -> [Int64] {
        let start = Int64(day) * 86_400_000
        guard let clockDay, day > clockDay else {
            if clockMillis == nil { clockMillis = start }
            return []
        }
        clockMillis = start
        return age(to: day)
    }

    private mutating func age(to day: Int32) -> [Int64] {
        stats.dayAdvances += 1
        for i in states.indices { states[i].prune(clockDay: day) }
        return ids
    }

    /// Position of a client in ``ids``, if it has state. Positions never change.
    public func slot(of id: Int64) -> Int? { index.slot(of: id) }

    /// The 17 model inputs of the client at `position` (see ``slot(of:)``) at the stream clock.
    public func features(atSlot position: Int, into out: UnsafeMutableBufferPointer<Double>) {
        states[position].features(clockDay: clockDay ?? states[position].firstSeenDay, into: out)
    }

    /// The profit of the client at `position`.
    public func profit(atSlot position: Int) -> Double { states[position].profit }

    /// The state of the client at `position`.
    public func state(atSlot position: Int) -> ClientState { states[position] }

    /// The client's 17 model inputs at the stream clock, written into `out`; false if unknown.
    public func features(of id: Int64, into out: UnsafeMutableBufferPointer<Double>) -> Bool {
        guard let i = index.slot(of: id), let clockDay else { return false }
        states[i].features(clockDay: clockDay, into: out)
        return true
    }

    /// The client's 17 model inputs at the stream clock.
    public func features(of id: Int64) -> [Double]? {
        guard let i = index.slot(of: id), let clockDay else { return nil }
        return states[i].features(clockDay: clockDay)
    }

    /// Puts a client's state back (restore from the changelog); returns its position.
    @discardableResult
    public mutating func restore(_ id: Int64, _ state: ClientState, clockMillis clock: Int64? = nil) -> Int {
        let position: Int
        if let i = index.slot(of: id) {
            states[i] = state
            position = i
        } else {
            position = states.count
            index.insert(id, slot: position)
            states.append(state)
            ids.append(id)
        }
        if let clock, clock > (clockMillis ?? .min) { clockMillis = clock }
        return position
    }

    /// Forgets, in every state, activity no window reaches at the clock: after a restore, this
    /// leaves the states as an engine that had seen every event would hold them.
    public mutating func pruneToClock() {
        guard let day = clockDay else { return }
        for i in states.indices { states[i].prune(clockDay: day) }
    }

    /// Approximate bytes the engine holds: the state array (all its capacity), every state's heap
    /// (record block and seed row), the id array and the id index.
    public var approximateBytes: Int {
        let stride = MemoryLayout<ClientState>.stride
        return states.reduce(0) { $0 + $1.approximateBytes - stride } + states.capacity * stride
            + ids.capacity * MemoryLayout<Int64>.stride + index.allocatedBytes
    }
}
