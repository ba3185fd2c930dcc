import Testing
@testable import ChurnStream

struct MetricsTests {
    @Test func histogramBucketsAndQuantiles() {
        var h = LatencyHistogram()
        for _ in 0..<90 { h.record(nanos: 3_000) }        // 3 µs → the 5 µs bucket
        for _ in 0..<10 { h.record(nanos: 2_000_000) }    // 2 ms → the 2.5 ms bucket
        #expect(h.count == 100)
        #expect(h.quantile(0.5) == 5e-6)
        #expect(h.quantile(0.9) == 5e-6)
        #expect(h.quantile(0.99) == 2.5e-3)
        #expect(abs(h.sum - (90 * 3e-6 + 10 * 2e-3)) < 1e-12)
        h.record(nanos: 5_000_000_000)
        #expect(h.quantile(1) == .infinity)
        #expect(LatencyHistogram().quantile(0.5) == nil)
    }

    @Test func prometheusTextHasEveryFamilyWithHelpTypeAndCumulativeBuckets() {
        var m = MetricsSnapshot()
        m.eventsConsumed = 12
        m.rejected = ["bad_json": 2, "late": 1]
        m.alerts = ["at_risk": 3]
        m.lag = [0: 5, 1: 0]
        m.scoring.record(nanos: 3_000)
        m.scoring.record(nanos: 30_000)
        m.ready = true
        let text = m.prometheusText()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("churn_events_consumed_total 12"))
        #expect(lines.contains("churn_events_rejected_total{reason=\"bad_json\"} 2"))
        #expect(lines.contains("churn_alerts_total{kind=\"at_risk\"} 3"))
        #expect(lines.contains("churn_alerts_total{kind=\"recovered\"} 0"))
        #expect(lines.contains("churn_consumer_lag{partition=\"0\"} 5"))
        #expect(lines.contains("churn_event_processing_seconds_bucket{le=\"5e-06\"} 1"))
        #expect(lines.contains("churn_event_processing_seconds_bucket{le=\"5e-05\"} 2"))
        #expect(lines.contains("churn_event_processing_seconds_bucket{le=\"+Inf\"} 2"))
        #expect(lines.contains("churn_ready 1"))
        // Every sample belongs to a family announced with HELP and TYPE.
        var declared = Set<String>()
        for line in lines {
            if line.hasPrefix("# TYPE ") { declared.insert(String(line.split(separator: " ")[2])) }
            guard !line.hasPrefix("#") else { continue }
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            let family = ["_bucket", "_sum", "_count"].reduce(name) { n, s in
                n.hasSuffix(s) && declared.contains(String(n.dropLast(s.count))) ? String(n.dropLast(s.count)) : n
            }
            #expect(declared.contains(family), "\(name) has no TYPE line")
            #expect(Double(line.split(separator: " ").last ?? "") != nil, "\(line) ends in a number")
        }
    }

    @Test func endpointAnswersMetricsHealthReadinessAndControl() {
        let control = WorkerControl()
        var m = MetricsSnapshot()
        m.assigned = 4
        m.restoring = 2
        var r = HTTPEndpoint.respond(verb: "GET", path: "/readyz", snapshot: m, control: control)
        #expect(r.0 == 503)
        #expect(r.2.contains("restoring 2 of 4"))
        m.restoring = 0
        m.ready = true
        r = HTTPEndpoint.respond(verb: "GET", path: "/readyz", snapshot: m, control: control)
        #expect(r.0 == 200)
        m.stopping = true
        #expect(HTTPEndpoint.respond(verb: "GET", path: "/readyz", snapshot: m, control: control).0 == 503)
        #expect(HTTPEndpoint.respond(verb: "GET", path: "/healthz", snapshot: m, control: control).0 == 200)
        #expect(HTTPEndpoint.respond(verb: "GET", path: "/metrics", snapshot: m, control: control).1.hasPrefix("text/plain; version=0.0.4"))
        #expect(HTTPEndpoint.respond(verb: "DELETE", path: "/metrics", snapshot: m, control: control).0 == 405)
        #expect(HTTPEndpoint.respond(verb: "GET", path: "/pause", snapshot: m, control: control).0 == 405)
        #expect(HTTPEndpoint.respond(verb: "GET", path: "/elsewhere", snapshot: m, control: control).0 == 404)
        #expect(!control.pauseRequested)
        #expect(HTTPEndpoint.respond(verb: "POST", path: "/pause", snapshot: m, control: control).0 == 202)
        #expect(control.pauseRequested)
        #expect(HTTPEndpoint.respond(verb: "POST", path: "/resume", snapshot: m, control: control).0 == 202)
        #expect(!control.pauseRequested)
    }

    @Test func logLinesAreOneJSONObjectEach() throws {
        let lines = LinesBox()
        let log = Log(component: "t", minimum: .info, sink: { lines.append($0) })
        log.debug("hidden")
        log.info("hello \"world\"\n", ["n": 3, "x": .number(1.5), "ok": .bool(true), "s": "a\\b"])
        #expect(lines.all.count == 1)
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("}\n"))
        #expect(!line.dropLast().contains("\n"))
        #expect(line.contains("\"msg\":\"hello \\\"world\\\"\\n\""))
        #expect(line.contains("\"n\":3,\"x\":1.5,\"ok\":true,\"s\":\"a\\\\b\""))
    }
}

final class LinesBox: @unchecked Sendable {
    private var lines: [String] = []
    func append(_ s: String) { lines.append(s) }
    var all: [String] { lines }
}
