import BatonCore
@testable import BatonInterop
import Foundation
import Testing

/// A real IMPSY model imported from Keras gives the MDN outputs TensorFlow computes
/// (../shared/fixtures/impsy: TensorFlow 2.21 / Keras 3.15 / keras-mdn-layer 1.0.0).
@Suite struct IMPSYFixtureTests {
    static func folder() throws -> URL { try SharedData.url("fixtures/impsy") }

    struct Reference: Decodable {
        var input_rows_raw: [[Float]]
        var outputs_per_step: [[Double]]
        var scale_factor: Float
    }

    @Test(arguments: ["h5", "keras"])
    func importedModelMatchesTensorFlowAtEveryStep(format: String) throws {
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: Self.folder().appendingPathComponent("reference.json")))
        let model = try IMPSYImporter.importModel(path: Self.folder().appendingPathComponent("musicMDRNN-dim4-layers2-units64-mixtures5-scale10.\(format)").path,
                                                  scaleFactor: reference.scale_factor)
        #expect(model.config == ModelConfig(kind: .control, inputSize: 4, layers: 2, units: 64, head: .mixtureDensity(dims: 4, mixtures: 5, sigma: .elu)))
        let stepper = Stepper(model: model)
        let kd = 20
        var worst = 0.0
        for (t, row) in reference.input_rows_raw.enumerated() {
            let out = Array(stepper.step(input: row))  // raw data units; the model's normalisation scales by 10
            for (i, expected) in reference.outputs_per_step[t].enumerated() {
                // The fixture holds σ after keras-mdn-layer's activation; Baton's head holds σ-pre.
                let value = (kd..<(2 * kd)).contains(i) ? SigmaTransform.elu.sigma(Double(out[i])) : Double(out[i])
                worst = max(worst, abs(value - expected) / max(abs(expected), 1))
            }
        }
        print("IMPSY \(format) worst relative difference \(worst)"); #expect(worst <= 1e-5, "worst relative difference \(worst)")
    }

    @Test func rejectsFilesThatAreNotMDRNNs() throws {
        let junk = FileManager.default.temporaryDirectory.appendingPathComponent("junk-\(getpid()).h5")
        try Data("not hdf5".utf8).write(to: junk)
        #expect(throws: ImportError.self) { try IMPSYImporter.importModel(path: junk.path) }
        #expect(throws: ImportError.self) { try IMPSYImporter.importModel(path: "/nonexistent/model.h5") }
    }
}
