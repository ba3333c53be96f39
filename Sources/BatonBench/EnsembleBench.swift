import BatonCore
import BatonEnsemble
import BatonTraining
import Foundation

/// Text ensemble throughput against the number of active models, with the original
/// system's figures beside it (Akten & Grierson 2016: 5–20 chars/s with 2–4 models,
/// about 1 char/s with 8 or more).
enum EnsembleBench {
    static func run(options: BenchOptions) {
        print("Text ensemble throughput (chars/s; all models active; linear pooling; 2 threads)")
        var table = Table(header: ["size", "models", "f32", "f16", "int8", "f16 + lookahead 4×4", "paper (2016)"])
        let counts = options.quick ? [1, 2, 8] : [1, 2, 4, 8, 12]
        for (name, layers, units) in [("s", 1, 256), ("l", 2, 512)] {
            var rng = SeededGenerator(seed: 3)
            let pool = (0..<12).map { _ in Model.initialised(.text(layers: layers, units: units), using: &rng) }
            for n in counts {
                let models = Array(pool.prefix(n))
                let f32 = measure(models, precision: .float32, lookahead: nil, quick: options.quick)
                let f16 = measure(models, precision: .float16, lookahead: nil, quick: options.quick)
                let int8 = measure(models, precision: .int8, lookahead: nil, quick: options.quick)
                let look = measure(models, precision: .float16, lookahead: Lookahead(candidates: 4, depth: 4), quick: options.quick)
                let paper = n >= 8 ? "~1" : (n >= 2 ? "5–20" : "–")
                table.add(["\(name) (\(layers)×\(units))", "\(n)", format(f32, 0), format(f16, 0), format(int8, 0), format(look, 0), paper])
            }
        }
        print(table.render())
        print()
    }

    static func measure(_ models: [Model], precision: WeightPrecision, lookahead: Lookahead?, quick: Bool) -> Double {
        var settings = EnsembleSettings(weights: [Float](repeating: 1, count: models.count))
        settings.threshold = 0
        settings.lookahead = lookahead
        let ensemble = TextEnsemble(models: models, settings: settings, precision: precision, seed: 1)
        ensemble.prime(Array("The ".utf8))
        for _ in 0..<20 { _ = ensemble.step() }
        let budget = quick ? 0.4 : 1.5
        let start = nowMicroseconds()
        var count = 0
        while nowMicroseconds() - start < budget * 1e6 {
            _ = ensemble.step()
            count += 1
        }
        return Double(count) / ((nowMicroseconds() - start) / 1e6)
    }
}
