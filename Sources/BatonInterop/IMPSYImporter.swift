import BatonCore
import BatonTraining
import Foundation
import ZIPFoundation

/// Why a Keras file cannot be imported.
public struct ImportError: UserFacingError, Equatable {
    public var path: String
    public var reason: String
    public var message: String { "cannot import \(path): \(reason)" }
    public var hint: String {
        "expected an IMPSY MDRNN saved by Keras (.h5, or a .keras archive): LSTM layers then a keras-mdn-layer MDN"
    }
}

/// Converts an IMPSY pretrained Keras MDRNN (Martin & Torresen 2019) into a Baton control
/// model: its stacked LSTM layers and its keras-mdn-layer MDN head.
///
/// Keras stores `kernel [I, 4H]`, `recurrent_kernel [H, 4H]`, `bias [4H]` with gates i, f,
/// c, o — PyTorch's order (c is the candidate g) but transposed; there is one bias, which
/// becomes `bias_ih` (`bias_hh` = 0). The MDN's three Dense layers (`mus`, `sigmas`, `pi`,
/// each `kernel [H, ·]`) stack into `head.weight` in Baton's `[μ | σ-pre | π]` layout; its
/// σ activation is elu + 1 + 1e-7, Baton's `elu` transform. IMPSY feeds the model its data
/// times `scaleFactor` (10), which becomes the model's normalisation.
public enum IMPSYImporter {
    /// What an import accepts; IMPSY's own models are 1–3 layers of 32–512 units, 2–9
    /// dimensions and 5 mixtures.
    public static let maximumLayers = 16
    public static let maximumUnits = 8192
    public static let maximumDims = 256
    public static let maximumMixtures = 256
    public static let maximumParameters = 1 << 28
    /// model.weights.h5 inside a .keras archive is not inflated past this.
    public static let maximumWeightsBytes = 1 << 30

    public static func importModel(path: String, scaleFactor: Float = 10) throws(ImportError) -> Model {
        func fail(_ reason: String) -> ImportError { ImportError(path: path, reason: reason) }
        guard scaleFactor.isFinite, scaleFactor > 0, (1 / scaleFactor).isFinite else { throw fail("scale factor \(scaleFactor) is not a positive number") }
        guard FileManager.default.fileExists(atPath: path) else { throw fail("no such file") }
        var weightsPath = path
        var temporary: String?
        if path.lowercased().hasSuffix(".keras") {
            // A Keras 3 archive: a zip holding config.json and model.weights.h5.
            guard let archive = try? Archive(url: URL(fileURLWithPath: path), accessMode: .read),
                  let entry = archive["model.weights.h5"] else { throw fail("not a .keras archive with model.weights.h5") }
            let extracted = FileManager.default.temporaryDirectory.appendingPathComponent("baton-import-\(getpid())-\(UUID().uuidString).h5")
            guard FileManager.default.createFile(atPath: extracted.path, contents: nil),
                  let handle = try? FileHandle(forWritingTo: extracted) else { throw fail("cannot create a temporary file in \(extracted.deletingLastPathComponent().path)") }
            temporary = extracted.path
            do {
                defer { try? handle.close() }
                try archive.extract(entry, maximumBytes: maximumWeightsBytes) { try handle.write(contentsOf: $0) }
            } catch {
                try? FileManager.default.removeItem(at: extracted)
                throw fail("model.weights.h5 \(error)")
            }
            weightsPath = extracted.path
        }
        defer { if let temporary { try? FileManager.default.removeItem(atPath: temporary) } }
        let file: HDF5File
        do { file = try HDF5File(path: weightsPath) } catch { throw fail(error.description) }
        let paths = file.datasetPaths()
        func read(_ name: String) throws(ImportError) -> (shape: [Int], values: [Float]) {
            do { return try file.floats(name) } catch { throw fail(error.description) }
        }

        // LSTM layers: Keras 2 `…/lstmN/kernel:0`, Keras 3 `layers/lstm_N/cell/vars/0`.
        var layers: [(name: String, kernel: String, recurrent: String, bias: String)] = []
        for p in paths where p.hasSuffix("recurrent_kernel:0") {
            let parent = String(p.dropLast("recurrent_kernel:0".count))
            layers.append((parent, parent + "kernel:0", p, parent + "bias:0"))
        }
        for p in paths where p.hasSuffix("/cell/vars/1") {
            let parent = String(p.dropLast("1".count))
            layers.append((parent, parent + "0", p, parent + "2"))
        }
        layers.sort { layerOrder($0.name) < layerOrder($1.name) }
        guard !layers.isEmpty else { throw fail("it has no LSTM layers (datasets: \(paths.prefix(6).joined(separator: ", ")))") }

        // MDN head: Keras 2 `…/mus/kernel:0`, Keras 3 `…/mdn_mus/vars/0`.
        func mdnPart(_ keras2: String, _ keras3: String) throws(ImportError) -> (kernel: String, bias: String) {
            if let k = paths.first(where: { $0.hasSuffix("/\(keras2)/kernel:0") }) {
                return (k, String(k.dropLast("kernel:0".count)) + "bias:0")
            }
            if let k = paths.first(where: { $0.hasSuffix("/\(keras3)/vars/0") }) {
                return (k, String(k.dropLast(1)) + "1")
            }
            throw fail("it has LSTM layers but no keras-mdn-layer '\(keras2)' weights, so it is not an MDRNN")
        }
        let mus = try mdnPart("mus", "mdn_mus"), sigmas = try mdnPart("sigmas", "mdn_sigmas"), pis = try mdnPart("pis", "mdn_pi")

        guard layers.count <= maximumLayers else { throw fail("it has \(layers.count) LSTM layers (at most \(maximumLayers))") }
        let first = try read(layers[0].recurrent)
        guard first.shape.count == 2, (1...maximumUnits).contains(first.shape[0]), first.shape[1] == 4 * first.shape[0] else {
            throw fail("recurrent kernel \(layers[0].recurrent) has shape \(first.shape), expected [H, 4H] with H in 1…\(maximumUnits)")
        }
        let units = first.shape[0]
        let inputKernel = try read(layers[0].kernel)
        guard inputKernel.shape.count == 2, (1...maximumDims).contains(inputKernel.shape[0]), inputKernel.shape[1] == 4 * units else {
            throw fail("kernel \(layers[0].kernel) has shape \(inputKernel.shape), expected [D, \(4 * units)] with D in 1…\(maximumDims)")
        }
        let dims = inputKernel.shape[0]
        let piKernel = try read(pis.kernel)
        guard piKernel.shape.count == 2, piKernel.shape[0] == units, (1...maximumMixtures).contains(piKernel.shape[1]) else {
            throw fail("MDN pi kernel has shape \(piKernel.shape), expected [\(units), K] with K in 1…\(maximumMixtures)")
        }
        let mixtures = piKernel.shape[1]
        let config = ModelConfig(kind: .control, inputSize: dims, layers: layers.count, units: units,
                                 head: .mixtureDensity(dims: dims, mixtures: mixtures, sigma: .elu))
        guard config.parameterCount <= maximumParameters else {
            throw fail("it would have \(config.parameterCount) parameters (at most \(maximumParameters))")
        }
        var model = Model(zeroed: config)
        let layout = model.layout

        /// Writes the transpose of a Keras `[rows, cols]` matrix into rows `rowOffset ..< rowOffset + cols`
        /// of a PyTorch `[·, rows]` slot; the source must be exactly `[slot columns, cols]`.
        func setTransposed(_ source: (shape: [Int], values: [Float]), into slot: ParameterLayout.Slot, rowOffset: Int = 0, cols: Int, name: String) throws(ImportError) {
            let rows = slot.shape[1]
            guard source.shape == [rows, cols], rowOffset + cols <= slot.shape[0] else {
                throw fail("\(name) has shape \(source.shape), expected [\(rows), \(cols)] for \(slot.name)")
            }
            for r in 0..<rows { for c in 0..<cols { model.parameters[slot.offset + (rowOffset + c) * rows + r] = source.values[r * cols + c] } }
        }
        func setVector(_ name: String, into slot: ParameterLayout.Slot, offset: Int = 0, count: Int) throws(ImportError) {
            let values = try read(name)
            guard values.shape == [count], offset + count <= slot.count else { throw fail("\(name) has shape \(values.shape), expected [\(count)]") }
            model.parameters.replaceSubrange((slot.offset + offset)..<(slot.offset + offset + count), with: values.values)
        }
        for (l, layer) in layers.enumerated() {
            try setTransposed(try read(layer.kernel), into: layout.weightIH(l), cols: 4 * units, name: layer.kernel)
            try setTransposed(try read(layer.recurrent), into: layout.weightHH(l), cols: 4 * units, name: layer.recurrent)
            try setVector(layer.bias, into: layout.biasIH(l), count: 4 * units)
        }
        let head = layout.headWeight, kd = mixtures * dims
        try setTransposed(try read(mus.kernel), into: head, rowOffset: 0, cols: kd, name: mus.kernel)
        try setTransposed(try read(sigmas.kernel), into: head, rowOffset: kd, cols: kd, name: sigmas.kernel)
        try setTransposed(piKernel, into: head, rowOffset: 2 * kd, cols: mixtures, name: pis.kernel)
        try setVector(mus.bias, into: layout.headBias, offset: 0, count: kd)
        try setVector(sigmas.bias, into: layout.headBias, offset: kd, count: kd)
        try setVector(pis.bias, into: layout.headBias, offset: 2 * kd, count: mixtures)
        guard model.parameters.allSatisfy(\.isFinite) else { throw fail("its weights hold NaN or infinity") }

        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        applyConventions(to: &model, name: stem, corpus: "imported from IMPSY (\(URL(fileURLWithPath: path).lastPathComponent))", scaleFactor: scaleFactor)
        return model
    }

    /// What makes a Baton control model behave as IMPSY's MDRNN does: data × `scaleFactor`
    /// into the network (the normalisation), generated controls clipped to [0, 1] as
    /// IMPSY's `proc_generated_touch` does, a name and colour.
    public static func applyConventions(to model: inout Model, name: String, corpus: String, source: String = "IMPSY Keras MDRNN", scaleFactor: Float = 10) {
        let dims = model.config.inputSize
        model.normalisation = Normalisation(offset: [Float](repeating: 0, count: dims), scale: [Float](repeating: 1 / scaleFactor, count: dims))
        model.metadata = [
            MetadataKey.name: name, MetadataKey.colour: ModelStyle.defaultColour(for: name),
            MetadataKey.corpus: corpus,
            "source": "\(source), scale factor \(scaleFactor)",
            ValueRange.key: ValueRange(minimum: [0] + [Float](repeating: 0, count: dims - 1), maximum: [.greatestFiniteMagnitude] + [Float](repeating: 1, count: dims - 1)).json,
        ]
    }

    /// lstm0 < lstm1 < …; lstm < lstm_1 < lstm_2 (Keras 3 naming).
    static func layerOrder(_ path: String) -> (Int, String) {
        let component = path.split(separator: "/").first { $0.lowercased().hasPrefix("lstm") }.map(String.init) ?? path
        let digits = component.reversed().prefix { $0.isNumber }.reversed()
        return (Int(String(digits)) ?? 0, path)
    }
}
