import ArgumentParser
import BatonCore
import Foundation

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a model's architecture, size and metadata."
    )

    @Argument(help: "A model (.safetensors).")
    var model: String

    func run() throws {
        let loaded = try Model.load(path: model)
        let bytes = try readFileBytes(model)
        let file = try? SafeTensorsFile(bytes: bytes)
        let dtypes = Set(file?.tensors.values.map(\.dtype.rawValue) ?? []).sorted().joined(separator: ", ")
        var lines = [
            "model       \(model)",
            "name        \(loaded.displayName)" + (loaded.colour.map { "  (colour \($0))" } ?? ""),
            "architecture \(describe(loaded.config))",
            "parameters  \(Terminal.grouped(Double(loaded.config.parameterCount)))",
            "file        \(Terminal.grouped(Double(bytes.count))) bytes, \(dtypes)",
        ]
        if let n = loaded.normalisation {
            lines.append("normalise   offset \(n.offset)  scale \(n.scale)")
        }
        for key in loaded.metadata.keys.sorted() where key != MetadataKey.name && key != MetadataKey.colour {
            lines.append("\(key.padding(toLength: 11, withPad: " ", startingAt: 0)) \(loaded.metadata[key]!)")
        }
        Terminal.write(lines.joined(separator: "\n") + "\n")
    }
}
