import BatonCore
import BatonFuzzSupport

// safetensors → model load → a few generated steps. Any bytes parse or throw; a model that
// loads re-saves to a file that loads to the same model, and runs.
FuzzDriver.run("safetensors-model") { bytes in
    guard let file = try? SafeTensorsFile(bytes: bytes) else { return }
    for name in file.tensors.keys {
        FuzzDriver.require(file.floats(name)?.count == file.tensors[name]?.elementCount, "tensor \(name) decodes to the wrong count")
    }
    guard let model = try? Model(file: file, path: "fuzz.safetensors") else { return }
    let again = try? Model(file: SafeTensorsFile(bytes: model.encoded()), path: "again.safetensors")
    FuzzDriver.require(again?.config == model.config && again?.parameters == model.parameters, "a loaded model does not survive saving")
    switch model.config.kind {
    case .text:
        let generator = TextGenerator(model: model, seed: 1)
        generator.prime([0x41, 0xC3])
        for _ in 0..<3 { _ = generator.next() }
    case .control, .strokes:
        _ = ValueRange(metadata: model.metadata, dims: model.config.inputSize)
        let generator = EventGenerator(model: model, seed: 1)
        for _ in 0..<3 { _ = generator.nextEvent() }
    }
}
