import BatonCore
import BatonTraining
import Foundation

/// Training throughput (chars/s) on shakespeare.txt: forward, backward, clipping and Adam
/// over stateful windows of 64 × 128 bytes, one-hot input, no dropout.
enum TrainingThroughputBench {
    static func run(options: BenchOptions, peer: TorchPeer?) {
        let corpusPath = Paths.shared("datasets/text/shakespeare.txt")
        guard let bytes = try? readFileBytes(corpusPath) else {
            print("training throughput: \(Paths.missingShared(corpusPath))\n")
            return
        }
        let steps = options.quick ? 4 : 12
        print("Training throughput (chars/s; batch 64 × window 128; Adam; \(steps) steps after 2 warm-up)")
        var table = Table(header: ["size", "threads", "Baton", "PyTorch", "Baton / PyTorch"])
        for (name, layers, units) in [("m", 2, 256), ("l", 2, 512)] {
            for threads in [1, 2] {
                let baton = measure(bytes: bytes, layers: layers, units: units, threads: threads, steps: steps)
                let torch = peer?.measure(["train", "--layers", "\(layers)", "--units", "\(units)", "--threads", "\(threads)",
                                           "--steps", "\(steps)", "--corpus", corpusPath])?["chars_per_second"] as? Double
                table.add(["\(name) (\(layers)×\(units))", "\(threads)", format(baton, 0), torch.map { format($0, 0) } ?? "–",
                           torch.map { ratio(baton / $0) } ?? "–"])
            }
        }
        print(table.render())
        print()
    }

    static func measure(bytes: [UInt8], layers: Int, units: Int, threads: Int, steps: Int) -> Double {
        let config = ModelConfig.text(layers: layers, units: units)
        var rng = SeededGenerator(seed: 1)
        var model = Model.initialised(config, using: &rng)
        guard let batches = try? TextBatches(bytes: bytes, steps: 128, rows: 64, path: "", what: "corpus") else { return 0 }
        let network = TrainingNetwork(config: config, steps: 128, rows: 64, threads: threads)
        var optimizer = Optimizer(kind: .adam, parameterCount: model.parameters.count)
        var gradients = [Float](repeating: 0, count: model.parameters.count)
        BLAS.setThreads(1)
        network.resetState()
        var elapsed = 0.0
        for i in 0..<(steps + 2) {
            let batch = batches.batch(epoch: 0, index: i, rng: &rng)
            let t0 = nowMicroseconds()
            _ = model.parameters.withUnsafeBufferPointer { network.forward(batch, parameters: $0.baseAddress!, training: true, rng: &rng) }
            for j in gradients.indices { gradients[j] = 0 }
            model.parameters.withUnsafeBufferPointer { p in
                gradients.withUnsafeMutableBufferPointer { network.backward(parameters: p.baseAddress!, gradients: $0.baseAddress!, scale: 1 / Float(batch.positions)) }
            }
            clipGradientNorm(&gradients, maxNorm: 5)
            optimizer.update(&model.parameters, gradients: gradients, rate: 2e-3)
            network.carryStateForward()
            if i >= 2 { elapsed += nowMicroseconds() - t0 }
        }
        return Double(steps * 64 * 128) / (elapsed / 1e6)
    }
}
