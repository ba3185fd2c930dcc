import Testing
@testable import ChurnWorker
import ChurnState
import ChurnModel

/// The alert rule: ≥ enters, leaving needs a margin below either line, profit leaves first —
/// and a client wobbling around the line gets one alert, on its own and through the processor.
@Suite struct AlertPolicyTests {
    let policy = AlertPolicy(probabilityThreshold: 0.5, profitThreshold: 4, probabilityMargin: 0.05, profitMargin: 0.1)
    var probabilityLine: Double { policy.probabilityThreshold - policy.probabilityMargin }
    var profitLine: Double { policy.profitThreshold - policy.profitMargin }

    func out(_ p: Double, _ profit: Double) -> AlertPolicy.Transition { policy.transition(wasIn: false, probability: p, profit: profit) }
    func inside(_ p: Double, _ profit: Double) -> AlertPolicy.Transition { policy.transition(wasIn: true, probability: p, profit: profit) }

    @Test func entersAtBothThresholdsInclusive() {
        #expect(out(0.5, 4) == .enter)
        #expect(out(1, 1e9) == .enter)
        #expect(out(0.5.nextDown, 4) == .stay)
        #expect(out(0.5, 4.0.nextDown) == .stay)
        #expect(out(0.99, 3) == .stay)
        #expect(out(0.2, 100) == .stay)
        #expect(out(.nan, 100) == .stay)
    }

    @Test func leavesOnlyBelowThresholdMinusMargin() {
        // Between the lines and at them: still in.
        #expect(inside(0.5.nextDown, 4.0.nextDown) == .stay)
        #expect(inside(0.47, 3.95) == .stay)
        #expect(inside(probabilityLine, profitLine) == .stay)
        #expect(inside(1, 100) == .stay)
        // Just below either line: out, with the line that was crossed.
        #expect(inside(probabilityLine.nextDown, 100) == .leaveProbability)
        #expect(inside(1, profitLine.nextDown) == .leaveProfit)
        #expect(inside(0, -5) == .leaveProfit, "profit is checked first when both fell")
        #expect(inside(probabilityLine.nextDown, profitLine.nextDown) == .leaveProfit)
    }

    @Test func withoutMarginsLeavingIsJustBelowTheThreshold() {
        let p = AlertPolicy(probabilityThreshold: 0.5, profitThreshold: 4, probabilityMargin: 0, profitMargin: 0)
        #expect(p.transition(wasIn: true, probability: 0.5, profit: 4) == .stay)
        #expect(p.transition(wasIn: true, probability: 0.5.nextDown, profit: 4) == .leaveProbability)
        #expect(p.transition(wasIn: true, probability: 0.5, profit: 4.0.nextDown) == .leaveProfit)
    }

    @Test func defaultPolicyIsTheArtifactsThresholdsWithDefaultMargins() throws {
        let model = try Model.load()
        let p = AlertComposer.defaultPolicy(model.artifact)
        #expect(p.probabilityThreshold == model.artifact.thresholds.probability)
        #expect(p.profitThreshold == model.artifact.thresholds.profit)
        #expect(p.probabilityMargin == AlertPolicy.defaultProbabilityMargin)
        #expect(p.profitMargin == AlertPolicy.defaultProfitMargin)
        #expect(abs(p.probabilityThreshold - 0.4957) < 1e-3 && abs(p.profitThreshold - 3.998) < 1e-3)
    }

    /// Runs the rule over a series of probabilities; returns the transitions that were not `.stay`.
    func transitions(_ probabilities: [Double], profit: Double = 10) -> [AlertPolicy.Transition] {
        var wasIn = false
        var moves: [AlertPolicy.Transition] = []
        for p in probabilities {
            let t = policy.transition(wasIn: wasIn, probability: p, profit: profit)
            if t != .stay {
                moves.append(t)
                wasIn = t == .enter
            }
        }
        return moves
    }

    static func oscillating(_ centre: Double, by delta: Double, times: Int) -> [Double] {
        (0..<times).map { $0 % 2 == 0 ? centre + delta : centre - delta }
    }

    @Test func probabilityOscillatingAroundTheThresholdEntersOnce() {
        #expect(transitions(Self.oscillating(0.5, by: 0.02, times: 200)) == [.enter])
        #expect(transitions(Self.oscillating(0.5, by: 0.049, times: 200)) == [.enter])
        // Control: a swing wider than the margin does alert every time.
        #expect(transitions(Self.oscillating(0.5, by: 0.06, times: 200)).count == 200)
    }

    @Test func profitOscillatingAroundTheThresholdEntersOnce() {
        var wasIn = false
        var moves = 0
        for i in 0..<200 {
            let t = policy.transition(wasIn: wasIn, probability: 0.9, profit: i % 2 == 0 ? 4.05 : 3.95)
            if t != .stay { moves += 1; wasIn = t == .enter }
        }
        #expect(moves == 1 && wasIn)
    }

    // MARK: end to end

    /// Alternating snapshots of one client on one day, each replacing the client's row, so each
    /// sets the probability exactly: returns the alerts and the probabilities the processor saw.
    func oscillateThroughProcessor(high: [Double], low: [Double], times: Int, model: Model) throws -> (alerts: [Alert], seen: [Double]) {
        var feeder = Feeder(model.processor(explanationPairs: 1))
        var seen: [Double] = []
        for i in 0..<times {
            feeder.send(Fixture.snapshot(7, minute: i, row: i % 2 == 0 ? high : low, profit: 10))
            seen.append(model.probability(try feeder.processor.features(of: 7)))
        }
        return (feeder.alerts, seen)
    }

    @Test func processorAlertsOnceForAProbabilityWobblingAroundTheThreshold() throws {
        let model = try Model.load()
        let threshold = model.policy.probabilityThreshold
        let high = try model.row(probability: threshold + 0.02)
        let low = try model.row(probability: threshold - 0.02)
        let (alerts, seen) = try oscillateThroughProcessor(high: high, low: low, times: 60, model: model)
        for (i, p) in seen.enumerated() {
            #expect(abs(p - (i % 2 == 0 ? threshold + 0.02 : threshold - 0.02)) < 1e-9, "snapshot \(i) scored \(p)")
        }
        #expect(alerts.map(\.alertId) == ["7-1"])
        #expect(alerts.first?.kind == .atRisk)

        // Control: wider than the margin, every snapshot is a transition.
        let lower = try model.row(probability: threshold - model.policy.probabilityMargin - 0.01)
        let control = try oscillateThroughProcessor(high: high, low: lower, times: 6, model: model).alerts
        #expect(control.map(\.kind) == [.atRisk, .recovered, .atRisk, .recovered, .atRisk, .recovered])
        #expect(control.map(\.alertId) == (1...6).map { "7-\($0)" })
    }

    @Test func processorAlertsOnceForAProfitWobblingAroundItsThreshold() throws {
        let model = try Model.load()
        let high = try model.row(probability: 0.9)
        let line = model.policy.profitThreshold
        var feeder = Feeder(model.processor(explanationPairs: 1))
        feeder.send(Fixture.snapshot(7, row: high, profit: line - 0.05))
        #expect(feeder.alerts.isEmpty, "profit below the threshold: no alert yet")
        for i in 1...60 {
            feeder.send(Fixture.event(7, minute: i, .profit(i % 2 == 1 ? line + 0.05 : line - 0.05)))
        }
        #expect(feeder.alerts.map(\.alertId) == ["7-1"])
        #expect(feeder.processor.memory(of: 7) == AlertMemory(inSegment: true, sequence: 1, appliedOffset: 60))
        feeder.send(Fixture.event(7, minute: 61, .profit(line - model.policy.profitMargin - 0.01)))
        #expect(feeder.alerts.map(\.cause) == [.entered, .profitFell])
    }
}

/// The model is skipped exactly where the rule cannot fire.
struct ScoreSkippingTests {
    @Test func lowProfitClientsOutOfTheSegmentAreNotScoredUntilTheirProfitRises() throws {
        let model = try Model.load()
        let threshold = model.artifact.thresholds.profit
        var feeder = Feeder(model.processor())
        let row = try model.row(probability: 0.95)
        // Very likely to buy less, but not profitable enough: no score is needed, no alert comes.
        var out = feeder.send(Fixture.snapshot(5, row: row, profit: threshold - 0.5))
        #expect(out.rescored == 1 && out.scoresSkipped == 1 && out.alerts.isEmpty)
        // The profit rises over the line: scored, and the alert comes at once.
        out = feeder.send(Fixture.event(5, minute: 5, .profit(threshold + 0.5)))
        #expect(out.scoresSkipped == 0)
        #expect(out.alerts.map(\.kind) == [.atRisk])
        // In the segment, a profit fall is scored (the alert reports the probability) and leaves.
        out = feeder.send(Fixture.event(5, minute: 10, .profit(threshold - 0.5)))
        #expect(out.scoresSkipped == 0)
        #expect(out.alerts.map(\.cause) == [.profitFell])
        #expect(out.alerts.first.map { abs($0.probability - model.probability(row)) < 1e-12 } == true)
    }
}
