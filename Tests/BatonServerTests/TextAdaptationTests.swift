import BatonCore
@testable import BatonEnsemble
import BatonOSC
@testable import BatonServer
import BatonTraining
import Foundation
import Testing

/// The text ensemble's feed and per-model adaptation: the commands over both wire formats
/// (hostile values refused, never a trap), fed text read by every model and learnt by the
/// adapting ones only, weights swapped in, reset, save, and never learning from its own text.
@Suite(.serialized) struct TextAdaptationTests {
    static func models() -> [Model] {
        var rng = SeededGenerator(seed: 21)
        return ["Plain", "Learner"].map { name in
            var model = Model.initialised(.text(layers: 1, units: 16), using: &rng)
            model.metadata[MetadataKey.name] = name
            return model
        }
    }

    @Test func commandsArriveOverOSCAndJSON() throws {
        #expect(try LiveCommand.commands(from: OSCMessage("/baton/feed", [.string("to be")])) == [.feed("to be")])
        #expect(try LiveCommand.commands(from: OSCMessage("/baton/adapt", [.int32(1)])) == [.setModelAdaptation(model: .index(1), on: true)])
        #expect(try LiveCommand.commands(from: OSCMessage("/baton/adapt", [.string("Learner"), .float32(0)])) == [.setModelAdaptation(model: .name("Learner"), on: false)])
        #expect(try LiveCommand.commands(from: OSCMessage("/baton/adapt-rate", [.int32(0), .float32(0.001)])) == [.setModelAdaptationRate(model: .index(0), rate: 0.001)])
        #expect(try LiveCommand.commands(from: OSCMessage("/baton/adapt-reset", [.int32(2)])) == [.resetModelAdaptation(.index(2))])
        #expect(try LiveCommand.commands(from: OSCMessage("/baton/adapt-save", [.string("Plain")])) == [.saveModelAdaptation(.name("Plain"))])
        #expect(try JSONCommandTests.command(#"{"type":"feed","text":"to be"}"#) == .feed("to be"))
        #expect(try JSONCommandTests.command(#"{"type":"adapt","model":1,"on":false}"#) == .setModelAdaptation(model: .index(1), on: false))
        #expect(try JSONCommandTests.command(#"{"type":"adapt","model":"Learner"}"#) == .setModelAdaptation(model: .name("Learner"), on: true))
        #expect(try JSONCommandTests.command(#"{"type":"adapt-rate","model":0,"value":0.01}"#) == .setModelAdaptationRate(model: .index(0), rate: 0.01))
        #expect(try JSONCommandTests.command(#"{"type":"adapt-reset","model":1}"#) == .resetModelAdaptation(.index(1)))
        #expect(try JSONCommandTests.command(#"{"type":"adapt-save","model":0}"#) == .saveModelAdaptation(.index(0)))
        let long = String(repeating: "é", count: 2049)  // 4,098 bytes
        let refusedOSC: [OSCMessage] = [
            OSCMessage("/baton/feed", [.string(long)]), OSCMessage("/baton/feed", [.string("")]), OSCMessage("/baton/feed", [.float32(1)]),
            OSCMessage("/baton/feed", []), OSCMessage("/baton/adapt", []), OSCMessage("/baton/adapt", [.int32(-1)]),
            OSCMessage("/baton/adapt", [.int32(64)]), OSCMessage("/baton/adapt", [.float32(0.5)]), OSCMessage("/baton/adapt", [.int32(0), .float32(.nan)]),
            OSCMessage("/baton/adapt-rate", [.int32(0), .float32(0.5)]), OSCMessage("/baton/adapt-rate", [.int32(0), .float32(-.infinity)]),
            OSCMessage("/baton/adapt-rate", [.float32(0.001)]), OSCMessage("/baton/adapt-reset", [.int64(.max)]),
            OSCMessage("/baton/adapt-save", [.string(String(repeating: "x", count: 257))]),
        ]
        for message in refusedOSC {
            #expect(throws: CommandError.self, "\(message.address) \(message.arguments)") { try LiveCommand.commands(from: message) }
        }
        for json in [#"{"type":"feed"}"#, #"{"type":"feed","text":null}"#, #"{"type":"adapt","on":true}"#, #"{"type":"adapt","model":1e30}"#,
                     #"{"type":"adapt-rate","model":0}"#, #"{"type":"adapt-rate","model":0,"value":"NaN"}"#, #"{"type":"adapt-reset","model":-0.5}"#] {
            #expect(throws: CommandError.self, "\(json)") { try ClientMessage.decode(Array(json.utf8)) }
        }
        for command in [LiveCommand.feed("x"), .setModelAdaptation(model: .index(0), on: true), .setModelAdaptationRate(model: .index(0), rate: 0),
                        .resetModelAdaptation(.index(0)), .saveModelAdaptation(.index(0))] {
            #expect(!command.isInstrumentCommand)
        }
    }

    /// A model that does not exist is refused by the engine, with the models it has.
    @Test func unknownModelsAreRefused() {
        let engine = TextEngine(models: Self.models(), hub: EventHub(), seed: 1)
        #expect(throws: CommandError.self) { try engine.apply(.setModelAdaptation(model: .index(2), on: true)) }
        #expect(throws: CommandError.self) { try engine.apply(.saveModelAdaptation(.name("Nobody"))) }
        #expect(throws: CommandError.self) { try engine.apply(.saveModelAdaptation(.index(0))) }  // no workspace
    }

    /// Text fed to a running ensemble: announced, read by every model, learnt only by the
    /// model whose adaptation is on, whose surprise then falls below the original model's;
    /// its new weights are swapped in; reset restores the originals exactly; save writes a
    /// model whose metadata says where it came from and how much it learnt.
    @Test func fedTextTeachesTheAdaptingModelThenResetsAndSaves() async throws {
        let hub = EventHub(), folder = temporaryFolder("text-adapt"), models = Self.models()
        let (_, events) = hub.subscribe(buffer: 1 << 16)
        let engine = TextEngine(models: models, files: ["/data/plain.safetensors", "/data/learner.safetensors"], modelFolder: folder, hub: hub,
                                rate: 200, seed: 4)
        try engine.apply(.setModelAdaptation(model: .name("learner"), on: true))
        try engine.apply(.setModelAdaptationRate(model: .index(1), rate: 0.01))
        let original = engine.ensemble.members[1].stepper
        engine.start()
        let text = String(repeating: "to be or not to be, ", count: 100)  // 2,000 bytes
        try engine.apply(.feed(text))
        engine.adaptation.settle()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, engine.ensemble.members[1].stepper === original || engine.ensemble.members[0].withLock({ engine.ensemble.members[0].position }) <= 2000 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(engine.ensemble.members[1].stepper !== original, "the adapted weights were swapped in")
        #expect(engine.ensemble.members[0].position > 2000, "every model read the fed text")
        var status = engine.status.adaptation
        #expect(!status[0].enabled && status[0].taught == 0 && status[0].updates == 0)
        #expect(status[1].enabled && status[1].taught == 2000 && status[1].updates == 39 && status[1].skippedSegments == 0)
        let surprise = try #require(status[1].surprise), unadapted = try #require(status[1].unadaptedSurprise)
        #expect(surprise < unadapted - 0.5, "adapted \(surprise) vs original \(unadapted) nats/symbol")
        #expect(status[1].relativeDistance > 0)
        let json = String(decoding: try JSONEncoder().encode(engine.status), as: UTF8.self)
        #expect(json.contains(#""symbols":2000"#) && json.contains(#""unadaptedSurprise""#))

        try engine.apply(.saveModelAdaptation(.index(1)))
        engine.adaptation.settle()
        let saved = try #require(engine.status.adaptation[1].saved)
        #expect(saved.hasPrefix("learner-adapted-"))
        let reloaded = try Model.load(path: (folder as NSString).appendingPathComponent(saved))
        #expect(reloaded.metadata["adapted_from"] == "learner.safetensors")
        let metadata = try #require(reloaded.metadata["adaptation"].flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(metadata["symbols"] as? Int == 2000 && metadata["updates"] as? Int == 39 && metadata["segment"] as? Int == 50)
        #expect(reloaded.parameters != models[1].parameters)

        try engine.apply(.resetModelAdaptation(.index(1)))
        engine.adaptation.settle()
        status = engine.status.adaptation
        #expect(status[1].updates == 0 && status[1].relativeDistance == 0 && status[1].surprise == nil && status[1].taught == 0)
        let adapted = engine.ensemble.members[1].stepper
        let swapDeadline = Date().addingTimeInterval(20)
        while Date() < swapDeadline, engine.ensemble.members[1].stepper === adapted { try await Task.sleep(for: .milliseconds(20)) }
        engine.stop()
        hub.finishAll()
        // The restored stepper predicts exactly as the original model from the same state.
        let restored = engine.ensemble.members[1].stepper, reference = Stepper(model: models[1])
        reference.copyState(from: restored)
        #expect(Array(restored.step(symbol: 65)) == Array(reference.step(symbol: 65)))
        var fed: [String] = []
        for await published in events { if case .fed(let text) = published.event { fed.append(text) } }
        #expect(fed == [text])
    }

    /// The ensemble's own text never teaches it, however long it writes.
    @Test func neverLearnsFromItsOwnText() async throws {
        let engine = TextEngine(models: Self.models(), hub: EventHub(), rate: 0, maximumRate: 2000, seed: 5)
        for i in 0..<2 { try engine.apply(.setModelAdaptation(model: .index(i), on: true)) }
        engine.start()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, engine.status.symbols < 300 { try await Task.sleep(for: .milliseconds(20)) }
        engine.stop()
        #expect(engine.status.symbols >= 300)
        #expect(engine.status.adaptation.allSatisfy { $0.taught == 0 && $0.updates == 0 })
    }

    /// Feeds faster than the models read are refused once the backlog is full, never queued without bound.
    @Test func theFeedBacklogIsBounded() throws {
        let engine = TextEngine(models: Self.models(), hub: EventHub(), seed: 6)  // not started: nothing is read
        let chunk = String(repeating: "x", count: 4096)
        for _ in 0..<(TextEngine.feedBacklog / 4096) { try engine.apply(.feed(chunk)) }
        #expect(throws: CommandError.self) { try engine.apply(.feed("one more")) }
        try engine.apply(.reset)  // a restart drops what was not read
        try engine.apply(.feed("one more"))
    }
}
