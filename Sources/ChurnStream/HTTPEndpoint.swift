import CMicroHTTPD

/// The ops endpoint (libmicrohttpd, on its own thread):
/// - `GET /metrics`: Prometheus text;
/// - `GET /healthz`: 200 while the process runs;
/// - `GET /readyz`: 200 once every assigned partition is restored, else 503 with the reason;
/// - `POST /pause`, `POST /resume`: stop and restart fetching (the worker stays in its group).
public final class HTTPEndpoint: Sendable {
    /// What the request handler reaches through libmicrohttpd's opaque pointer.
    final class Context: Sendable {
        let board: MetricsBoard
        let control: WorkerControl
        init(board: MetricsBoard, control: WorkerControl) {
            self.board = board
            self.control = control
        }
    }

    private let context: Context
    nonisolated(unsafe) private var daemon: OpaquePointer?
    /// The port actually bound (useful with port 0).
    public let port: UInt16

    /// Listens on `host:port` (IPv4; port 0 picks a free one).
    public init(host: String, port: UInt16, board: MetricsBoard, control: WorkerControl) throws(StreamError) {
        context = Context(board: board, control: control)
        let opaque = Unmanaged.passUnretained(context).toOpaque()
        guard let d = churn_mhd_start_ipv4(host, port, { cls, connection, url, method, _, _, uploadSize, requestState in
            guard let cls, let connection, let url, let method else { return .NO }
            let verb = String(cString: method)
            // A POST is answered on the second call, once libmicrohttpd has read its (empty) body.
            if verb == "POST", let requestState, requestState.pointee == nil {
                requestState.pointee = UnsafeMutableRawPointer(bitPattern: 1)
                return .YES
            }
            if let uploadSize { uploadSize.pointee = 0 }
            let ctx = Unmanaged<Context>.fromOpaque(cls).takeUnretainedValue()
            let (status, type, body) = HTTPEndpoint.respond(verb: verb, path: String(cString: url),
                                                            snapshot: ctx.board.snapshot, control: ctx.control)
            var bytes = Array(body.utf8)
            let response = bytes.withUnsafeMutableBytes {
                MHD_create_response_from_buffer($0.count, $0.baseAddress, .RESPMEM_MUST_COPY)
            }
            guard let response else { return .NO }
            _ = MHD_add_response_header(response, "Content-Type", type)
            let result = MHD_queue_response(connection, UInt32(status), response)
            MHD_destroy_response(response)
            return result
        }, opaque) else {
            throw StreamError(.httpFailed, "cannot listen on http://\(host):\(port) (address in use, or not an IPv4 address?); choose another with --http")
        }
        daemon = d
        self.port = churn_mhd_port(d)
    }

    /// Status, content type and body for a request.
    static func respond(verb: String, path: String, snapshot: MetricsSnapshot, control: WorkerControl) -> (Int, String, String) {
        switch (verb, path) {
        case ("GET", "/metrics"), ("HEAD", "/metrics"):
            return (200, "text/plain; version=0.0.4; charset=utf-8", snapshot.prometheusText())
        case ("GET", "/healthz"), ("HEAD", "/healthz"):
            return (200, "text/plain", "ok\n")
        case ("GET", "/readyz"), ("HEAD", "/readyz"):
            if snapshot.ready && !snapshot.stopping { return (200, "text/plain", "ready\n") }
            let why = snapshot.stopping ? "stopping"
                : snapshot.restoring > 0 ? "restoring \(snapshot.restoring) of \(snapshot.assigned) partitions"
                : "no partitions assigned yet"
            return (503, "text/plain", "not ready: \(why)\n")
        case ("POST", "/pause"):
            control.setPaused(true)
            return (202, "text/plain", "pausing\n")
        case ("POST", "/resume"):
            control.setPaused(false)
            return (202, "text/plain", "resuming\n")
        case (_, "/metrics"), (_, "/healthz"), (_, "/readyz"), (_, "/pause"), (_, "/resume"):
            return (405, "text/plain", "method not allowed\n")
        default:
            return (404, "text/plain", "not found; try /metrics, /healthz or /readyz\n")
        }
    }

    public func stop() {
        if let d = daemon { MHD_stop_daemon(d) }
        daemon = nil
    }

    deinit { stop() }
}
