import BatonCore
@testable import BatonServer
import BatonTraining
import Foundation
import Testing

@Suite struct InstrumentPolicyTests {
    @Test func modesFollowTheIMPSTable() {
        let none = InstrumentPolicy(mode: .none), filter = InstrumentPolicy(mode: .filter)
        let call = InstrumentPolicy(mode: .callresponse, silenceThreshold: 2), battle = InstrumentPolicy(mode: .battle)
        #expect(none.performerUpdatesModel && !none.modelFeedsItself && !none.answersEachEvent)
        #expect(!none.modelPlays(now: 100, lastPerformerEvent: 0))
        #expect(filter.performerUpdatesModel && filter.answersEachEvent && !filter.modelFeedsItself)
        #expect(call.performerUpdatesModel && call.modelFeedsItself && call.performerInterrupts)
        #expect(!call.modelPlays(now: 10, lastPerformerEvent: nil), "no answer before the performer has played")
        #expect(!call.modelPlays(now: 11.5, lastPerformerEvent: 10) && call.modelPlays(now: 12, lastPerformerEvent: 10))
        #expect(call.nextStart(lastPerformerEvent: 10) == 12)
        #expect(!battle.performerUpdatesModel && battle.modelFeedsItself && battle.modelPlays(now: 0, lastPerformerEvent: nil))
    }
}

func instrumentModel(dims: Int = 3) -> Model {
    var rng = SeededGenerator(seed: 5)
    var model = Model.initialised(ModelConfig(kind: .control, inputSize: dims, layers: 1, units: 8,
                                              head: .mixtureDensity(dims: dims, mixtures: 3, sigma: .elu)), using: &rng)
    model.normalisation = Normalisation(offset: [0.05] + [Float](repeating: 0.5, count: dims - 1), scale: [0.05] + [Float](repeating: 0.3, count: dims - 1))
    model.metadata[MetadataKey.name] = "test instrument"
    return model
}

func temporaryFolder(_ name: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("baton-server-tests-\(getpid())-\(name)-\(UUID().uuidString.prefix(6))").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct InstrumentEngineTests {
    /// Runs `body`, waits until the engine has sent `count` predictions (or time ran out),
    /// then returns every event published meanwhile. The hub buffers them, so nothing here
    /// depends on a reader task getting a thread while other tests keep the cores busy.
    static func collect(_ engine: InstrumentEngine, _ hub: EventHub, predictions count: Int, within seconds: Double,
                        while body: () throws -> Void) async rethrows -> [LiveEvent] {
        let (id, events) = hub.subscribe()
        try body()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, engine.status.predictions < count { try? await Task.sleep(for: .milliseconds(20)) }
        hub.unsubscribe(id)
        var seen: [LiveEvent] = []
        for await published in events { seen.append(published.event) }
        return seen
    }

    @Test func filterModeAnswersEachEventOnceAndLogsBoth() async throws {
        let hub = EventHub(), folder = temporaryFolder("filter")
        let engine = try InstrumentEngine(model: instrumentModel(), hub: hub, mode: .filter, logFolder: folder, seed: 1)
        engine.start()
        try engine.apply(.setTimescale(0))
        let events = try await Self.collect(engine, hub, predictions: 3, within: 10) {
            for v in [[0.2, 0.3], [0.4, 0.5], [0.6, 0.7]] as [[Float]] { try engine.perform(v) }
        }
        engine.stop()
        let predictions = events.compactMap { if case .prediction(let v, _) = $0 { v } else { nil } }
        #expect(predictions.count == 3 && predictions.allSatisfy { $0.count == 2 })
        let log = try String(contentsOfFile: engine.logPath!, encoding: .utf8).split(separator: "\n")
        #expect(log.filter { $0.contains(",interface,") }.count == 3 && log.filter { $0.contains(",rnn,") }.count == 3)
        let (rows) = try InteractionLogs.parse(path: engine.logPath!)
        #expect(rows.first?.values == [0.2, 0.3])
    }

    @Test func callAndResponseWaitsForSilenceAndYieldsToThePerformer() async throws {
        let hub = EventHub()
        let engine = try InstrumentEngine(model: instrumentModel(), hub: hub, mode: .callresponse, logFolder: nil, seed: 2)
        engine.start()
        try engine.apply(.setSilenceThreshold(0.3))
        try engine.apply(.setTimescale(0.05))
        let started = Date()
        let events = try await Self.collect(engine, hub, predictions: 4, within: 10) { try engine.perform([0.5, 0.5]) }
        let firstPrediction = events.firstIndex { if case .prediction = $0 { true } else { false } }
        #expect(firstPrediction != nil && Date().timeIntervalSince(started) >= 0.3)
        let played = Date()
        try engine.perform([0.1, 0.9])  // takes control back: the model waits for silence again
        let after = engine.status.predictions
        try await Task.sleep(for: .milliseconds(150))
        let predictions = engine.status.predictions
        // Only conclusive if the check ran within the threshold (a sanitizer or a busy machine can stretch the sleep).
        if Date().timeIntervalSince(played) < 0.3 {
            #expect(predictions == after, "no prediction within the silence threshold after the performer played")
        }
        engine.stop()
    }

    @Test func refusesEventsOfTheWrongWidth() throws {
        let engine = try InstrumentEngine(model: instrumentModel(), hub: EventHub(), mode: .none, logFolder: nil, seed: 3)
        #expect(throws: CommandError.self) { try engine.perform([0.1, 0.2, 0.3]) }
    }
}

@Suite struct SessionLogTests {
    @Test func linesAreReadableByTheDatasetBuilder() throws {
        let folder = temporaryFolder("log")
        let log = try SessionLog(folder: folder, dims: 3, modelName: "My Model")
        let before = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(log.path == nil && before.isEmpty, "no file before the first event")
        let t0 = Date(timeIntervalSince1970: 1_800_000_000.25)
        log.append(source: "interface", values: [0.5, 0.25], at: t0)
        log.append(source: "rnn", values: [0.1, 0.2], at: t0.addingTimeInterval(0.1))
        log.append(source: "interface", values: [0.75, 0.5], at: t0.addingTimeInterval(0.5))
        log.close()
        #expect(log.path?.hasSuffix("-3d-my-model.csv") == true)
        #expect(log.path.map { ($0 as NSString).lastPathComponent } == "2027-01-15T08-00-00Z-3d-my-model.csv", "named by the first event's time")
        let (events, files) = try InteractionLogs.dataset(folder: folder)
        #expect(files == 1 && events.eventCount == 2)
        #expect(abs(events.values[3] - 0.5) < 1e-4 && events.values[4] == 0.75)
    }
}
