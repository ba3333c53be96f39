import BatonCore
import BatonTraining
import Foundation

/// One inference step (state update + head) of text models, batch 1, one thread.
enum StepLatencyBench {
    static let sizes = [(2, 64), (2, 256), (2, 512), (3, 512)]

    static func run(options: BenchOptions, peer: TorchPeer?) {
        let steps = options.quick ? 2000 : 20000
        var table = Table(header: ["model", "Baton f32 med", "p99", "Baton f16 med", "p99", "int8 med", "PyTorch 1T med", "p99", "f32 vs PyTorch", "f16 vs PyTorch"])
        print("One text step (µs; one-hot byte in, 256 logits out; batch 1; single thread; \(steps) steps)")
        for (layers, units) in sizes {
            var rng = SeededGenerator(seed: 1)
            let model = Model.initialised(.text(layers: layers, units: units), using: &rng)
            let f32 = measure(model: model, precision: .float32, steps: steps)
            let f16 = measure(model: model, precision: .float16, steps: steps)
            let int8 = measure(model: model, precision: .int8, steps: steps)
            let torch = peer?.measure(["step", "--layers", "\(layers)", "--units", "\(units)", "--steps", "\(options.quick ? 300 : 2000)"])
            let tMedian = torch?["median_us"] as? Double, tP99 = torch?["p99_us"] as? Double
            table.add(["\(layers)×\(units)", format(f32.median), format(f32.p99), format(f16.median), format(f16.p99), format(int8.median),
                       tMedian.map { format($0) } ?? "–", tP99.map { format($0) } ?? "–",
                       tMedian.map { ratio($0 / f32.median) } ?? "–", tMedian.map { ratio($0 / f16.median) } ?? "–"])
        }
        print(table.render())
        print()
    }

    static func measure(model: Model, precision: WeightPrecision, steps: Int) -> Percentiles {
        let stepper = Stepper(model: model, precision: precision)
        var symbol = 10
        var samples = [Double](repeating: 0, count: steps)
        for i in 0..<(steps + 200) {
            let t0 = nowMicroseconds()
            let logits = stepper.step(symbol: symbol)
            let t1 = nowMicroseconds()
            // Feed back the argmax, as PyTorch's loop does, so the state keeps moving.
            var best = 0
            for j in 1..<logits.count where logits[j] > logits[best] { best = j }
            symbol = best
            if i >= 200 { samples[i - 200] = t1 - t0 }
        }
        return Percentiles(samples)
    }
}
