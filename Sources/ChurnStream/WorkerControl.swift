import Synchronization

/// Requests to a running worker from other threads (signal handlers, the HTTP endpoint, tests):
/// stop, and pause or resume consumption.
public final class WorkerControl: Sendable {
    private let stopFlag = Atomic<Bool>(false)
    private let pauseFlag = Atomic<Bool>(false)

    public init() {}

    public func requestStop() { stopFlag.store(true, ordering: .releasing) }
    public var stopRequested: Bool { stopFlag.load(ordering: .acquiring) }

    /// Pauses (true) or resumes (false) fetching from every assigned partition; the worker keeps
    /// its group membership, commits and metrics meanwhile.
    public func setPaused(_ paused: Bool) { pauseFlag.store(paused, ordering: .releasing) }
    public var pauseRequested: Bool { pauseFlag.load(ordering: .acquiring) }
}
