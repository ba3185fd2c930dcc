/// Client id → slot: an open-addressing hash table with linear probing over (id, slot) pairs.
///
/// Every event looks its client up here, and with many clients each lookup is a cache miss.
/// `Dictionary` keeps keys and values in separate arrays beside an occupancy bitmap (three lines
/// to touch); here a probe reads one 16-byte entry, so a lookup usually costs one line. Entries
/// are never removed (slots are stable for the engine's life), so probing needs no tombstones.
struct ClientIndex: Sendable {
    struct Entry: Sendable {
        var id: Int64
        /// Position in the engine's arrays; `Entry.empty` marks a free entry.
        var slot: Int
        static let empty = Entry(id: 0, slot: -1)
    }

    /// Power-of-two length; a private copy-on-write array keeps the engine a value type.
    private var entries: [Entry] = []
    private(set) var count = 0

    init() {}

    /// Bytes allocated for the table (array header and entries).
    var allocatedBytes: Int { entries.isEmpty ? 0 : 32 + entries.capacity * MemoryLayout<Entry>.stride }

    /// The slot of `id`, if present.
    @inline(__always)
    func slot(of id: Int64) -> Int? {
        guard !entries.isEmpty else { return nil }
        let mask = entries.count - 1
        var i = Self.hash(id) & mask
        while true {
            let e = entries[i]
            if e.slot < 0 { return nil }
            if e.id == id { return e.slot }
            i = (i + 1) & mask
        }
    }

    /// Adds `id` (which must be absent) at `slot`.
    mutating func insert(_ id: Int64, slot: Int) {
        // Grow at 7/8 full: with a good hash a successful lookup then averages under five probes,
        // which at four entries per cache line is one or two lines.
        if (count + 1) * 8 > entries.count * 7 { grow() }
        place(Entry(id: id, slot: slot))
        count += 1
    }

    private mutating func place(_ entry: Entry) {
        let mask = entries.count - 1
        var i = Self.hash(entry.id) & mask
        while entries[i].slot >= 0 { i = (i + 1) & mask }
        entries[i] = entry
    }

    private mutating func grow() {
        let old = entries
        entries = Array(repeating: .empty, count: Swift.max(16, old.count * 2))
        for e in old where e.slot >= 0 { place(e) }
    }

    /// Swift's per-process seeded hash, as `Dictionary` uses: ids come from outside, and a fixed
    /// hash would let a producer choose ids that all collide.
    @inline(__always)
    static func hash(_ id: Int64) -> Int { id.hashValue }
}
