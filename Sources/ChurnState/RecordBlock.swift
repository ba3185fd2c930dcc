/// The kinds of day record, in their order in a ``RecordBlock``.
enum Section: CaseIterable {
    case purchase, visit, counter

    /// Bytes of one packed record.
    var stride: Int {
        switch self {
        case .purchase: PurchaseDay.packedSize
        case .visit: VisitDay.packedSize
        case .counter: CounterDay.packedSize
        }
    }

    /// Days a record stays after its own: ``ClientState/prune(clockDay:)`` forgets a record of
    /// day d once the clock reaches d + keptDays.
    var keptDays: Int32 {
        switch self {
        case .visit: Int32(Windows.quarter)  // visits feed windows of at most 90 days
        case .purchase, .counter: Int32(Windows.halfYear)
        }
    }
}

/// Records of one kind read in place from a block, unpacked on access.
struct PackedRecords<R: DayRecord>: RandomAccessCollection {
    let bytes: UnsafeRawBufferPointer
    var startIndex: Int { 0 }
    var endIndex: Int { bytes.count / R.packedSize }

    @inline(__always)
    subscript(i: Int) -> R { R(packed: bytes, at: i * R.packedSize) }
}

/// The day records of one client in a single heap block: purchases, then visits, then counters,
/// packed, each kind with its own count and capacity (like three arrays sharing one allocation).
///
/// Three arrays cost three 32-byte headers and three allocations per client, and an event on a
/// client then chases separate pointers; one block keeps a client's records on neighbouring cache
/// lines. It is a value type: the block is copied before a write when shared (copy on write), so
/// a block seen by several threads is only ever read, which is why the type can be Sendable.
struct RecordBlock: @unchecked Sendable {
    struct Counts {
        var purchases: Int32 = 0, visits: Int32 = 0, counters: Int32 = 0

        subscript(section: Section) -> Int {
            get {
                switch section {
                case .purchase: Int(purchases)
                case .visit: Int(visits)
                case .counter: Int(counters)
                }
            }
            set {
                switch section {
                case .purchase: purchases = Int32(newValue)
                case .visit: visits = Int32(newValue)
                case .counter: counters = Int32(newValue)
                }
            }
        }
    }

    struct Header {
        var count = Counts()
        var capacity = Counts()

        /// Byte offset of a section from the start of the elements.
        func offset(of section: Section) -> Int {
            switch section {
            case .purchase: 0
            case .visit: capacity[.purchase] * Section.purchase.stride
            case .counter: capacity[.purchase] * Section.purchase.stride + capacity[.visit] * Section.visit.stride
            }
        }

        var bytes: Int { offset(of: .counter) + capacity[.counter] * Section.counter.stride }

        /// The used bytes of a section.
        func range(of section: Section) -> Range<Int> {
            let start = offset(of: section)
            return start..<(start + count[section] * section.stride)
        }
    }

    typealias Storage = ManagedBuffer<Header, UInt8>

    /// Nil while the client has no records.
    private var storage: Storage?

    /// No clock day before this one lets ``ClientState/prune(clockDay:)`` remove a record: the
    /// earliest day at which the first record of a kind leaves its windows. Kept here, beside the
    /// pointer, so that the daily ageing of every client skips those with nothing to forget
    /// without touching their block. A lower bound (exact after a removal): inserts only lower it.
    private(set) var dueDay: Int32 = .max

    init() {}

    /// A block holding exactly these records.
    init(purchases: [PurchaseDay], visits: [VisitDay], counters: [CounterDay]) {
        var header = Header()
        header.count = Counts(purchases: Int32(purchases.count), visits: Int32(visits.count), counters: Int32(counters.count))
        header.capacity = header.count
        guard header.bytes > 0 else { return }
        let storage = Self.allocate(header)
        storage.withUnsafeMutablePointers { h, base in
            let bytes = UnsafeMutableRawBufferPointer(start: base, count: h.pointee.bytes)
            Self.pack(purchases, into: bytes, h.pointee)
            Self.pack(visits, into: bytes, h.pointee)
            Self.pack(counters, into: bytes, h.pointee)
        }
        self.storage = storage
        recomputeDueDay()
    }

    private static func pack<R: DayRecord>(_ records: [R], into bytes: UnsafeMutableRawBufferPointer, _ header: Header) {
        let start = header.offset(of: R.section)
        for (i, r) in records.enumerated() { r.pack(into: bytes, at: start + i * R.packedSize) }
    }

    private static func allocate(_ header: Header) -> Storage {
        Storage.create(minimumCapacity: header.bytes) { _ in header }
    }

    func count(_ section: Section) -> Int { storage?.header.count[section] ?? 0 }

    // MARK: Reading

    /// Reads the records of one kind in place.
    @inline(__always)
    func withRecords<R: DayRecord, Result>(_: R.Type, _ body: (PackedRecords<R>) -> Result) -> Result {
        guard let storage else { return body(PackedRecords(bytes: UnsafeRawBufferPointer(start: nil, count: 0))) }
        return storage.withUnsafeMutablePointers { h, base in
            let range = h.pointee.range(of: R.section)
            return body(PackedRecords(bytes: UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)))
        }
    }

    /// The records of one kind as an array (a copy, for tests, tools and the codec).
    func array<R: DayRecord>(_: R.Type) -> [R] { withRecords(R.self) { Array($0) } }

    // MARK: Writing

    /// Finds the record with `key`, creating it with `make` when absent, and applies `change` to it.
    @inline(__always)
    mutating func update<R: DayRecord>(key: Int64, make: () -> R, _ change: (inout R) -> Void) {
        let (index, found) = withRecords(R.self) { Self.position(of: key, in: $0) }
        reserve(inserting: found ? nil : R.section)
        guard let storage else { return }  // reserve allocated it
        storage.withUnsafeMutablePointers { h, base in
            let start = h.pointee.offset(of: R.section), n = h.pointee.count[R.section]
            let at = start + index * R.packedSize
            var record: R
            if found {
                record = R(packed: UnsafeRawBufferPointer(start: base, count: h.pointee.bytes), at: at)
            } else {
                // Make room: move the later records of the kind up by one.
                UnsafeMutableRawPointer(base + at + R.packedSize).copyMemory(from: base + at, byteCount: (n - index) * R.packedSize)
                h.pointee.count[R.section] = n + 1
                record = make()
                if index == 0 { dueDay = Swift.min(dueDay, Self.due(record.day, R.section)) }
            }
            change(&record)
            record.pack(into: UnsafeMutableRawBufferPointer(start: base, count: h.pointee.bytes), at: at)
        }
    }

    /// Where `key` is or would go among records sorted by key; events arrive mostly in time order,
    /// so the last record is checked first.
    @inline(__always)
    private static func position<R: DayRecord>(of key: Int64, in records: PackedRecords<R>) -> (Int, found: Bool) {
        guard let last = records.last else { return (0, false) }
        let k = last.key
        if k == key { return (records.count - 1, true) }
        if k < key { return (records.count, false) }
        var lo = 0, hi = records.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if records[mid].key < key { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < records.count && records[lo].key == key)
    }

    /// Makes the block unique and, when `inserting` into a section, leaves room there for one more.
    private mutating func reserve(inserting section: Section?) {
        var header = storage?.header ?? Header()
        let full = section.map { header.count[$0] == header.capacity[$0] } ?? false
        if !full, isKnownUniquelyReferenced(&storage) { return }
        if let section, full {
            // Grow by a quarter, not double: states are many and small, and slack is memory. A new
            // block copies every record, so every kind in use gets room, not only the full one:
            // that halves the number of copies for the same slack.
            for s in Section.allCases where s == section || header.count[s] > 0 {
                let n = header.count[s]
                header.capacity[s] = Swift.max(header.capacity[s], n + Swift.max(2, n / 4))
            }
        }
        let block = Self.allocate(header)
        // malloc rounds the block up: the spare bytes become room in the growing section.
        let spare = section ?? .counter
        header.capacity[spare] += (block.capacity - header.bytes) / spare.stride
        block.header = header
        if let old = storage {
            old.withUnsafeMutablePointers { oh, from in
                block.withUnsafeMutablePointers { _, to in
                    for s in Section.allCases {
                        (to + header.offset(of: s)).update(from: from + oh.pointee.offset(of: s), count: header.count[s] * s.stride)
                    }
                }
            }
        }
        storage = block
    }

    /// Removes the records of one kind that match, keeping the order of the rest.
    mutating func removeAll<R: DayRecord>(_: R.Type, where drop: (R) -> Bool) {
        guard count(R.section) > 0 else { return }
        reserve(inserting: nil)
        storage?.withUnsafeMutablePointers { h, base in
            let bytes = UnsafeMutableRawBufferPointer(start: base, count: h.pointee.bytes)
            let start = h.pointee.offset(of: R.section)
            var kept = 0
            for i in 0..<h.pointee.count[R.section] {
                let r = R(packed: UnsafeRawBufferPointer(bytes), at: start + i * R.packedSize)
                if drop(r) { continue }
                r.pack(into: bytes, at: start + kept * R.packedSize)
                kept += 1
            }
            h.pointee.count[R.section] = kept
        }
        recomputeDueDay()
    }

    // MARK: Ageing

    /// The clock day at which a record of `day` leaves its windows (saturating: a day that far
    /// out is never reached by an Int32 clock).
    private static func due(_ day: Int32, _ section: Section) -> Int32 {
        let (d, overflow) = day.addingReportingOverflow(section.keptDays)
        return overflow ? .max : d
    }

    private mutating func recomputeDueDay() {
        var due = Int32.max
        if let d = withRecords(PurchaseDay.self, { $0.first?.day }) { due = Swift.min(due, Self.due(d, .purchase)) }
        if let d = withRecords(VisitDay.self, { $0.first?.day }) { due = Swift.min(due, Self.due(d, .visit)) }
        if let d = withRecords(CounterDay.self, { $0.first?.day }) { due = Swift.min(due, Self.due(d, .counter)) }
        dueDay = due
    }

    /// Bytes of the heap block: object header, counts and capacities, and the bytes allocated.
    var allocatedBytes: Int {
        guard let storage else { return 0 }
        return 16 + MemoryLayout<Header>.size + storage.capacity
    }
}

extension RecordBlock: Equatable {
    /// Equal records of every kind (capacities and ``dueDay`` are not content). Like an array, a
    /// shared block is equal to itself without reading it.
    static func == (a: RecordBlock, b: RecordBlock) -> Bool {
        if a.storage === b.storage { return true }
        func same<R: DayRecord>(_: R.Type) -> Bool {
            a.withRecords(R.self) { x in b.withRecords(R.self) { x.elementsEqual($0) } }
        }
        return same(PurchaseDay.self) && same(VisitDay.self) && same(CounterDay.self)
    }
}
