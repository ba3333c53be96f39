import ArgumentParser
import BatonCore
import BatonInterop
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a model from another system into a Baton model.",
        subcommands: [ImportIMPSYCommand.self]
    )
}

struct ImportIMPSYCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "impsy",
        abstract: "Convert an IMPSY pretrained Keras MDRNN (.h5 or .keras) into a Baton control model.",
        discussion: """
        Reads the LSTM layers and the keras-mdn-layer MDN through the HDF5 C library. IMPSY feeds its models data × 10; that scaling becomes the model's normalisation, so the converted model takes and returns events in the data's own units (dt in seconds, controls in [0, 1]).

        Example: baton import impsy musicMDRNN-dim4-layers2-units64-mixtures5-scale10.h5 --out impsy.safetensors
        """
    )

    @Argument(help: "The Keras model (.h5 or .keras).")
    var file: String

    @Option(name: .long, help: "Where to write the Baton model (.safetensors).")
    var out: String

    @Option(name: .customLong("scale-factor"), help: "IMPSY's SCALE_FACTOR: the model saw data times this.")
    var scaleFactor: Float = 10

    @Option(name: .long, help: "Display name (default: the file's name).")
    var name: String?

    func run() throws {
        var model = try IMPSYImporter.importModel(path: file, scaleFactor: scaleFactor)
        if let name {
            model.metadata[MetadataKey.name] = name
            model.metadata[MetadataKey.colour] = ModelStyle.defaultColour(for: name)
        }
        try model.save(to: out)
        Terminal.writeError("wrote \(out): \(model.config.description), \(Terminal.grouped(Double(model.config.parameterCount))) parameters\n")
    }
}
