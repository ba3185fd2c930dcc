import Testing
@testable import ChurnWorker
import ChurnState
import ChurnModel

/// What an alert says: identity and sequence, the score (equal to scoring the client's
/// features directly), thresholds, source, explanation and priced recommendations; recovered
/// alerts without recommendations; and the alert a client gets by ageing alone.
@Suite struct AlertTests {
    /// A client of the at-risk segment's kind with few marketing contacts, so that most rules fire.
    static func riskyRow(_ model: Model) -> [Double] {
        var row = model.row(1)
        row[FI.marketActivity6m] = 2.5
        return row
    }

    /// Checks the score, explanation and recommendations of `alert` against the scorer, for the
    /// client's features `x` when the alert was made.
    static func expectConsistent(_ alert: Alert, features x: [Double], _ model: Model) {
        let score = model.scorer.score(x)
        #expect(alert.probability == score.probability)
        #expect(alert.decisionValue == score.decisionValue)
        #expect(alert.policy == model.policy)
        #expect(alert.modelVersion == model.composer.modelVersion)
        #expect(alert.alertId == "\(alert.clientId)-\(alert.sequence)")

        let c = alert.contributions
        #expect(c.count == min(5, model.spec.count))
        #expect(zip(c, c.dropFirst()).allSatisfy { abs($0.contribution) >= abs($1.contribution) }, "\(c)")
        #expect(Set(c.map(\.feature)).count == c.count)
        for item in c {
            if let i = model.spec.index(of: item.feature) {
                #expect(item.rawValue == x[i])
                #expect(item.value == model.spec.describe(value: x[i], of: model.spec.features[i]))
            } else {
                Issue.record("unknown feature \(item.feature)")
            }
        }

        let r = alert.recommendations
        #expect(zip(r, r.dropFirst()).allSatisfy { $0.effect >= $1.effect }, "\(r.map(\.effect))")
        #expect(Set(r.map(\.action)).count == r.count)
        for rec in r {
            guard let i = model.spec.index(of: rec.feature) else {
                Issue.record("unknown feature \(rec.feature)")
                continue
            }
            var whatIf = x
            whatIf[i] = rec.target
            #expect(rec.value == x[i])
            #expect(rec.target == model.artifact.reference.retainedTypical[i])
            #expect(rec.probabilityIf == model.probability(whatIf), "\(rec.action)")
            #expect(rec.effect > 0 && rec.effect == alert.probability - rec.probabilityIf, "\(rec.action)")
            #expect(!rec.text.isEmpty)
        }
    }

    @Test func atRiskAlertCarriesScoreSourceExplanationAndRecommendations() throws {
        let model = try Model.load()
        var feeder = Feeder(model.processor())
        feeder.send(Fixture.event(8, .visit(minutes: 3, pages: 2, categoriesViewed: 1)))
        let event = Fixture.snapshot(7, minute: 10, id: "snap-7", row: Self.riskyRow(model), profit: 6.5)
        let out = feeder.send(event)
        let alert = try #require(out.alerts.first)
        #expect(out.alerts.count == 1)
        #expect(alert.alertId == "7-1" && alert.clientId == 7 && alert.sequence == 1)
        #expect(alert.kind == .atRisk && alert.cause == .entered && alert.trigger == .event)
        #expect(alert.profit == 6.5)
        #expect(alert.eventTimeMillis == event.timeMillis)
        #expect(alert.source == Alert.Source(topic: Fixture.topic, partition: Fixture.partition, offset: 1, eventId: "snap-7"))
        #expect(alert.probability >= model.policy.probabilityThreshold)
        let x = try feeder.processor.features(of: 7)
        #expect(x == Self.riskyRow(model), "at the snapshot's day the features are its row")
        Self.expectConsistent(alert, features: x, model)
        #expect(alert.recommendations.count >= 3, "\(alert.recommendations.map(\.action))")
        #expect(alert.recommendations.contains { $0.action == "more_marketing_contacts" })
        #expect(feeder.processor.memory(of: 7) == AlertMemory(inSegment: true, sequence: 1, appliedOffset: 1))
        #expect(feeder.processor.inSegmentCount == 1)
    }

    @Test func recoveredAlertsCarryNoRecommendationsAndSequencesGoOn() throws {
        let model = try Model.load()
        var feeder = Feeder(model.processor(explanationPairs: 1))
        let line = model.policy.profitThreshold - model.policy.profitMargin
        let steps: [(ClientEvent, Alert.Kind, Alert.Cause)] = [
            (Fixture.snapshot(7, row: Self.riskyRow(model), profit: 8), .atRisk, .entered),
            (Fixture.event(7, minute: 1, id: "p1", .profit(line - 0.5)), .recovered, .profitFell),
            (Fixture.event(7, minute: 2, .profit(9)), .atRisk, .entered),
            (Fixture.snapshot(7, minute: 3, row: model.row(0), profit: 9), .recovered, .probabilityFell),
        ]
        for (i, (event, kind, cause)) in steps.enumerated() {
            let out = feeder.send(event)
            let alert = try #require(out.alerts.first, "step \(i)")
            #expect(out.alerts.count == 1)
            #expect(alert.alertId == "7-\(i + 1)" && alert.kind == kind && alert.cause == cause, "step \(i)")
            #expect(alert.source.offset == Int64(i) && alert.source.eventId == event.eventId)
            #expect(alert.profit == feeder.processor.engine.profit(atSlot: 0))
            Self.expectConsistent(alert, features: try feeder.processor.features(of: 7), model)
            if kind == .recovered {
                #expect(alert.recommendations.isEmpty)
                #expect(!alert.contributions.isEmpty, "a recovered alert still explains its score")
            } else {
                #expect(!alert.recommendations.isEmpty)
            }
        }
        #expect(feeder.processor.memory(of: 7) == AlertMemory(inSegment: false, sequence: 4, appliedOffset: 3))
    }

    @Test func clientWhoGoesQuietBecomesAtRiskWhenAnotherClientMovesTheClock() throws {
        let model = try Model.load()
        let quiet = model.row(0)
        #expect(model.probability(quiet) < 0.1, "the typical retained client starts far from the line")
        // The first day on which the quiet client's aged features reach the threshold.
        var state = ClientState(firstSeenDay: Fixture.day0)
        state.apply(Fixture.snapshot(1, row: quiet, profit: 10))
        let k = try #require((1..<Windows.halfYear).first { k in
            model.probability(state.features(clockDay: Fixture.day0 + Int32(k))) >= model.policy.probabilityThreshold
        }, "the model never puts a silent client at risk")

        var feeder = Feeder(model.processor())
        feeder.send(Fixture.snapshot(1, row: quiet, profit: 10))
        let dayBefore = feeder.send(Fixture.event(2, day: Fixture.day0 + Int32(k) - 1, .serviceError))
        #expect(dayBefore.alerts.isEmpty && dayBefore.rescored == 2)
        let trigger = Fixture.event(2, day: Fixture.day0 + Int32(k), minute: 7, id: "other", .visit(minutes: 1, pages: 1, categoriesViewed: 1))
        let out = feeder.send(trigger)
        let alert = try #require(out.alerts.first)
        #expect(out.alerts.count == 1, "client 2 has no profit, so only client 1 alerts")
        #expect(alert.clientId == 1 && alert.alertId == "1-1")
        #expect(alert.kind == .atRisk && alert.cause == .entered && alert.trigger == .ageing)
        #expect(alert.source == Alert.Source(topic: Fixture.topic, partition: Fixture.partition, offset: 2, eventId: "other"))
        #expect(alert.eventTimeMillis == trigger.timeMillis, "the stream clock")
        Self.expectConsistent(alert, features: try feeder.processor.features(of: 1), model)
        #expect(feeder.processor.memory(of: 1) == AlertMemory(inSegment: true, sequence: 1, appliedOffset: 0),
                "ageing does not change the client's applied offset")
    }
}
