import BatonCore
@testable import BatonTraining
import Testing

/// Finite-difference checks of the parameter gradients: the analytic gradient from
/// `TrainingNetwork.backward` against central differences of the forward loss, on a
/// sample of entries of every tensor (all of them for small tensors).
@Suite struct GradientCheckTests {
    /// Mean loss of one forward pass. With `training`, the masks come from a fixed seed, so
    /// every call draws the same ones and finite differences see one fixed function.
    static func loss(_ network: TrainingNetwork, _ batch: TrainingBatch, _ p: [Float], training: Bool = false) -> Double {
        network.resetState()
        var rng = SeededGenerator(seed: 9)
        return p.withUnsafeBufferPointer { network.forward(batch, parameters: $0.baseAddress!, training: training, rng: &rng) } / batch.countedPositions
    }

    static func analytic(_ network: TrainingNetwork, _ batch: TrainingBatch, _ p: [Float], training: Bool = false) -> [Float] {
        _ = loss(network, batch, p, training: training)
        var g = [Float](repeating: 0, count: p.count)
        p.withUnsafeBufferPointer { pp in
            g.withUnsafeMutableBufferPointer { gg in
                network.backward(parameters: pp.baseAddress!, gradients: gg.baseAddress!, scale: Float(1 / batch.countedPositions))
            }
        }
        return g
    }

    /// Worst mismatch and where it is, as |a − n| / (2e-5 + 1e-2·(|a| + |n|)): pass below 1.
    /// The absolute part is the finite-difference noise floor of a Float32 forward pass
    /// (loss terms carry ~1e-7 relative rounding; divided by 2·eps = 0.02 that is ~1e-5).
    /// With `dropout`, the check runs in training mode under one fixed set of masks.
    static func check(_ model: Model, batch: TrainingBatch, dropout: DropoutSettings? = nil, samplesPerTensor: Int = 24, eps: Float = 1e-2) -> (Double, String) {
        let network = TrainingNetwork(config: model.config, steps: batch.steps, rows: batch.rows, dropout: dropout ?? DropoutSettings())
        let training = dropout != nil
        let p = model.parameters
        let g = analytic(network, batch, p, training: training)
        var rng = SeededGenerator(seed: 77)
        var worst = 0.0, worstName = "none"
        for slot in model.layout.slots {
            let indices = slot.count <= samplesPerTensor ? Array(slot.range) : (0..<samplesPerTensor).map { _ in slot.offset + Int(rng.next() % UInt64(slot.count)) }
            for i in indices {
                var plus = p, minus = p
                plus[i] += eps
                minus[i] -= eps
                let numeric = (loss(network, batch, plus, training: training) - loss(network, batch, minus, training: training)) / Double(2 * eps)
                let a = Double(g[i])
                let error = abs(a - numeric) / (2e-5 + 1e-2 * (abs(a) + abs(numeric)))
                if error > worst { worst = error; worstName = "\(slot.name)[\(i - slot.offset)]: analytic \(a), numeric \(numeric)" }
            }
        }
        return (worst, worstName)
    }

    static func model(_ config: ModelConfig, seed: UInt64 = 3, scale: Float = 2) -> Model {
        var rng = SeededGenerator(seed: seed)
        var model = Model.initialised(config, using: &rng)
        for i in model.parameters.indices { model.parameters[i] *= scale }
        return model
    }

    static func textBatch(steps: Int, rows: Int, seed: UInt64) -> TrainingBatch {
        var rng = SeededGenerator(seed: seed)
        var batch = TrainingBatch(steps: steps, rows: rows)
        // A small alphabet so one-hot columns are hit more than once.
        batch.inputSymbols = (0..<(steps * rows)).map { _ in Int32(97 + rng.next() % 6) }
        batch.targetSymbols = (0..<(steps * rows)).map { _ in Int32(97 + rng.next() % 6) }
        return batch
    }

    static func vectorBatch(steps: Int, rows: Int, dims: Int, seed: UInt64, pen: Bool = false) -> TrainingBatch {
        var rng = SeededGenerator(seed: seed)
        var batch = TrainingBatch(steps: steps, rows: rows)
        func value(_ j: Int) -> Float { pen && j == 2 ? Float(rng.next() % 2) : Float(rng.nextGaussian()) }
        batch.inputVectors = (0..<(steps * rows * dims)).map { value($0 % dims) }
        batch.targetVectors = (0..<(steps * rows * dims)).map { value($0 % dims) }
        batch.weights = (0..<(steps * rows)).map { $0 % 5 == 4 ? 0 : 1 }
        return batch
    }

    @Test func oneHotText() {
        let (worst, at) = Self.check(Self.model(.text(layers: 2, units: 5)), batch: Self.textBatch(steps: 4, rows: 3, seed: 1))
        #expect(worst < 1, "\(at)")
    }

    @Test func embeddedText() {
        let (worst, at) = Self.check(Self.model(.text(layers: 1, units: 8, embedding: 3)), batch: Self.textBatch(steps: 3, rows: 2, seed: 2))
        #expect(worst < 1, "\(at)")
    }

    @Test(arguments: SigmaTransform.allCases)
    func mixtureDensity(sigma: SigmaTransform) {
        let config = ModelConfig(kind: .control, inputSize: 3, layers: 2, units: 6, head: .mixtureDensity(dims: 3, mixtures: 2, sigma: sigma))
        let (worst, at) = Self.check(Self.model(config, scale: 1), batch: Self.vectorBatch(steps: 4, rows: 2, dims: 3, seed: 3))
        #expect(worst < 1, "\(at)")
    }

    @Test func strokes() {
        let config = ModelConfig(kind: .strokes, inputSize: 3, layers: 1, units: 7, head: .strokes(mixtures: 3))
        let (worst, at) = Self.check(Self.model(config, scale: 1), batch: Self.vectorBatch(steps: 4, rows: 2, dims: 3, seed: 4, pen: true))
        #expect(worst < 1, "\(at)")
    }

    /// Every kind of dropout: the analytic gradient must match finite differences under
    /// the same masks, for every tensor (embedding and one-hot input, stacked layers).
    @Test(arguments: [
        DropoutSettings(layers: 0.3),
        DropoutSettings(layers: 0.3, locked: true),
        DropoutSettings(recurrentWeights: 0.4),
        DropoutSettings(symbols: 0.3),
        DropoutSettings(layers: 0.2, locked: true, recurrentWeights: 0.3, symbols: 0.2),
    ])
    func dropoutGradients(dropout: DropoutSettings) {
        for config in [ModelConfig.text(layers: 2, units: 6), .text(layers: 2, units: 5, embedding: 4)] {
            let (worst, at) = Self.check(Self.model(config, scale: 1), batch: Self.textBatch(steps: 3, rows: 2, seed: 5), dropout: dropout)
            #expect(worst < 1, "\(config.embedding.map { "embedding \($0)" } ?? "one-hot"): \(at)")
        }
    }

    @Test func dropConnectOnAContinuousModel() {
        let config = ModelConfig(kind: .control, inputSize: 3, layers: 2, units: 6, head: .mixtureDensity(dims: 3, mixtures: 2, sigma: .elu))
        let (worst, at) = Self.check(Self.model(config, scale: 1), batch: Self.vectorBatch(steps: 4, rows: 2, dims: 3, seed: 3),
                                     dropout: DropoutSettings(layers: 0.2, locked: true, recurrentWeights: 0.3))
        #expect(worst < 1, "\(at)")
    }

    /// Masks really drop: a locked mask repeats over time, DropConnect zeroes weights, and
    /// the fraction kept is near 1 − p.
    @Test func masksHaveTheirShapeAndRate() {
        var rng = SeededGenerator(seed: 4)
        let steps = 5, width = 2000
        let mask = UnsafeMutablePointer<Float>.allocate(capacity: steps * width)
        defer { mask.deallocate() }
        DropoutMask.fillLocked(mask, steps: steps, rowsTimesUnits: width, keep: 0.75, rng: &rng)
        for t in 1..<steps { for j in 0..<width { #expect(mask[t * width + j] == mask[j]) } }
        let kept = (0..<width).filter { mask[$0] != 0 }.count
        #expect(abs(Double(kept) / Double(width) - 0.75) < 0.04)
        #expect((0..<width).allSatisfy { mask[$0] == 0 || abs(mask[$0] - 1 / 0.75) < 1e-6 })
    }
}
