import Dispatch
import Foundation

/// Result slots filled by concurrent iterations.
private final class Slots<T>: @unchecked Sendable {
    // @unchecked: each index is written by exactly one iteration, under the lock.
    var values: [T?]
    let lock = NSLock()
    init(_ n: Int) { values = Array(repeating: nil, count: n) }
}

/// Runs `body` for 0..<count on all cores and returns the results in index order.
func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    let slots = Slots<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { i in
        let v = body(i)
        slots.lock.lock()
        slots.values[i] = v
        slots.lock.unlock()
    }
    return slots.values.map { $0! }
}
