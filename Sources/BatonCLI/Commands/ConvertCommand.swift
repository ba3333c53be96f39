import ArgumentParser
import BatonCore
import Foundation

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Re-save a model: another storage type (Float16 halves the size), a display name or colour.",
        discussion: """
        Also turns a PyTorch state_dict file into a Baton model with metadata, ready for ensembles.

        Example: baton convert shakespeare.safetensors --dtype f16 --name Shakespeare --colour "#ff7a45" --out Models/text/shakespeare.safetensors
        """
    )

    @Argument(help: "The model to read (.safetensors).")
    var model: String

    @Option(name: .long, help: "Where to write the converted model.")
    var out: String

    @Option(name: .long, help: "Storage type: f32, f16 or bf16.")
    var dtype: String = "f16"

    @Option(name: .long, help: "New display name.")
    var name: String?

    @Option(name: .long, help: "New display colour (#rrggbb).")
    var colour: String?

    func validate() throws {
        guard TensorDType(rawValue: dtype.uppercased()) != nil else { throw ValidationError("--dtype must be f32, f16 or bf16, got '\(dtype)'") }
        guard colour.map(ModelStyle.isColour) ?? true else { throw ValidationError("--colour must look like #ff7a45") }
    }

    func run() throws {
        var loaded = try Model.load(path: model)
        if let name { loaded.metadata[MetadataKey.name] = name }
        if let colour { loaded.metadata[MetadataKey.colour] = colour }
        let type = TensorDType(rawValue: dtype.uppercased()) ?? .f16
        try loaded.save(to: out, dtype: type)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? NSNumber)?.intValue ?? 0
        Terminal.writeError("wrote \(out): \(loaded.displayName), \(type.rawValue), \(Terminal.grouped(Double(bytes))) bytes\n")
    }
}
