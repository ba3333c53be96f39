import BatonCore
import Foundation
import Testing

/// Models saved by PyTorch (`safetensors.torch.save_file(model.state_dict())`, no
/// metadata) load without conversion and give PyTorch's log-probabilities.
/// Fixtures: Tests/Fixtures/torch, written by scripts/fixtures/make_torch_fixture.py.
@Suite struct TorchFixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/torch")

    struct Reference: Decodable {
        var input_bytes: [Int]
        var log_probs: [[Double]]
        var final_h: [[Double]]
        var final_c: [[Double]]
    }

    @Test(arguments: ["embedding-2x24", "onehot-1x20"])
    func pytorchModelGivesPyTorchLogProbabilities(name: String) throws {
        let model = try Model.load(path: Self.folder.appendingPathComponent("\(name).safetensors").path)
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("\(name).json"))
        let reference = try JSONDecoder().decode(Reference.self, from: data)
        #expect(model.config.kind == .text)
        #expect(model.config.layers == reference.final_h.count)
        let stepper = Stepper(model: model)
        var worst = 0.0
        for (t, byte) in reference.input_bytes.enumerated() {
            let logits = stepper.step(symbol: byte)
            for symbol in 0..<256 {
                worst = max(worst, abs(Categorical.logProbability(logits, of: symbol) - reference.log_probs[t][symbol]))
            }
        }
        print("torch \(name) worst \(worst)"); #expect(worst <= 1e-5, "worst log-probability difference \(worst)")
        for l in 0..<model.config.layers {
            for (a, b) in zip(stepper.hidden(layer: l), reference.final_h[l]) { #expect(abs(Double(a) - b) <= 1e-5) }
            for (a, b) in zip(stepper.cell(layer: l), reference.final_c[l]) { #expect(abs(Double(a) - b) <= 1e-5) }
        }
        // And the same through the naive reference stepper.
        let naive = ReferenceStepper(model: model)
        var naiveWorst = 0.0
        for (t, byte) in reference.input_bytes.enumerated() {
            let logits = naive.step(symbol: byte)
            logits.withUnsafeBufferPointer { l in
                for symbol in 0..<256 { naiveWorst = max(naiveWorst, abs(Categorical.logProbability(l, of: symbol) - reference.log_probs[t][symbol])) }
            }
        }
        #expect(naiveWorst <= 1e-5, "reference stepper differs by \(naiveWorst)")
    }
}
