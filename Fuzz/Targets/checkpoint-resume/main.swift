import BatonCore
import BatonFuzzSupport
import BatonTraining

// Checkpoint → resume validation → one optimiser update, as `--resume` does; and the
// metrics CSV a resume reads back, drawn as the loss plot. What validates must be safe to
// update: moments of the model's size, a position the trainer can continue from.
FuzzDriver.run("checkpoint-resume") { bytes in
    if let checkpoint = try? TrainingCheckpoint(bytes: bytes, path: "fuzz.state.safetensors") {
        var model = checkpoint.model, optimizer = checkpoint.optimizer
        let gradients = [Float](repeating: 1e-3, count: model.parameters.count)
        optimizer.update(&model.parameters, gradients: gradients, rate: checkpoint.position.learningRate)
        var rng = SeededGenerator(seed: 1 &+ UInt64(checkpoint.position.step))
        _ = rng.next()
        return
    }
    let log = MetricsLog(csv: String(decoding: bytes, as: UTF8.self), upToStep: 1 << 40)
    _ = LossCurve.svg(log, title: "fuzz")
}
