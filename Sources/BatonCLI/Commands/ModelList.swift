import BatonCore
import Foundation

/// Models named on the command line, folders expanded to the .safetensors inside.
enum ModelList {
    struct Entry { var path: String; var model: Model }

    static func load(_ arguments: [String]) throws -> [Entry] {
        var paths: [String] = []
        for argument in arguments {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder), isFolder.boolValue {
                // Folders are searched recursively (Models/ holds text/, control/, strokes/).
                let inside = FileManager.default.enumerator(atPath: argument)?.compactMap { $0 as? String } ?? []
                paths += inside.filter { $0.hasSuffix(".safetensors") && !$0.hasSuffix(".state.safetensors") }.sorted()
                    .map { (argument as NSString).appendingPathComponent($0) }
            } else {
                paths.append(argument)
            }
        }
        guard !paths.isEmpty else { throw CommandLineError(message: "no models found in \(arguments.joined(separator: ", "))", hint: "give .safetensors files or folders holding them") }
        return try paths.map { Entry(path: $0, model: try Model.load(path: $0)) }
    }

    /// "0.7,0.3" → [0.7, 0.3]; nil → equal weights.
    static func weights(_ text: String?, count: Int) throws -> [Float] {
        guard let text else { return [Float](repeating: 1, count: count) }
        let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == count, values.allSatisfy({ $0 != nil && $0! >= 0 && $0!.isFinite }) else {
            throw CommandLineError(message: "--weights '\(text)' must be \(count) non-negative numbers, one per model", hint: "e.g. --weights \(Array(repeating: "1", count: count).joined(separator: ","))")
        }
        return values.map { $0! }
    }
}
