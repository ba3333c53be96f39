import BatonCore
@testable import BatonIMPSY
import Foundation
import Testing

@Suite struct IMPSYModelLocatorTests {
    /// A config beside a copy of IMPSY's real 4-d Keras model, named as IMPSY's configs name
    /// models (`models/…tflite`, relative to the project folder = the config's parent).
    func project(file: String, dimension: Int = 4, copy: [String] = []) throws -> String {
        let config = Fixtures.write("[model]\ndimension = \(dimension)\nfile = \"\(file)\"\nsize = \"s\"\n", name: "configs/rig.toml")
        let root = ((config as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: root + "/models", withIntermediateDirectories: true)
        for name in copy {
            try FileManager.default.copyItem(atPath: Fixtures.impsy + "/" + name, toPath: root + "/models/" + name)
        }
        return config
    }

    @Test func aTFLiteNameFindsItsKerasSiblingInTheProjectFolder() throws {
        let path = try project(file: "models/musicMDRNN-dim4-layers2-units64-mixtures5-scale10.tflite",
                               copy: ["musicMDRNN-dim4-layers2-units64-mixtures5-scale10.h5"])
        let choice = try IMPSYModelLocator.locate(try IMPSYConfiguration.load(path: path))
        #expect(choice.path?.hasSuffix("models/musicMDRNN-dim4-layers2-units64-mixtures5-scale10.h5") == true)
        #expect(choice.model.config.inputSize == 4 && choice.model.config.units == 64 && choice.model.config.layers == 2)
        #expect(choice.warnings.isEmpty, "\(choice.warnings)")
    }

    @Test func aKerasFileImportsOnLoad() throws {
        let path = try project(file: "models/musicMDRNN-dim4-layers2-units64-mixtures5-scale10.keras",
                               copy: ["musicMDRNN-dim4-layers2-units64-mixtures5-scale10.keras"])
        let choice = try IMPSYModelLocator.locate(try IMPSYConfiguration.load(path: path))
        #expect(choice.model.normalisation?.scale.first == 0.1, "IMPSY's scale factor 10 becomes the normalisation")
    }

    @Test func aDimensionMismatchIsAClearError() throws {
        let path = try project(file: "models/musicMDRNN-dim4-layers2-units64-mixtures5-scale10.h5", dimension: 9,
                               copy: ["musicMDRNN-dim4-layers2-units64-mixtures5-scale10.h5"])
        #expect {
            try IMPSYModelLocator.locate(try IMPSYConfiguration.load(path: path))
        } throws: { error in
            "\(error)".contains("has dimension 4 but the config says dimension = 9")
        }
    }

    @Test func aMissingModelStandsInLoudlyAndSaysWhereItLooked() throws {
        let path = try project(file: "models/musicMDRNN-dim9-layers2-units64-mixtures5-scale10.tflite", dimension: 9)
        let choice = try IMPSYModelLocator.locate(try IMPSYConfiguration.load(path: path))
        #expect(choice.path == nil && choice.model.config.inputSize == 9 && choice.model.config.units == 64)
        #expect(choice.warnings.contains { $0.contains("not found; looked in") && $0.contains("models/musicMDRNN-dim9-layers2-units64-mixtures5-scale10.keras") })
        #expect(choice.warnings.contains { $0.contains("UNTRAINED 9-d model") })
        #expect(choice.model.normalisation?.scale.first == 0.1)
    }

    @Test func aShippedModelOfTheSameDimensionStandsInFirst() throws {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Models/control").path
        let path = try project(file: "", dimension: 4)
        let choice = try IMPSYModelLocator.locate(try IMPSYConfiguration.load(path: path), shippedModels: [shipped])
        #expect(choice.path?.hasSuffix("impsy-4d.safetensors") == true)
        #expect(choice.warnings.contains { $0.contains("standing in with the shipped 4-d model") })
        let other = try IMPSYModelLocator.locate(try IMPSYConfiguration.load(path: try project(file: "", dimension: 17)), shippedModels: [shipped])
        #expect(other.path == nil && other.model.config.inputSize == 17)
    }

    @Test func candidatesCoverTheConfigFolderItsParentAndTheBareName() {
        let paths = IMPSYModelLocator.candidates(for: "models/a.tflite", config: "/p/configs/rig.toml")
        #expect(paths == ["/p/configs/models/a.keras", "/p/configs/models/a.h5", "/p/configs/models/a.tflite",
                          "/p/models/a.keras", "/p/models/a.h5", "/p/models/a.tflite",
                          "/p/configs/a.keras", "/p/configs/a.h5", "/p/configs/a.tflite",
                          "/p/a.keras", "/p/a.h5", "/p/a.tflite"])
    }
}
