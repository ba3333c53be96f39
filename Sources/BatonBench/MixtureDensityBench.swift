import BatonCore
import BatonTraining
import Foundation

/// IMPS-style prediction: one step = feed an event, run the LSTM stack and the MDN head,
/// sample the next event (5 mixtures). IMPS reported 1.85 ms on a laptop; IMPSY measured
/// Keras at 4.96 ms and TFLite at 0.17 ms per prediction.
enum MixtureDensityBench {
    static let sizes = [("xs", 2, 32), ("s", 2, 64), ("m", 2, 128), ("l", 2, 256), ("xl", 3, 512)]

    static func run(options: BenchOptions, peer: TorchPeer?) {
        let steps = options.quick ? 2000 : 20000
        print("Mixture-density prediction step (µs; feed + LSTM + MDN + sampling; 5 mixtures; single thread)")
        var table = Table(header: ["size", "D", "Baton med", "p99", "PyTorch med", "p99", "Baton vs PyTorch"])
        for (name, layers, units) in sizes {
            for dims in [2, 4, 9] {
                let baton = measure(layers: layers, units: units, dims: dims, steps: steps)
                let torch = peer?.measureMDN(["torch-step", "--dims", "\(dims)", "--units", "\(units)", "--layers", "\(layers)", "--steps", options.quick ? "300" : "2000"])
                let tm = torch?["median_us"] as? Double, tp = torch?["p99_us"] as? Double
                table.add(["\(name) (\(layers)×\(units))", "\(dims)", format(baton.median, 2), format(baton.p99, 2),
                           tm.map { format($0) } ?? "–", tp.map { format($0) } ?? "–", tm.map { ratio($0 / baton.median) } ?? "–"])
            }
        }
        print(table.render())
        if let keras = peer?.measureMDN(["keras-step", "--dims", "4", "--units", "64", "--layers", "2", "--steps", options.quick ? "200" : "1000"]) {
            let baton = measure(layers: 2, units: 64, dims: 4, steps: steps)
            var peers = Table(header: ["s (2×64), D = 4", "median µs", "p99 µs", "Baton faster by"])
            peers.add(["Baton", format(baton.median, 2), format(baton.p99, 2), "–"])
            for (label, key) in [("Keras model(x) call", "keras_call"), ("Keras model.predict (IMPSY)", "keras_predict"), ("TFLite interpreter", "tflite")] {
                if let r = keras[key] as? [String: Any], let m = r["median_us"] as? Double, let p = r["p99_us"] as? Double {
                    peers.add([label, format(m, 1), format(p, 1), ratio(m / baton.median)])
                }
            }
            let versions = [keras["tensorflow"], keras["keras"]].compactMap { $0 as? String }.joined(separator: " / ")
            print("\nThe IMPSY model's shape against TensorFlow \(versions) on this machine (IMPSY paper: Keras 4.96 ms, TFLite 0.17 ms):")
            print(peers.render())
        }
        print()
        trainingThroughput(options: options, peer: peer)
    }

    static func measure(layers: Int, units: Int, dims: Int, steps: Int) -> Percentiles {
        var rng = SeededGenerator(seed: 2)
        var model = Model.initialised(ModelConfig(kind: .control, inputSize: dims, layers: layers, units: units,
                                                  head: .mixtureDensity(dims: dims, mixtures: 5, sigma: .elu)), using: &rng)
        model.normalisation = Normalisation(offset: [Float](repeating: 0.3, count: dims), scale: [Float](repeating: 0.3, count: dims))
        let generator = EventGenerator(model: model, seed: 3)
        var samples = [Double](repeating: 0, count: steps)
        for i in 0..<(steps + 200) {
            let t0 = nowMicroseconds()
            generator.nextEvent()
            let t1 = nowMicroseconds()
            if i >= 200 { samples[i - 200] = t1 - t0 }
        }
        return Percentiles(samples)
    }

    /// Training an s model (2×64, 5 mixtures) on impsy-4d: windows of 50 events, batch 64.
    static func trainingThroughput(options: BenchOptions, peer: TorchPeer?) {
        let path = Paths.shared("datasets/control/impsy-4d.npz")
        guard let set = try? SequenceSet.load(npz: path), let prepared = try? ControlData.prepare(set, path: path, splitPause: 5) else {
            print("control training: \(Paths.missingShared(path))\n")
            return
        }
        let steps = options.quick ? 20 : 100
        print("Training an s control model on impsy-4d (events/s; windows of 50 × batch 64; Adam)")
        var table = Table(header: ["threads", "Baton", "Keras (TensorFlow)", "Baton / Keras"])
        for threads in [1, 2] {
            let config = ModelConfig(kind: .control, inputSize: 4, layers: 2, units: 64, head: .mixtureDensity(dims: 4, mixtures: 5, sigma: .elu))
            var rng = SeededGenerator(seed: 1)
            var model = Model.initialised(config, using: &rng)
            let windows = SequenceWindows(set: prepared.normalised(ControlData.normalisation(for: prepared)), steps: 50, rows: 64, random: true)
            let network = TrainingNetwork(config: config, steps: 50, rows: 64, threads: threads)
            var optimizer = Optimizer(kind: .adam, parameterCount: model.parameters.count)
            var gradients = [Float](repeating: 0, count: model.parameters.count)
            BLAS.setThreads(1)
            var elapsed = 0.0
            for i in 0..<(steps + 3) {
                let batch = windows.batch(epoch: 0, index: i, rng: &rng)
                let t0 = nowMicroseconds()
                network.resetState()
                _ = model.parameters.withUnsafeBufferPointer { network.forward(batch, parameters: $0.baseAddress!, training: true, rng: &rng) }
                for j in gradients.indices { gradients[j] = 0 }
                let count = Float(batch.countedPositions)
                model.parameters.withUnsafeBufferPointer { p in
                    gradients.withUnsafeMutableBufferPointer { network.backward(parameters: p.baseAddress!, gradients: $0.baseAddress!, scale: 1 / count) }
                }
                clipGradientNorm(&gradients, maxNorm: 5)
                optimizer.update(&model.parameters, gradients: gradients, rate: 1e-3)
                if i >= 3 { elapsed += nowMicroseconds() - t0 }
            }
            let baton = Double(steps * 64 * 50) / (elapsed / 1e6)
            let keras = peer?.measureMDN(["keras-train", "--dims", "4", "--units", "64", "--layers", "2", "--threads", "\(threads)",
                                          "--steps", "\(options.quick ? 20 : 60)", "--data", path])?["events_per_second"] as? Double
            table.add(["\(threads)", format(baton, 0), keras.map { format($0, 0) } ?? "–", keras.map { ratio(baton / $0) } ?? "–"])
        }
        print(table.render())
        print()
    }
}
