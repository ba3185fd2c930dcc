import ChurnStream
import ChurnWorker
import Foundation

/// A worker running on its own thread of this process (the demo and the stream benchmark).
final class WorkerThread: @unchecked Sendable {
    let control: WorkerControl
    private let done = DispatchSemaphore(value: 0)
    private let box = ErrorBox()

    init(config: WorkerConfig, composer: AlertComposer, log: Log, board: MetricsBoard, control: WorkerControl = WorkerControl()) {
        self.control = control
        let done = done, box = box
        Thread.detachNewThread {
            let worker = Worker(config: config, composer: composer, log: log, board: board, control: control)
            do throws(StreamError) { try worker.run() } catch { box.set(error) }
            done.signal()
        }
    }

    /// Why the worker stopped by itself, if it did.
    var error: StreamError? { box.get() }

    /// Whether the worker's run has returned.
    var finished: Bool {
        guard done.wait(timeout: .now()) == .success else { return false }
        done.signal()
        return true
    }

    /// Asks the worker to stop and waits for it (`timeout` seconds at most); whether it stopped.
    @discardableResult
    func stop(timeout: Double = .infinity) -> Bool {
        control.requestStop()
        let ok = done.wait(timeout: timeout.isFinite ? .now() + timeout : .distantFuture) == .success
        if ok { done.signal() }
        return ok
    }
}

/// The first error of another thread.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: StreamError?
    func set(_ e: StreamError) { lock.lock(); error = error ?? e; lock.unlock() }
    func get() -> StreamError? { lock.lock(); defer { lock.unlock() }; return error }
}
