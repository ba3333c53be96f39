import BatonCore
import BatonTraining
import Foundation

for (layers, units) in [(2, 64), (2, 256), (2, 512), (3, 512)] {
    var rng = SeededGenerator(seed: 1)
    let model = Model.initialised(.text(layers: layers, units: units), using: &rng)
    for precision in WeightPrecision.allCases {
        let stepper = Stepper(model: model, precision: precision)
        var sym = 0
        for _ in 0..<200 { let o = stepper.step(symbol: sym); sym = Int(o[3] * 1000) & 255 }
        var times: [Double] = []
        for _ in 0..<2000 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let o = stepper.step(symbol: sym)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1000)
            sym = Int(abs(o[7]) * 1000) & 255
        }
        times.sort()
        print("\(layers)x\(units) \(precision): median \(times[1000]) us p99 \(times[1980]) us")
    }
}
