import BatonCore
@testable import BatonServer
import BatonTraining
import Foundation
import Hummingbird
import Logging
import Testing

/// What the Studio reads to show the engine's real state: who is writing, the weights as
/// the engine uses them, which run of the server this is, where predictions go, the limits,
/// who wrote each stroke point, and what a dataset is good for.
@Suite(.serialized) struct StudioStateTests {
    @Test func noTickedWeightAboveZeroMeansNoModelIsWriting() async throws {
        let engine = TextEngine(models: EngineLimitsTests.textModels(), hub: EventHub(), rate: 200, seed: 1)
        #expect(engine.status.writing == [0, 1])
        #expect(engine.status.normalisedWeights == [0.5, 0.5])
        try engine.apply(.setWeights([0, 0]))
        #expect(engine.status.writing == [], "every weight 0: nobody writes (no fallback to equal weights)")
        #expect(engine.status.normalisedWeights == [0, 0])
        engine.start()
        try await Task.sleep(for: .milliseconds(300))
        #expect(engine.status.symbols == 0, "silence: no text at all")
        // A weight only on a model that is not ticked is silence too.
        try engine.apply(.setWeights([0, 1]))
        try engine.apply(.setActive([0]))
        #expect(engine.status.writing == [])
        try engine.apply(.setActive([0, 1]))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, engine.status.symbols == 0 { try await Task.sleep(for: .milliseconds(20)) }
        engine.stop()
        #expect(engine.status.writing == [1] && engine.status.symbols > 0)
    }

    @Test func normalisedWeightsAreWhatTheThresholdSees() throws {
        let engine = TextEngine(models: EngineLimitsTests.textModels(), hub: EventHub(), seed: 1)
        try engine.apply(.setWeights([0.03, 0.97]))
        try engine.apply(.setThreshold(0.05))
        let status = engine.status
        #expect(abs(status.normalisedWeights[0] - 0.03) < 1e-6 && abs(status.normalisedWeights[1] - 0.97) < 1e-6)
        #expect(status.writing == [1], "0.03 of the whole is below 0.05: skipped")
        try engine.apply(.setWeights([3, 97]))
        #expect(engine.status.writing == [1], "raw weights that look large are compared after normalising")
        try engine.apply(.setThreshold(0))
        #expect(engine.status.writing == [0, 1])
    }

    @Test func statusNamesTheRunAndWherePredictionsGo() throws {
        let session = try testSession()
        let other = try testSession()
        #expect(session.status.instance.count == 8 && session.status.instance != other.status.instance)
        session.outputs.withLock { $0 = OutputRoutes(osc: ["127.0.0.1:5000"], predictionAddresses: ["/prediction", "/impsy"]) }
        session.midiOutputs.withLock { $0 = { ["S-1 MIDI 1"] } }
        let json = LiveEvent.status(session.status).json
        #expect(json.contains(#""outputs":{"midi":["S-1 MIDI 1"],"osc":["127.0.0.1:5000"],"predictionAddresses":["\/prediction","\/impsy"]}"#)
                || json.contains(#""outputs":{"midi":["S-1 MIDI 1"],"osc":["127.0.0.1:5000"],"predictionAddresses":["/prediction","/impsy"]}"#), "\(json)")
    }

    @Test func limitsAreServedAsTheTableHoldsThem() async throws {
        try await LoopbackHTTP.with(try HTTPAccessTests.router(token: nil, listen: "127.0.0.1")) { http in
            let answer = try await http.get("/api/limits")
            #expect(answer.status == 200)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [[String: Any]])
            #expect(list.count == LiveLimits.table.count)
            let minutes = list.first { $0["name"] as? String == "minutes" }
            #expect(minutes?["min"] as? Double == 0.01 && minutes?["max"] as? Double == 600 && minutes?["unit"] as? String == "min")
        }
    }

    @Test func everyStrokePointNamesTheModelThatWroteIt() throws {
        var rng = SeededGenerator(seed: 5)
        let models = (0..<2).map { _ in Model.initialised(ModelConfig(kind: .strokes, inputSize: 3, layers: 1, units: 8, head: .strokes(mixtures: 3)), using: &rng) }
        let engine = StrokeEngine(models: models)
        var request = StrokeRequest(points: [[0, 0, 0], [1, 2, 0], [3, 1, 1]], steps: 40, samples: 2, weights: [0, 1], seed: 9)
        var answer = try engine.continueStrokes(request)
        #expect(answer.samples.count == 2 && answer.sources.count == 2 && answer.sources[0].count == 40)
        #expect(answer.sources.joined().allSatisfy { $0 == 1 }, "only the model with weight writes")
        request.weights = [1, 1]
        answer = try engine.continueStrokes(request)
        #expect(Set(answer.sources.joined()) == [0, 1], "two equal models both write: \(answer.sources)")
    }

    @Test func datasetsCarryEventCountsAndAVerdict() throws {
        let workshop = try WorkshopTests.workshop()
        let dataset = try #require(workshop.listDatasets().first)
        #expect(dataset.events == 400 && dataset.sequences == 1)
        #expect(dataset.verdict == "400 events: play longer — a model learns little from fewer than 1,000" && dataset.level == "short")
        #expect(workshop.listLogs().first?.events == 400)
        #expect(DatasetVerdict.judge(events: 3).level == "too-few")
        #expect(DatasetVerdict.judge(events: 12_345).text == "12,345 events: enough for an s or m model")
        // A file that is not a dataset says so rather than failing the list.
        try Data("not a zip".utf8).write(to: URL(fileURLWithPath: workshop.datasets + "/broken.npz"))
        #expect(workshop.listDatasets().first { $0.name == "broken.npz" }?.verdict == "cannot be read as a dataset")
    }
}
