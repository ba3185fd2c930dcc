import CRdKafka
import Glibc
import ChurnState
import ChurnWorker

/// The Kafka side of the worker: a consumer-group member that feeds each input partition's
/// ``PartitionProcessor`` and carries out what it returns — alerts and dead letters to their
/// topics, dirty state to the changelog, input offsets to the group once all of that is
/// acknowledged (at-least-once; replays are skipped by the restored state). Partitions are
/// restored from the changelog when assigned and flushed and committed when revoked.
///
/// One thread runs everything here; other threads only reach the ``WorkerControl`` and the
/// ``MetricsBoard``.
public final class Worker {
    public let config: WorkerConfig
    let composer: AlertComposer
    let log: Log
    let board: MetricsBoard
    let control: WorkerControl

    /// Alerts and dead letters: small, urgent, lingering 1 ms.
    private var producer: KafkaProducer!
    /// Changelog records, on their own connection so that a commit's burst of state never queues
    /// in front of an alert; batched.
    private var changelogProducer: KafkaProducer!
    private var consumer: KafkaConsumer!
    private var restorer: KafkaConsumer!
    private var partitionCount = 0
    /// Processor per input partition number (nil: not assigned here).
    private var processors: [PartitionProcessor?] = []
    private var output = PartitionProcessor.Output()
    private var stats = MetricsSnapshot()
    private var lastCommit: UInt64 = 0
    private var lastMetrics: UInt64 = 0
    private var paused = false
    /// Some partition still has clients to rescore for a day change.
    private var ageingBacklog = false
    private var rejectionLogs: [String: Int] = [:]
    /// The first error raised where it cannot be thrown (a rebalance callback, a produce call),
    /// rethrown by the loop.
    private var failure: StreamError?
    /// A record was lost for good: from now on no offset may be committed, so that the next start
    /// replays from the last commit and recreates it.
    private var deliveryBroken = false

    public init(config: WorkerConfig, composer: AlertComposer, log: Log, board: MetricsBoard, control: WorkerControl) {
        self.config = config
        self.composer = composer
        self.log = log
        self.board = board
        self.control = control
    }

    // MARK: start-up

    /// Connects, checks the topics, joins the group and processes until a stop is requested,
    /// then flushes, commits and leaves the group. Throws on start-up problems (unreachable
    /// broker, missing topic, bad property) and on failures that make committing unsafe.
    public func run() throws(StreamError) {
        log.info("worker starting", ["brokers": .text(config.brokers), "group": .text(config.group),
                                     "input": .text(config.inputTopic), "alerts": .text(config.alertsTopic),
                                     "dead_letters": .text(config.deadLetterTopic), "changelog": .text(config.resolvedChangelogTopic),
                                     "model_version": .text(composer.modelVersion),
                                     "probability_threshold": .number(composer.policy.probabilityThreshold),
                                     "profit_threshold": .number(composer.policy.profitThreshold),
                                     "kafka_properties": .text(config.kafka.redacted.map { "\($0.key)=\($0.value)" }.joined(separator: ","))])
        producer = try KafkaProducer(settings: config.common, log: log)
        changelogProducer = try KafkaProducer(settings: KafkaSettings([("linger.ms", "10"), ("batch.num.messages", "10000"),
                                                                       ("client.id", "churn-\(config.group)-changelog")])
                                                  .merging(config.common.removing("client.id")), log: log)
        var groupSettings = KafkaSettings([("group.id", config.group)]).merging(config.common)
        groupSettings = KafkaConsumer.groupDefaults.merging(groupSettings)
        consumer = try KafkaConsumer(settings: groupSettings, log: log, group: true)
        var restoreSettings = config.common
        restoreSettings.set("enable.partition.eof", "true")
        restoreSettings.set("enable.auto.commit", "false")
        restoreSettings.set("group.id", "\(config.group)-restore")
        restorer = try KafkaConsumer(settings: restoreSettings, log: log, group: false)

        partitionCount = try checkTopics()
        processors = Array(repeating: nil, count: partitionCount)
        consumer.onRebalance = { [unowned self] change in self.rebalance(change) }
        try consumer.subscribe([config.inputTopic])
        log.info("worker subscribed", ["partitions": .int(Int64(partitionCount)), "rebalance_protocol": .text(consumer.rebalanceProtocol)])
        lastCommit = monotonicNanos()
        var loopError: StreamError?
        do { try loop() } catch { loopError = error }
        let shutdownError = shutdown()
        if let error = loopError ?? shutdownError { throw error }
    }

    /// Checks that the input topic exists and that the changelog has as many partitions;
    /// creates missing output topics where the broker allows. Returns the input's partition count.
    private func checkTopics() throws(StreamError) -> Int {
        var topics = try consumer.topics(timeoutMillis: config.startupTimeoutMillis)
        guard let inputPartitions = topics[config.inputTopic] else {
            throw StreamError(.missingTopic, "input topic \(config.inputTopic) does not exist on \(config.brokers); create it (keyed by client_id) or pass --input")
        }
        let wanted: [(String, [(String, String)])] = [
            (config.resolvedChangelogTopic, [("cleanup.policy", "compact")]),
            (config.alertsTopic, []),
            (config.deadLetterTopic, []),
        ]
        for (name, topicConfig) in wanted where topics[name] == nil {
            guard config.createTopics else {
                throw StreamError(.missingTopic, "topic \(name) does not exist; create it with \(inputPartitions) partitions")
            }
            do {
                try ClusterMetadata.createTopic(producer.handle, name: name, partitions: inputPartitions, config: topicConfig,
                                                timeoutMillis: config.startupTimeoutMillis)
                log.info("topic created", ["topic": .text(name), "partitions": .int(Int64(inputPartitions)),
                                           "config": .text(topicConfig.map { "\($0.0)=\($0.1)" }.joined(separator: ","))])
            } catch {
                throw StreamError(.missingTopic, "topic \(name) does not exist and could not be created (\(error.message)); create it with \(inputPartitions) partitions\(topicConfig.isEmpty ? "" : " and cleanup.policy=compact")")
            }
            topics = try consumer.topics(timeoutMillis: config.startupTimeoutMillis)
        }
        let changelogPartitions = topics[config.resolvedChangelogTopic] ?? 0
        guard changelogPartitions == inputPartitions else {
            throw StreamError(.topicMismatch, "changelog \(config.resolvedChangelogTopic) has \(changelogPartitions) partitions but input \(config.inputTopic) has \(inputPartitions); they must match (one state partition per input partition)")
        }
        return inputPartitions
    }

    // MARK: the loop

    private func loop() throws(StreamError) {
        var sinceProducerPoll = 0
        while !control.stopRequested {
            if let failure = failure { throw failure }
            if let fatal = producer.fatalError ?? changelogProducer.fatalError ?? consumer.fatalError {
                throw StreamError(.kafka, "librdkafka fatal error: \(fatal); restart the worker")
            }
            applyPauseRequest()
            // With day-change rescoring left, only look for input; the gaps between events go to it.
            let committing: Bool
            if case .idle = phase { committing = false } else { committing = true }
            if let message = consumer.poll(ageingBacklog ? 0 : committing ? 5 : 100) {
                handle(message)
                rd_kafka_message_destroy(message)
                sinceProducerPoll += 1
                if sinceProducerPoll >= 256 {
                    producer.poll(0)
                    changelogProducer.poll(0)
                    sinceProducerPoll = 0
                }
            } else {
                producer.poll(0)
                changelogProducer.poll(0)
                if ageingBacklog { workOffAgeing(budget: 128) }
            }
            let now = monotonicNanos()
            if case .idle = phase, now - lastCommit >= UInt64(config.commitIntervalMillis) * 1_000_000 {
                phase = .awaitingOutputs(since: now)
                lastCommit = now
            }
            try advanceCommit()
            if now - lastMetrics >= 250_000_000 {
                publishMetrics()
                lastMetrics = now
            }
        }
    }

    /// Rescores up to `budget` clients in all left from day changes (everything by default, when a
    /// commit or revocation wants the state complete). Small budgets keep each turn well under a
    /// millisecond, so input that arrives meanwhile waits little.
    private func workOffAgeing(budget: Int = .max) {
        var left = budget
        var backlog = false
        for p in processors.indices where (processors[p]?.pendingAgeing ?? 0) > 0 {
            if left > 0 {
                let before = processors[p]!.pendingAgeing
                output.clear()
                let t0 = monotonicNanos()
                processors[p]!.workOffAgeing(limit: left, into: &output)
                stats.scoring.record(nanos: monotonicNanos() - t0)
                publish(output, partition: Int32(p))
                left -= before - processors[p]!.pendingAgeing
            }
            backlog = backlog || processors[p]!.pendingAgeing > 0
        }
        ageingBacklog = backlog
    }

    private func handle(_ m: UnsafeMutablePointer<rd_kafka_message_t>) {
        let msg = m.pointee
        if msg.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            if msg.err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                log.warn("consumer error", ["error": .text(kafkaErrorText(msg.err))])
            }
            return
        }
        let p = Int(msg.partition)
        guard p >= 0, p < processors.count, processors[p] != nil else { return }
        stats.eventsConsumed += 1
        let value = msg.payload.map { UnsafeRawBufferPointer(start: $0, count: msg.len) }
        let key = msg.key.map { UnsafeRawBufferPointer(start: $0, count: msg.key_len) }
        output.clear()
        let t0 = monotonicNanos()
        processors[p]!.process(value: value, key: key, offset: msg.offset, into: &output)
        stats.scoring.record(nanos: monotonicNanos() - t0)
        if processors[p]!.pendingAgeing > 0 { ageingBacklog = true }
        publish(output, partition: msg.partition)
    }

    /// Sends what a processor produced: alerts now, dead letters now, counts to the metrics.
    private func publish(_ out: PartitionProcessor.Output, partition: Int32) {
        stats.eventsApplied += UInt64(out.applied)
        stats.replaysSkipped += UInt64(out.replaysSkipped)
        stats.clientsRescored += UInt64(out.rescored)
        stats.scoresSkipped += UInt64(out.scoresSkipped)
        for alert in out.alerts {
            stats.alerts[alert.kind.rawValue, default: 0] += 1
            send(topic: config.alertsTopic, partition: nil, key: Array(String(alert.clientId).utf8), value: alert.json())
            log.info("alert", ["alert_id": .text(alert.alertId), "kind": .text(alert.kind.rawValue), "cause": .text(alert.cause.rawValue),
                               "trigger": .text(alert.trigger.rawValue), "probability": .number(alert.probability),
                               "profit": .number(alert.profit), "partition": .int(Int64(partition)), "offset": .int(alert.source.offset)])
        }
        for r in out.rejections {
            stats.rejected[r.reason, default: 0] += 1
            let headers: [(String, [UInt8])] = [
                ("churn.reason", Array(r.reason.utf8)),
                ("churn.error", Array(r.message.utf8)),
                ("churn.source.topic", Array(config.inputTopic.utf8)),
                ("churn.source.partition", Array(String(partition).utf8)),
                ("churn.source.offset", Array(String(r.offset).utf8)),
            ]
            send(topic: config.deadLetterTopic, partition: nil, key: r.key, value: r.value, headers: headers)
            let seen = rejectionLogs[r.reason, default: 0]
            rejectionLogs[r.reason] = seen + 1
            // The first few of each reason in full, then every 1000th: a flood must not drown the log.
            if seen < 5 || seen % 1000 == 0 {
                log.warn("event rejected", ["reason": .text(r.reason), "error": .text(r.message), "partition": .int(Int64(partition)),
                                            "offset": .int(r.offset), "count": .int(Int64(seen + 1))])
            }
        }
    }

    private func send(topic: String, partition: Int32?, key: [UInt8]?, value: [UInt8], headers: [(String, [UInt8])] = []) {
        do {
            try (topic == config.resolvedChangelogTopic ? changelogProducer : producer)
                .produce(topic: topic, partition: partition, key: key, value: value, headers: headers)
        } catch {
            // Only a full queue for minutes or an invalid topic gets here; without the record the
            // offsets must not be committed (not even at shutdown), so stop and let the restart replay.
            deliveryBroken = true
            failure = failure ?? error
        }
    }

    // MARK: commits

    /// Where the commit cycle stands. Order matters for at-least-once: a client's changelog
    /// record says which alerts it has had, so it is written only after those alerts are
    /// acknowledged — else a crash could leave a restored state that remembers an alert the
    /// broker never got, and the replay would skip it.
    private enum CommitPhase {
        case idle
        /// Waiting until every alert and dead letter produced so far is acknowledged.
        case awaitingOutputs(since: UInt64)
        /// The dirty states were taken at a moment when every output was acknowledged; they are
        /// encoded and produced a slice per turn, so a large cycle does not stall the events.
        case writing
        /// Changelog written; waiting until it (and anything since) is acknowledged, then commit
        /// the offsets of the moment the states were taken.
        case awaitingChangelog(since: UInt64)
    }
    private var phase = CommitPhase.idle
    /// The states taken for the changelog, by input partition, and how far they are written.
    private var snapshot: [(partition: Int32, clientId: Int64, record: ChangelogRecord)] = []
    private var written = 0
    /// The input offsets the snapshot covers.
    private var snapshotOffsets: [Int32: Int64] = [:]
    /// Changelog records encoded per loop turn.
    private let writeSlice = 256

    /// Advances the commit cycle without blocking (after `stallMillis` of waiting it blocks up to
    /// a second, so that a steady stream of new outputs cannot postpone commits for ever).
    private func advanceCommit() throws(StreamError) {
        let now = monotonicNanos()
        let stall = UInt64(2 * config.commitIntervalMillis) * 1_000_000
        switch phase {
        case .idle:
            return
        case .awaitingOutputs(let since):
            guard try drainProducer(timeoutMillis: now - since > stall ? 1000 : 0) else {
                stats.deliveryRetries += 1
                return
            }
            takeSnapshot(processors.indices.filter { processors[$0] != nil }.map(Int32.init))
            phase = .writing
        case .writing:
            writeSnapshot(limit: writeSlice)
            if written == snapshot.count { phase = .awaitingChangelog(since: now) }
        case .awaitingChangelog(let since):
            // Alerts since the snapshot belong to later events: only the changelog must be in.
            guard try drainProducer(timeoutMillis: now - since > stall ? 1000 : 0, changelog: true) else {
                stats.deliveryRetries += 1
                return
            }
            // The taken states and every output before them are acknowledged.
            let offsets = snapshotOffsets.compactMap { p, next -> (TopicPartition, Int64)? in
                Int(p) < processors.count && processors[Int(p)] != nil ? (TopicPartition(config.inputTopic, p), next) : nil
            }
            do {
                try consumer.commit(offsets, async: true)
            } catch {
                log.warn("commit failed; will retry", ["error": .text(error.message)])
                phase = .awaitingChangelog(since: now)
                return
            }
            stats.commits += 1
            snapshotOffsets = [:]
            phase = .idle
        }
    }

    /// Takes the partitions' dirty states and their input offsets (every output is acknowledged now).
    private func takeSnapshot(_ partitions: [Int32]) {
        takeDirty(partitions)
        for p in partitions {
            if let next = processors[Int(p)]?.committableOffset { snapshotOffsets[p] = next }
        }
    }

    /// Queues the partitions' dirty states behind those already waiting to be written.
    private func takeDirty(_ partitions: [Int32]) {
        for p in partitions where Int(p) < processors.count && processors[Int(p)] != nil {
            for (id, record) in processors[Int(p)]!.takeDirty() { snapshot.append((p, id, record)) }
        }
    }

    /// Encodes and produces up to `limit` queued states.
    private func writeSnapshot(limit: Int) {
        let end = written + min(limit, snapshot.count - written)
        while written < end {
            let r = snapshot[written]
            written += 1
            // A partition revoked meanwhile belongs to another member now: its changelog is theirs.
            guard Int(r.partition) < processors.count, processors[Int(r.partition)] != nil else { continue }
            send(topic: config.resolvedChangelogTopic, partition: r.partition, key: Array(String(r.clientId).utf8),
                 value: r.record.encoded())
            stats.changelogRecords += 1
        }
        if written == snapshot.count { snapshot.removeAll(keepingCapacity: true); written = 0 }
    }

    /// Waits for acknowledgements of alerts and dead letters (`changelog` false) or of changelog
    /// records; a lost record poisons every later commit of this process.
    private func drainProducer(timeoutMillis: Int, changelog: Bool = false) throws(StreamError) -> Bool {
        if deliveryBroken { throw StreamError(.deliveryFailed, "an earlier record was lost; offsets are no longer committed") }
        do {
            return try (changelog ? changelogProducer : producer).drain(timeoutMillis: timeoutMillis, stop: { false })
        } catch {
            deliveryBroken = true
            throw error
        }
    }

    // MARK: rebalancing

    private func rebalance(_ change: KafkaConsumer.Rebalance) {
        stats.rebalances += 1
        switch change {
        case .assigned(let partitions):
            let mine = partitions.filter { $0.topic == config.inputTopic }.map(\.partition)
            log.info("partitions assigned", ["partitions": .text(mine.map(String.init).joined(separator: ","))])
            do {
                try restore(mine)
            } catch {
                failure = failure ?? error
            }
        case .revoked(let partitions, let lost):
            let mine = partitions.filter { $0.topic == config.inputTopic }.map(\.partition)
            log.info("partitions revoked", ["partitions": .text(mine.map(String.init).joined(separator: ",")), "lost": .bool(lost)])
            if !lost {
                do {
                    try flushAndCommit(mine, timeoutMillis: config.shutdownTimeoutMillis)
                } catch {
                    log.error("could not commit revoked partitions; their new owner replays from the last commit",
                              ["error": .text(error.message)])
                }
            }
            for p in mine where Int(p) < processors.count {
                processors[Int(p)] = nil
                snapshotOffsets[p] = nil
            }
        }
        publishMetrics()
    }

    /// Waits for every alert and dead letter, writes the partitions' dirty state, waits for it,
    /// and commits synchronously (the same order as ``advanceCommit()``).
    private func flushAndCommit(_ partitions: [Int32], timeoutMillis: Int) throws(StreamError) {
        workOffAgeing()
        // States taken by a commit cycle in progress go out first (newer ones follow them).
        writeSnapshot(limit: .max)
        for p in partitions { snapshotOffsets[p] = nil }
        guard try drainProducer(timeoutMillis: timeoutMillis) else {
            throw StreamError(.deliveryFailed, "\(producer.outstanding) records still unacknowledged after \(timeoutMillis) ms; offsets not committed")
        }
        takeDirty(partitions)
        writeSnapshot(limit: .max)
        guard try drainProducer(timeoutMillis: timeoutMillis, changelog: true), try drainProducer(timeoutMillis: timeoutMillis) else {
            throw StreamError(.deliveryFailed, "\(producer.outstanding + changelogProducer.outstanding) records still unacknowledged after \(timeoutMillis) ms; offsets not committed")
        }
        let offsets = partitions.compactMap { p -> (TopicPartition, Int64)? in
            guard Int(p) < processors.count, let next = processors[Int(p)]?.committableOffset else { return nil }
            return (TopicPartition(config.inputTopic, p), next)
        }
        // A synchronous commit can find the group coordinator unknown for a moment (after an
        // outage or a rejoin): retry within the bound.
        let deadline = monotonicNanos() + UInt64(timeoutMillis) * 1_000_000
        while true {
            do {
                try consumer.commit(offsets, async: false)
                break
            } catch {
                guard error.code != .membershipLost, monotonicNanos() < deadline else { throw error }
                log.warn("commit failed; retrying", ["error": .text(error.message)])
                usleep(100_000)
            }
        }
        stats.commits += 1
    }

    /// Rebuilds the partitions' state from the changelog before any of their input is read.
    private func restore(_ partitions: [Int32]) throws(StreamError) {
        guard !partitions.isEmpty else { return }
        let started = monotonicNanos()
        stats.assigned += partitions.count
        stats.restoring = partitions.count
        stats.ready = false
        publishMetrics()
        var ends: [Int32: Int64] = [:]
        var starts: [(TopicPartition, Int64)] = []
        for p in partitions where Int(p) < processors.count {
            var processor = PartitionProcessor(topic: config.inputTopic, partition: p, composer: composer)
            processor.ageingStep = config.ageingStep
            processors[Int(p)] = processor
            let tp = TopicPartition(config.resolvedChangelogTopic, p)
            let marks = try restorer.queryWatermarks(tp, timeoutMillis: config.startupTimeoutMillis)
            if marks.high > marks.low { ends[p] = marks.high; starts.append((tp, marks.low)) }
        }
        var records = 0
        var latest: [Int32: [Int64: [UInt8]]] = [:]
        if !starts.isEmpty {
            try restorer.assign(starts)
            var lastPublish = monotonicNanos()
            while !ends.isEmpty && !control.stopRequested {
                guard let m = restorer.poll(100) else {
                    if monotonicNanos() - lastPublish > 250_000_000 { publishMetrics(); lastPublish = monotonicNanos() }
                    continue
                }
                defer { rd_kafka_message_destroy(m) }
                let msg = m.pointee
                if msg.err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                    if let end = ends[msg.partition], msg.offset >= end { ends[msg.partition] = nil }
                    continue
                }
                guard msg.err == RD_KAFKA_RESP_ERR_NO_ERROR, Int(msg.partition) < processors.count else {
                    log.warn("changelog read error", ["error": .text(kafkaErrorText(msg.err))])
                    continue
                }
                records += 1
                // Only each client's newest record counts (an uncompacted changelog holds many):
                // keep the bytes now, decode once at the end.
                if let key = msg.key.map({ UnsafeRawBufferPointer(start: $0, count: msg.key_len) }),
                   let id = PartitionProcessor.clientId(fromKey: key) {
                    latest[msg.partition, default: [:]][id] = msg.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: msg.len)) } ?? []
                } else {
                    stats.restoreErrors += 1
                    log.error("changelog record skipped", ["partition": .int(Int64(msg.partition)), "offset": .int(msg.offset),
                                                           "error": "key is not a client id"])
                }
                if let end = ends[msg.partition], msg.offset + 1 >= end { ends[msg.partition] = nil }
            }
            for (p, clients) in latest where Int(p) < processors.count {
                for (id, value) in clients {
                    let result = value.withUnsafeBytes { v in
                        Result { () throws(PartitionProcessor.RestoreError) in try processors[Int(p)]?.restore(clientId: id, value: v) }
                    }
                    if case .failure(let error) = result {
                        stats.restoreErrors += 1
                        log.error("changelog record skipped", ["partition": .int(Int64(p)), "client": .int(id), "error": .text(error.message)])
                    }
                }
            }
            try restorer.assign([])
        }
        stats.restoredRecords += UInt64(records)
        let read = Double(monotonicNanos() - started) / 1e9
        // Rescoring every restored client belongs to the restore: the partition is not ready before.
        for p in partitions where Int(p) < processors.count {
            output.clear()
            processors[Int(p)]!.finishRestore(into: &output)
            publish(output, partition: p)
        }
        let seconds = Double(monotonicNanos() - started) / 1e9
        for p in partitions where Int(p) < processors.count { stats.restoreSeconds[p] = seconds }
        stats.restoring = 0
        let clients = partitions.reduce(0) { $0 + (processors[Int($1)]?.clientCount ?? 0) }
        log.info("partitions restored", ["partitions": .text(partitions.map(String.init).joined(separator: ",")),
                                         "records": .int(Int64(records)), "clients": .int(Int64(clients)),
                                         "read_seconds": .number(read), "seconds": .number(seconds),
                                         "clients_per_second": .number(seconds > 0 ? Double(clients) / seconds : 0)])
    }

    // MARK: pause, metrics, shutdown

    private func applyPauseRequest() {
        let want = control.pauseRequested
        guard want != paused else { return }
        let assigned = processors.indices.filter { processors[$0] != nil }.map { TopicPartition(config.inputTopic, Int32($0)) }
        if want { consumer.pause(assigned) } else { consumer.resume(assigned) }
        paused = want
        log.info(want ? "consumption paused" : "consumption resumed", ["partitions": .int(Int64(assigned.count))])
    }

    private func publishMetrics() {
        var clients = 0, bytes = 0, inSegment = 0, assigned = 0
        var lag: [Int32: Int64] = [:]
        for p in processors.indices {
            guard let proc = processors[p] else { continue }
            assigned += 1
            clients += proc.clientCount
            bytes += proc.engine.approximateBytes
            inSegment += proc.inSegmentCount
            let tp = TopicPartition(config.inputTopic, Int32(p))
            // A paused partition is not fetched, so its cached high watermark stands still: ask the broker.
            // (and a partition not fetched yet has none cached).
            let marks = paused ? try? consumer.queryWatermarks(tp, timeoutMillis: 200)
                : consumer.cachedWatermarks(tp) ?? (try? consumer.queryWatermarks(tp, timeoutMillis: 200))
            if let marks {
                let next = proc.committableOffset ?? marks.low
                lag[Int32(p)] = max(0, marks.high - next)
            }
        }
        stats.clients = clients
        stats.stateBytes = bytes
        stats.clientsInSegment = inSegment
        stats.assigned = assigned
        stats.lag = lag
        stats.ready = assigned > 0 && stats.restoring == 0
        stats.stopping = control.stopRequested
        board.publish(stats)
    }

    /// Flushes, commits and leaves the group; returns why the final commit failed, if it did
    /// (the process then exits non-zero, and the next start replays from the last commit).
    private func shutdown() -> StreamError? {
        stats.stopping = true
        board.publish(stats)
        let assigned = processors.indices.filter { processors[$0] != nil }.map { Int32($0) }
        var failed: StreamError?
        do {
            try flushAndCommit(assigned, timeoutMillis: config.shutdownTimeoutMillis)
            log.info("final commit done", ["partitions": .int(Int64(assigned.count))])
        } catch where error.code == .membershipLost {
            // The state and outputs are acknowledged; only the offsets are not recorded, and the
            // group has handed the partitions on: their next owner replays and skips what it holds.
            log.warn("final commit not possible: this member left the group", ["error": .text(error.message)])
        } catch {
            log.error("final commit failed; the next start replays from the last commit", ["error": .text(error.message)])
            failed = error
        }
        publishMetrics()
        // Leaving the group revokes what is left; the revoke handler has nothing more to flush.
        // The last figures stay on the board (the state is gone after the revoke).
        consumer.onRebalance = nil
        consumer.close()
        log.info("worker stopped", ["events": .int(Int64(stats.eventsConsumed)), "alerts_at_risk": .int(Int64(stats.alerts["at_risk"] ?? 0)),
                                    "alerts_recovered": .int(Int64(stats.alerts["recovered"] ?? 0))])
        return failed
    }
}
