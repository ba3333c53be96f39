import BatonCore
import BatonInterop
import BatonTraining
import Foundation

/// Finds the model an IMPSY config names and loads it as a Baton control model.
///
/// IMPSY resolves `[model] file` against its project folder (configs live in `configs/`,
/// models in `models/`), so Baton looks beside the config and in its parent folder, by the
/// path as written and by the file name alone. `.h5` and `.keras` files are imported
/// (BatonInterop); a `.tflite` file cannot be read, so a sibling `.keras` or `.h5` of the
/// same name is used; a `.safetensors` file is a Baton model already. When nothing is
/// found IMPSY runs a stand-in (its DummyMDRNN), and so does Baton, loudly: a shipped model
/// of the same dimension if there is one, else an untrained model of the configured size.
public enum IMPSYModelLocator {
    public struct Choice: Sendable {
        public var model: Model
        /// The file the model came from; nil for an untrained stand-in.
        public var path: String?
        /// Loud warnings about stand-ins and mismatches.
        public var warnings: [String]
    }

    /// `shippedModels`: folders of Baton control models to stand in (Models/control).
    public static func locate(_ config: IMPSYConfiguration, shippedModels: [String] = [], seed: UInt64 = 1) throws(IMPSYConfigError) -> Choice {
        var warnings: [String] = []
        let written = (config.modelFile ?? "").trimmingCharacters(in: .whitespaces)
        var looked: [String] = []
        if !written.isEmpty {
            for candidate in candidates(for: written, config: config.path) {
                looked.append(candidate)
                guard FileManager.default.fileExists(atPath: candidate) else { continue }
                let ext = (candidate as NSString).pathExtension.lowercased()
                guard ext != "tflite" else { continue }  // only reached through its siblings
                var model = try load(candidate, config: config)
                model.metadata[MetadataKey.corpus] = model.metadata[MetadataKey.corpus] ?? "IMPSY config \(config.path)"
                if let found = sizeName(model), found != config.size {
                    warnings.append("the model \(candidate) is size \(found) but the config says size = \"\(config.size)\": using the file as it is")
                }
                return Choice(model: model, path: candidate, warnings: warnings)
            }
            let tflite = looked.filter { $0.lowercased().hasSuffix(".tflite") && FileManager.default.fileExists(atPath: $0) }
            if let file = tflite.first {
                warnings.append("WARNING: \(file) is TensorFlow Lite, which Baton cannot read, and no .keras or .h5 of the same name is beside it (convert it with IMPSY, or `baton import impsy` a Keras file)")
            }
            warnings.append("WARNING: the model file '\(written)' was not found; looked in \(unique(looked).joined(separator: ", "))")
        } else {
            warnings.append("WARNING: the config names no model file ([model] file)")
        }
        return standIn(config, shippedModels: shippedModels, seed: seed, warnings: warnings)
    }

    /// Where `written` may be: beside the config, in its parent folder (IMPSY's project),
    /// by the path as written, then by its file name alone; for `.tflite`, its `.keras` and
    /// `.h5` siblings first.
    static func candidates(for written: String, config: String) -> [String] {
        let folder = (config as NSString).deletingLastPathComponent
        let base = folder.isEmpty ? "." : folder
        let parent = (base as NSString).deletingLastPathComponent
        var paths: [String] = []
        if written.hasPrefix("/") {
            paths = [written]
        } else {
            let name = (written as NSString).lastPathComponent
            for root in [base, parent.isEmpty ? ".." : parent] { paths.append((root as NSString).appendingPathComponent(written)) }
            for root in [base, parent.isEmpty ? ".." : parent] { paths.append((root as NSString).appendingPathComponent(name)) }
        }
        var out: [String] = []
        for path in paths.map({ ($0 as NSString).standardizingPath }) {
            if path.lowercased().hasSuffix(".tflite") {
                let stem = (path as NSString).deletingPathExtension
                out += [stem + ".keras", stem + ".h5", path]
            } else {
                out.append(path)
            }
        }
        return unique(out)
    }

    static func load(_ path: String, config: IMPSYConfiguration) throws(IMPSYConfigError) -> Model {
        let model: Model
        if path.lowercased().hasSuffix(".safetensors") {
            do { model = try Model.load(path: path) } catch {
                throw IMPSYConfigError(path: config.path, reason: "cannot load the model \(path): \(error)", hint: "check the file")
            }
        } else {
            do { model = try IMPSYImporter.importModel(path: path) } catch {
                throw IMPSYConfigError(path: config.path, reason: error.message, hint: error.hint)
            }
        }
        guard model.config.kind == .control else {
            throw IMPSYConfigError(path: config.path, reason: "\(path) is a \(model.config.kind.rawValue) model, not an IMPSY MDRNN", hint: "name a control model in [model] file")
        }
        guard model.config.inputSize == config.dimension else {
            throw IMPSYConfigError(path: config.path, reason: "the model \(path) has dimension \(model.config.inputSize) but the config says dimension = \(config.dimension)",
                                   hint: "set dimension = \(model.config.inputSize), or name a dim\(config.dimension) model")
        }
        return model
    }

    /// IMPSY's size name for a model's layers and units, if it is one.
    static func sizeName(_ model: Model) -> String? {
        IMPSYConfiguration.sizes.first { $0.value.layers == model.config.layers && $0.value.units == model.config.units }?.key
    }

    static func standIn(_ config: IMPSYConfiguration, shippedModels: [String], seed: UInt64, warnings: [String]) -> Choice {
        var warnings = warnings
        for folder in shippedModels {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".safetensors") }.sorted()
            for file in files {
                let path = (folder as NSString).appendingPathComponent(file)
                guard let model = try? Model.load(path: path), model.config.kind == .control, model.config.inputSize == config.dimension else { continue }
                warnings.append("WARNING: standing in with the shipped \(config.dimension)-d model \(path) (\(model.displayName)); it was not trained on your instrument")
                return Choice(model: model, path: path, warnings: warnings)
            }
        }
        let size = IMPSYConfiguration.sizes[config.size] ?? (2, 64)
        let modelConfig = ModelConfig(kind: .control, inputSize: config.dimension, layers: size.layers, units: size.units,
                                      head: .mixtureDensity(dims: config.dimension, mixtures: 5, sigma: .elu))
        var rng = SeededGenerator(seed: seed)
        var model = Model.initialised(modelConfig, using: &rng)
        IMPSYImporter.applyConventions(to: &model, name: "untrained \(config.dimension)-d \(config.size)", corpus: "untrained (IMPSY config \(config.path))",
                                       source: "untrained stand-in")
        warnings.append("WARNING: playing an UNTRAINED \(config.dimension)-d model (size \(config.size): \(size.layers)×\(size.units), 5 mixtures): its answers are random, as IMPSY's dummy model's are. Train one: baton dataset LOGS --out d.npz && baton train control d.npz")
        return Choice(model: model, path: nil, warnings: warnings)
    }

    static func unique(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }
}
