import BatonCore
import BatonOSC
@testable import BatonServer
import BatonTraining
import Foundation
import Testing

/// Live adaptation of the instrument: commands over both wire formats, learning from the
/// performer only, surprise reported, weights swapped in, reset and save.
@Suite struct InstrumentAdaptationTests {
    @Test func commandsArriveOverOSCAndJSON() throws {
        #expect(try LiveCommand.commands(from: OSCMessage("/baton/instrument/adapt", [.int32(1)])) == [.setAdaptation(true)])
        #expect(try LiveCommand.commands(from: OSCMessage("/baton/instrument/adapt", [.int32(0)])) == [.setAdaptation(false)])
        #expect(try LiveCommand.commands(from: OSCMessage("/baton/instrument/adapt-rate", [.float32(0.001)])) == [.setAdaptationRate(0.001)])
        #expect(try LiveCommand.commands(from: OSCMessage("/baton/instrument/adapt-reset", [])) == [.resetAdaptation])
        #expect(try LiveCommand.commands(from: OSCMessage("/baton/instrument/adapt-save", [])) == [.saveAdaptation])
        #expect(try JSONCommandTests.command(#"{"type":"instrument-adapt","on":false}"#) == .setAdaptation(false))
        #expect(try JSONCommandTests.command(#"{"type":"instrument-adapt-rate","value":0.01}"#) == .setAdaptationRate(0.01))
        #expect(try JSONCommandTests.command(#"{"type":"instrument-adapt-reset"}"#) == .resetAdaptation)
        #expect(try JSONCommandTests.command(#"{"type":"instrument-adapt-save"}"#) == .saveAdaptation)
        #expect(throws: CommandError.self) { try LiveCommand.commands(from: OSCMessage("/baton/instrument/adapt-rate", [.float32(0.5)])) }
        #expect(throws: CommandError.self) { try JSONCommandTests.command(#"{"type":"instrument-adapt-rate","value":-1}"#) }
        for command in [LiveCommand.setAdaptation(true), .setAdaptationRate(0.1), .resetAdaptation, .saveAdaptation] {
            #expect(command.isInstrumentCommand)
        }
    }

    /// Performer events in filter mode: every 21 of them (T = 20) one update in the
    /// background; the surprise of both models is reported; the engine's stepper is swapped
    /// for the adapted one; reset brings back the originals; save writes a loadable model
    /// whose metadata says where it came from.
    @Test func learnsFromThePerformerThenResetsAndSaves() async throws {
        let hub = EventHub(), folder = temporaryFolder("adapt"), models = (folder as NSString).appendingPathComponent("models")
        let model = instrumentModel()
        let engine = try InstrumentEngine(model: model, file: "/somewhere/test.safetensors", hub: hub, mode: .none, logFolder: folder,
                                          modelFolder: models, seed: 1)
        try engine.apply(.setAdaptation(true))
        try engine.apply(.setAdaptationRate(0.01))
        let original = engine.state.withLock { $0.generator.stepper }
        for i in 0..<41 { try engine.perform([Float(i % 7) / 7, Float(i % 3) / 3]) }
        let adaptation = engine.state.withLock { $0.adaptation }
        adaptation.settle()
        var status = engine.status.adaptation
        #expect(status.enabled && status.taught == 41 && status.updates == 2)
        #expect(status.relativeDistance > 0)
        #expect(status.surprise?.isFinite == true && status.unadaptedSurprise?.isFinite == true)
        try engine.perform([0.5, 0.5])  // the next step adopts the adapted weights
        #expect(engine.state.withLock { $0.generator.stepper } !== original)

        try engine.apply(.saveAdaptation)
        adaptation.settle()
        let saved = try #require(engine.status.adaptation.saved)
        let reloaded = try Model.load(path: (models as NSString).appendingPathComponent(saved))
        #expect(saved.hasPrefix("test-adapted-"))
        #expect(reloaded.metadata["adapted_from"] == "test.safetensors")
        #expect(reloaded.metadata["adaptation"]?.contains("\"updates\": 2") == true)
        #expect(reloaded.parameters != model.parameters)

        try engine.apply(.resetAdaptation)
        adaptation.settle()
        status = engine.status.adaptation
        #expect(status.updates == 0 && status.relativeDistance == 0 && status.surprise == nil)
        try engine.perform([0.5, 0.5])
        let restored = engine.state.withLock { $0.generator.stepper }
        let reference = Stepper(model: model)
        #expect(restored.weightBytes == reference.weightBytes)
        // The restored stepper predicts exactly as the original model from the same state.
        reference.copyState(from: restored)
        let input: [Float] = [0.1, 0.2, 0.3]
        let a = input.withUnsafeBufferPointer { Array(restored.step(input: $0)) }
        let b = input.withUnsafeBufferPointer { Array(reference.step(input: $0)) }
        #expect(a == b)
    }

    /// The model's own predictions never teach it: in battle mode (the model plays alone)
    /// nothing is learnt however long it plays, and performer events there do not teach either.
    @Test func neverLearnsFromItsOwnPredictions() async throws {
        let hub = EventHub(), folder = temporaryFolder("adapt-battle")
        let engine = try InstrumentEngine(model: instrumentModel(), hub: hub, mode: .battle, logFolder: folder, seed: 3)
        try engine.apply(.setAdaptation(true))
        try engine.apply(.setTimescale(0))
        engine.start()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, engine.status.predictions < 100 { try? await Task.sleep(for: .milliseconds(20)) }
        engine.stop()
        #expect(engine.status.predictions >= 100)
        #expect(engine.status.adaptation.taught == 0 && engine.status.adaptation.updates == 0)
    }
}
