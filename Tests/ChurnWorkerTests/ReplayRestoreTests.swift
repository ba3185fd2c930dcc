import Testing
@testable import ChurnWorker
import ChurnState
import ChurnModel

/// Restarts: the changelog rebuilds the state, replayed input is skipped, and a crash after an
/// older changelog write ends in the same states and the same alert ids as a run without one.
@Suite struct ReplayRestoreTests {
    /// A partition's input over seven weeks: alerts from events (enter, profit fell, re-enter,
    /// probability fell), from ageing, a refused message, a late one, and an unkeyed one.
    static func messages(_ model: Model) throws -> [Message] {
        let d = Fixture.day0
        let high = try model.row(probability: 0.9), edge = try model.row(probability: model.policy.probabilityThreshold + 0.02)
        let events: [ClientEvent] = [
            Fixture.snapshot(1, row: model.row(0), profit: 10),
            Fixture.snapshot(2, minute: 1, id: "s2", row: high, profit: 10),
            Fixture.snapshot(3, minute: 2, row: edge, profit: 2),
            Fixture.event(3, day: d + 1, .profit(6)),
            Fixture.event(2, day: d + 2, id: "drop", .profit(1)),
            Fixture.event(4, day: d + 3, .visit(minutes: 20, pages: 9, categoriesViewed: 3)),
            Fixture.event(4, day: d + 3, minute: 5, .cartUnpaid(items: 2)),
            Fixture.event(2, day: d + 5, .profit(8)),
            Fixture.event(4, day: d + 8, .purchase(revenue: 1200, items: 3, promoItems: 1, category: 2)),
            Fixture.snapshot(3, day: d + 12, row: model.row(0), profit: 6),
            Fixture.event(4, day: d + 12, minute: 1, .marketingContact(channel: .sms)),
            Fixture.event(4, day: d + 40, id: "jump", .visit(minutes: 15, pages: 6, categoriesViewed: 2)),
            Fixture.event(5, day: d + 40 - 200, .profit(3)),
            Fixture.event(1, day: d + 41, .purchase(revenue: 4000, items: 4, promoItems: 0, category: 1)),
            Fixture.event(2, day: d + 41, minute: 3, .serviceError),
            Fixture.event(4, day: d + 45, .profile(serviceType: 0, allowMessaging: 1, registeredDay: d - 400)),
            Fixture.event(6, day: d + 46, .profit(12)),
        ]
        var out = events.map(Message.init)
        out.insert(Message("{not json", key: "3"), at: 6)
        out.insert(Message(value: Array(EventEncoder.json(Fixture.event(6, day: d + 45, .serviceError)).utf8)), at: 15)
        return out
    }

    /// The uninterrupted run.
    static func reference(_ model: Model, _ messages: [Message]) -> Feeder {
        var feeder = Feeder(model.processor(explanationPairs: 1))
        feeder.send(messages)
        return feeder
    }

    @Test func scenarioHasEveryKindOfAlert() throws {
        let model = try Model.load()
        let run = Self.reference(model, try Self.messages(model))
        let alerts = run.alerts
        #expect(alerts.contains { $0.trigger == .event && $0.kind == .atRisk })
        #expect(alerts.contains { $0.trigger == .ageing && $0.kind == .atRisk })
        #expect(alerts.contains { $0.cause == .profitFell })
        #expect(alerts.contains { $0.cause == .probabilityFell })
        #expect(Set(alerts.map(\.alertId)).count == alerts.count)
        #expect(run.rejections.map(\.reason) == ["bad_json", Rejection.late])
        #expect(alerts.count < 20, "keep explanations cheap")
    }

    @Test func restoreThenReplaySkipsEverythingAndChangesNothing() throws {
        let model = try Model.load()
        let messages = try Self.messages(model)
        var run = Self.reference(model, messages)
        let records = run.drain()
        #expect(records.count == run.processor.clientCount)
        #expect(run.processor.dirtyCount == 0 && run.drain().isEmpty, "a drain forgets the dirt")

        var restored = try Feeder.restored(model.processor(explanationPairs: 1), from: records)
        #expect(restored.alerts.isEmpty, "memory and score agree after a clean restore")
        #expect(Observed(restored.processor) == Observed(run.processor))
        #expect(restored.processor.inSegmentCount == run.processor.inSegmentCount)

        restored.send(messages)
        #expect(restored.alerts.isEmpty)
        #expect(restored.applied == 0)
        #expect(restored.replaysSkipped == run.applied)
        #expect(restored.rejections.map(\.reason) == run.rejections.map(\.reason), "refused messages are refused again")
        #expect(Observed(restored.processor) == Observed(run.processor))
        #expect(restored.processor.committableOffset == run.processor.committableOffset)
    }

    @Test func laterChangelogRecordsReplaceEarlierOnes() throws {
        let model = try Model.load()
        let messages = try Self.messages(model)
        var feeder = Feeder(model.processor(explanationPairs: 1))
        var changelog: [(clientId: Int64, value: [UInt8])] = []
        for m in messages {
            feeder.send(m)
            changelog += feeder.drain()
        }
        #expect(changelog.count > feeder.processor.clientCount, "clients were written more than once")
        let restored = try Feeder.restored(model.processor(explanationPairs: 1), from: changelog)
        #expect(restored.alerts.isEmpty)
        #expect(Observed(restored.processor) == Observed(feeder.processor))
    }

    @Test func crashAfterAnOlderDrainEndsLikeAnUninterruptedRun() throws {
        let model = try Model.load()
        let messages = try Self.messages(model)
        let reference = Self.reference(model, messages)
        let published = Dictionary(uniqueKeysWithValues: reference.alerts.map { ($0.alertId, $0) })

        var first = Feeder(model.processor(explanationPairs: 1))
        for drainedAt in 0...messages.count {
            // First run: the changelog is written after `drainedAt` messages, then the worker goes
            // on publishing alerts and dies before its next changelog write.
            if drainedAt > 0 { first.send(messages[drainedAt - 1]) }
            var crashing = first
            let records = crashing.drain()
            crashing.send(messages[drainedAt...])
            // Second run: restore what was written, then consume again from the committed offset 0.
            var second = try Feeder.restored(model.processor(explanationPairs: 1), from: records)
            second.send(messages)

            #expect(Observed(second.processor) == Observed(reference.processor), "drained at \(drainedAt)")
            let both = crashing.alerts + second.alerts
            #expect(Set(both.map(\.alertId)) == Set(published.keys), "drained at \(drainedAt)")
            for alert in both where published[alert.alertId] != alert {
                Issue.record("drained at \(drainedAt): \(alert.alertId) differs from the uninterrupted run's")
            }
            #expect(second.applied + second.replaysSkipped == reference.applied, "drained at \(drainedAt)")
        }
    }

    /// After a restore every client is rescored: where the restored segment disagrees with the
    /// score (here because the rule changed) the transition is published, trigger `restore`.
    @Test(arguments: [true, false])
    func finishRestorePublishesWhereTheSegmentDisagreesWithTheScore(strict: Bool) throws {
        let model = try Model.load()
        var run = Self.reference(model, try Self.messages(model))
        let records = run.drain()
        var policy = model.policy
        if strict {
            // Nobody scores 1: everyone in the segment leaves.
            (policy.probabilityThreshold, policy.probabilityMargin) = (1, 0)
        } else {
            // Everyone with a state enters.
            (policy.probabilityThreshold, policy.profitThreshold) = (0, -1)
        }
        let restored = try Feeder.restored(model.processor(policy: policy, explanationPairs: 1), from: records)
        let expected = run.processor.engine.ids.filter { run.processor.memory(of: $0)?.inSegment == strict }
        #expect(!expected.isEmpty)
        #expect(Set(restored.alerts.map(\.clientId)) == Set(expected) && restored.alerts.count == expected.count)
        let clock = try #require(run.processor.engine.clockMillis)
        for alert in restored.alerts {
            let before = try #require(run.processor.memory(of: alert.clientId))
            #expect(alert.trigger == .restore && alert.kind == (strict ? .recovered : .atRisk))
            #expect(alert.sequence == before.sequence + 1)
            #expect(alert.source == Alert.Source(topic: Fixture.topic, partition: Fixture.partition, offset: -1, eventId: nil))
            #expect(alert.eventTimeMillis == clock)
            #expect(restored.processor.memory(of: alert.clientId)?.inSegment == !strict)
        }
        #expect(restored.processor.dirtyCount == expected.count, "clients with a new alert are written again")
    }

    @Test func restoreRefusesBadKeysAndValuesAndIgnoresTombstones() throws {
        let model = try Model.load()
        var run = Self.reference(model, try Self.messages(model))
        let records = run.drain()
        var p = model.processor()
        func restore(key: [UInt8]?, value: [UInt8]?) -> PartitionProcessor.RestoreError? {
            withOptionalBytes(key) { k in
                withOptionalBytes(value) { v -> PartitionProcessor.RestoreError? in
                    do throws(PartitionProcessor.RestoreError) { try p.restore(key: k, value: v); return nil } catch { return error }
                }
            }
        }
        let good = try #require(records.first)
        #expect(restore(key: nil, value: good.value) != nil)
        #expect(restore(key: Array("client-1".utf8), value: good.value) != nil)
        #expect(restore(key: [], value: good.value) != nil)
        let corrupt = restore(key: Fixture.key(good.clientId), value: [0xC1, 0, 0x80])
        #expect(corrupt?.message.contains("client \(good.clientId)") == true, "\(String(describing: corrupt))")
        #expect(restore(key: Fixture.key(good.clientId), value: nil) == nil)
        #expect(restore(key: Fixture.key(good.clientId), value: []) == nil)
        #expect(p.clientCount == 0, "nothing was restored")
        #expect(restore(key: Fixture.key(good.clientId), value: good.value) == nil)
        #expect(p.clientCount == 1)
    }
}
