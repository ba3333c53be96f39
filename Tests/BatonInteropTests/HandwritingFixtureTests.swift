import BatonCore
import BatonTraining
import Foundation
import Testing

/// David Ha's handwriting model (rnn-tutorial, 2017), mapped into Baton's layout, gives
/// the mixture parameters his JavaScript computes (../shared/fixtures/handwriting-js):
/// an independent check of the stroke head's math.
@Suite struct HandwritingFixtureTests {
    static func folder() throws -> URL { try SharedData.url("fixtures/handwriting-js") }

    struct Reference: Decodable {
        struct Step: Decodable { var pi, mu1, mu2, sigma1, sigma2, corr: [Double]; var eos: Double }
        struct Run: Decodable { var scale_factor: Float; var steps: [Step] }
        var inputs_dx_dy_pen: [[Float]]
        var runs: [Run]
    }

    /// Ha's cell: z = [x, h]·[Wxh; Whh] + bias with gate blocks i, g, f, o and a forget bias
    /// of 1 added at run time; output y = h·W + b laid out as pen, π(20), μ1, μ2, log σ1,
    /// log σ2, ρ-pre. Baton: W_ih [4H, 3] in i, f, g, o; head [μ(2K) | σ-pre(2K) | ρ(K) | π(K) | pen].
    static func mapHaModel(scale: Float) throws -> Model {
        let npz = try NpzArchive(path: folder().appendingPathComponent("weights.npz").path)
        func values(_ name: String) throws -> [Float] {
            guard let array = try npz.array(name) else { throw SharedData.Missing(path: "\(npz.path): array \(name)") }
            return array.floats()
        }
        let wxh = try values("LSTM_Wxh"), whh = try values("LSTM_Whh"), bias = try values("LSTM_bias")
        let outW = try values("output_w"), outB = try values("output_b")
        let h = 500, k = 20, o = 121
        var model = Model(zeroed: ModelConfig(kind: .strokes, inputSize: 3, layers: 1, units: h, head: .strokes(mixtures: k)))
        let layout = model.layout
        let haBlock = [0, 2, 1, 3]  // Baton gate i, f, g, o ← Ha block i(0), f(2), g(1), o(3)
        for gate in 0..<4 {
            for u in 0..<h {
                let src = haBlock[gate] * h + u, row = gate * h + u
                for c in 0..<3 { model.parameters[layout.weightIH(0).offset + row * 3 + c] = wxh[c * 4 * h + src] }
                for c in 0..<h { model.parameters[layout.weightHH(0).offset + row * h + c] = whh[c * 4 * h + src] }
                model.parameters[layout.biasIH(0).offset + row] = bias[src] + (gate == 1 ? 1 : 0)
            }
        }
        // Baton output row → Ha output column.
        var source = [Int](repeating: 0, count: 6 * k + 1)
        for m in 0..<k {
            source[2 * m] = 21 + m; source[2 * m + 1] = 41 + m          // μx, μy
            source[2 * k + 2 * m] = 61 + m; source[2 * k + 2 * m + 1] = 81 + m  // log σx, log σy
            source[4 * k + m] = 101 + m                                // ρ-pre
            source[5 * k + m] = 1 + m                                  // π logits
        }
        source[6 * k] = 0                                              // pen logit
        for row in 0..<(6 * k + 1) {
            for u in 0..<h { model.parameters[layout.headWeight.offset + row * h + u] = outW[u * o + source[row]] }
            model.parameters[layout.headBias.offset + row] = outB[source[row]]
        }
        model.normalisation = Normalisation(offset: [0, 0, 0], scale: [scale, scale, 1])
        return model
    }

    @Test func haModelReproducesTheJavaScriptMixtureParameters() throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.folder().appendingPathComponent("reference.json")))
        for run in reference.runs {
            let model = try Self.mapHaModel(scale: run.scale_factor)
            let stepper = Stepper(model: model)
            let l = StrokeMixture.Layout(mixtures: 20)
            var worst = 0.0
            for (t, input) in reference.inputs_dx_dy_pen.enumerated() {
                let out = Array(stepper.step(input: input)).map(Double.init)
                let expected = run.steps[t]
                var probabilities = [Float](repeating: 0, count: 20)
                _ = Array(out[l.logits..<(l.logits + 20)].map(Float.init)).withUnsafeBufferPointer { logits in
                    probabilities.withUnsafeMutableBufferPointer { Softmax.softmax(logits, into: $0) }
                }
                for m in 0..<20 {
                    let pairs: [(Double, Double)] = [
                        (Double(probabilities[m]), expected.pi[m]),
                        (out[l.mu + 2 * m], expected.mu1[m]), (out[l.mu + 2 * m + 1], expected.mu2[m]),
                        (Foundation.exp(out[l.sigma + 2 * m]), expected.sigma1[m]), (Foundation.exp(out[l.sigma + 2 * m + 1]), expected.sigma2[m]),
                        (Foundation.tanh(out[l.rho + m]), expected.corr[m]),
                    ]
                    for (a, b) in pairs { worst = max(worst, abs(a - b) / max(abs(b), 1)) }
                }
                worst = max(worst, abs(1 / (1 + Foundation.exp(-out[l.pen])) - expected.eos))
            }
            print("handwriting scale \(run.scale_factor) worst \(worst)"); #expect(worst <= 1e-5, "scale \(run.scale_factor): worst relative difference \(worst)")
        }
    }
}
