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
        let file = try Model.readFile(path: model)
        let loaded = try Model(file: file, path: model)
        let dtypes = Set(file.tensors.values.map(\.dtype.rawValue)).sorted().joined(separator: ", ")
        var lines = [
            "model       \(model)",
            "name        \(printable(loaded.displayName))" + (loaded.colour.map { "  (colour \($0))" } ?? ""),
            "architecture \(loaded.config.description)",
            "parameters  \(Terminal.grouped(Double(loaded.config.parameterCount)))",
            "file        \(Terminal.grouped(Double(file.byteCount))) bytes, \(dtypes)",
        ]
        if let n = loaded.normalisation {
            lines.append("normalise   offset \(n.offset)  scale \(n.scale)")
        }
        for key in loaded.metadata.keys.sorted() where key != MetadataKey.name && key != MetadataKey.colour {
            lines.append("\(printable(key).padding(toLength: 11, withPad: " ", startingAt: 0)) \(printable(loaded.metadata[key] ?? ""))")
        }
        Terminal.write(lines.joined(separator: "\n") + "\n")
    }

    /// Metadata is the file's to choose: control characters (terminal escapes) are shown as `?`.
    private func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }
}
