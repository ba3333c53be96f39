import BatonCore
import BatonEnsemble
import Foundation
import Testing

// The code of BatonEnsemble.docc/ConductingAnEnsemble.md, verbatim (BatonCoreTests'
// DocumentationArticleTests fails when the two drift apart). Public API only.

/// Text that starts in the first model's voice and ends in the second's, with the model
/// that wrote each byte.
func crossfade(from first: String, to second: String, prompt: String, bytes count: Int, seed: UInt64) throws -> (text: String, writers: [Int]) {
    let models = [try Model.load(path: first), try Model.load(path: second)]
    var settings = EnsembleSettings(weights: [1, 0])
    settings.temperature = 0.7
    let ensemble = TextEnsemble(models: models, settings: settings, seed: seed)
    ensemble.prime(Array(prompt.utf8))
    var bytes: [UInt8] = [], writers: [Int] = []
    for step in 0..<count {
        let fade = Float(step) / Float(max(1, count - 1))
        ensemble.controls.update { $0.weights = [1 - fade, fade] }
        let symbol = ensemble.step()
        bytes.append(symbol.byte)
        writers.append(symbol.dominant)
    }
    return (String(decoding: bytes, as: UTF8.self), writers)
}

/// Plays `steps` bytes on a worker thread while this thread, meanwhile, turns the pooling
/// to a product of experts and raises the temperature.
func performLive(models: [Model], steps: Int, seed: UInt64) async -> String {
    let ensemble = TextEnsemble(models: models, seed: seed)
    let player = Task.detached { () -> [UInt8] in
        (0..<steps).map { _ in ensemble.step().byte }
    }
    ensemble.controls.update { settings in
        settings.pooling = .product
        settings.temperature = 1.2
    }
    return String(decoding: await player.value, as: UTF8.self)
}

@Suite struct DocumentationArticleTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/text")
    static func shipped(_ name: String) -> String { models.appendingPathComponent(name).path }

    @Test func theCrossfadeHandsTheStreamFromOneModelToTheOther() throws {
        let (text, writers) = try crossfade(from: Self.shipped("austen.safetensors"), to: Self.shipped("linux.safetensors"),
                                            prompt: "The ", bytes: 48, seed: 5)
        #expect(writers.count == 48)
        #expect(writers.first == 0)
        #expect(writers.last == 1)
        #expect(!text.isEmpty)
    }

    @Test func theCrossfadeReplaysFromItsSeed() throws {
        let a = try crossfade(from: Self.shipped("austen.safetensors"), to: Self.shipped("burns.safetensors"), prompt: "", bytes: 24, seed: 9)
        let b = try crossfade(from: Self.shipped("austen.safetensors"), to: Self.shipped("burns.safetensors"), prompt: "", bytes: 24, seed: 9)
        #expect(a.text == b.text && a.writers == b.writers)
    }

    @Test func settingsChangeWhileAnotherThreadPlays() async throws {
        let models = [try Model.load(path: Self.shipped("austen.safetensors")), try Model.load(path: Self.shipped("kjv.safetensors"))]
        let text = await performLive(models: models, steps: 32, seed: 2)
        #expect(!text.isEmpty)
    }
}
