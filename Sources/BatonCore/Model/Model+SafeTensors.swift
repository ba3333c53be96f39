import Foundation

extension Model {
    /// Loads a `.safetensors` model: Baton's own, or a PyTorch `state_dict` of
    /// `Embedding → LSTM(batch_first) → Linear` saved with `safetensors.torch.save_file`,
    /// whose architecture is inferred from the tensor shapes.
    public static func load(path: String) throws(ModelFileError) -> Model {
        try Model(file: readFile(path: path), path: path)
    }

    /// The largest model file Baton reads (an 8 × 4096 LSTM in Float32 is about 4 GiB).
    public static let maximumFileBytes = 4 << 30

    /// Reads and parses a model file without building the model (for `baton info`, which
    /// also shows how the file stores its tensors).
    public static func readFile(path: String) throws(ModelFileError) -> SafeTensorsFile {
        let bytes: [UInt8]
        do { bytes = try readFileBytes(path, maximumBytes: maximumFileBytes) } catch { throw .unreadable(path: path, reason: error.reason) }
        do { return try SafeTensorsFile(bytes: bytes) } catch { throw .notSafeTensors(path: path, reason: error) }
    }

    /// A model from a parsed file: the architecture inferred from its tensor shapes, checked against its metadata; `path` names it in errors.
    public init(file: SafeTensorsFile, path: String) throws(ModelFileError) {
        let config = try Self.inferConfig(file, path: path)
        let layout = ParameterLayout(config)
        // Every slot is checked before anything is allocated: the tensors' bytes are present
        // and disjoint, so the parameter buffer can never be larger than the file.
        for slot in layout.slots {
            guard let tensor = file.tensors[slot.name] else { throw .missingTensor(path: path, name: slot.name) }
            guard tensor.shape == slot.shape else {
                throw .wrongShape(path: path, name: slot.name, expected: slot.shape, found: tensor.shape)
            }
        }
        var parameters = [Float](repeating: 0, count: layout.count)
        for slot in layout.slots {
            let values = file.floats(slot.name) ?? []
            parameters.replaceSubrange(slot.range, with: values)
        }
        if let bad = parameters.firstIndex(where: { !$0.isFinite }) {
            let name = layout.slots.first { $0.range.contains(bad) }?.name ?? "?"
            throw .notAnLSTM(path: path, reason: "tensor '\(name)' holds NaN or infinity")
        }
        var normalisation: Normalisation?
        if let text = file.metadata[MetadataKey.normalisation] {
            guard let data = text.data(using: .utf8),
                  let decoded = try? JSONDecoder().decode(Normalisation.self, from: data),
                  decoded.dims == config.inputSize, decoded.offset.count == decoded.scale.count,
                  decoded.scale.allSatisfy({ $0.isFinite && $0 != 0 }), decoded.offset.allSatisfy(\.isFinite)
            else { throw .badMetadata(path: path, key: MetadataKey.normalisation, value: text) }
            normalisation = decoded
        }
        if let text = file.metadata[MetadataKey.splitPause] {
            guard let pause = Float(text), pause.isFinite, pause > 0 else {
                throw .badMetadata(path: path, key: MetadataKey.splitPause, value: text)
            }
        }
        var metadata = file.metadata
        for key in MetadataKey.architecture { metadata[key] = nil }
        self.init(config: config, parameters: parameters, normalisation: normalisation, metadata: metadata)
        let dtypes = Set(layout.slots.compactMap { file.tensors[$0.name]?.dtype })
        storedDType = dtypes.count == 1 ? dtypes.first! : .f32
    }

    private static func inferConfig(_ file: SafeTensorsFile, path: String) throws(ModelFileError) -> ModelConfig {
        func shape(_ name: String) throws(ModelFileError) -> [Int] {
            guard let tensor = file.tensors[name] else { throw .missingTensor(path: path, name: name) }
            return tensor.shape
        }
        func intMetadata(_ key: String) throws(ModelFileError) -> Int? {
            guard let text = file.metadata[key] else { return nil }
            guard let value = Int(text), value > 0 else { throw .badMetadata(path: path, key: key, value: text) }
            return value
        }
        var layers = 0
        while file.tensors["lstm.weight_ih_l\(layers)"] != nil { layers += 1 }
        guard layers > 0 else {
            let names = file.tensors.keys.sorted().prefix(6).map { String($0.prefix(80)) }.joined(separator: ", ")
            throw .notAnLSTM(path: path, reason: "no tensor lstm.weight_ih_l0 (found \(names))")
        }
        let hh = try shape("lstm.weight_hh_l0")
        guard hh.count == 2, hh[1] > 0, hh[0] == 4 * hh[1] else {
            throw .notAnLSTM(path: path, reason: "lstm.weight_hh_l0 has shape \(hh), expected [4H, H]")
        }
        let units = hh[1]
        let ih = try shape("lstm.weight_ih_l0")
        guard ih.count == 2, ih[0] == 4 * units, ih[1] > 0 else {
            throw .wrongShape(path: path, name: "lstm.weight_ih_l0", expected: [4 * units, max(1, ih.last ?? 1)], found: ih)
        }
        var inputSize = ih[1]
        var embedding: Int?
        if file.tensors["embed.weight"] != nil {
            let e = try shape("embed.weight")
            guard e.count == 2, e[0] > 0, e[1] == ih[1] else {
                throw .wrongShape(path: path, name: "embed.weight", expected: [e.first ?? 256, ih[1]], found: e)
            }
            inputSize = e[0]
            embedding = e[1]
        }
        let head = try shape("head.weight")
        guard head.count == 2, head[0] > 0, head[1] == units else {
            throw .wrongShape(path: path, name: "head.weight", expected: [max(1, head.first ?? 1), units], found: head)
        }
        let outputs = head[0]

        let kind: ModelKind
        if let text = file.metadata[MetadataKey.kind] {
            guard let k = ModelKind(rawValue: text) else { throw .badMetadata(path: path, key: MetadataKey.kind, value: text) }
            kind = k
        } else if inputSize == ModelConfig.byteVocabulary && outputs == ModelConfig.byteVocabulary {
            kind = .text
        } else {
            throw .notAnLSTM(path: path, reason: "input \(inputSize) and output \(outputs) are not a 256-byte text model, and metadata 'kind' is missing")
        }

        let outputHead: OutputHead
        switch kind {
        case .text:
            guard inputSize == ModelConfig.byteVocabulary, outputs == ModelConfig.byteVocabulary else {
                throw .notAnLSTM(path: path, reason: "a text model reads and predicts 256 UTF-8 byte values; this one has input \(inputSize), output \(outputs)")
            }
            outputHead = .categorical(symbols: outputs)
        case .control:
            guard embedding == nil else { throw .notAnLSTM(path: path, reason: "a control model has no embedding") }
            let dims = try intMetadata(MetadataKey.dims) ?? inputSize
            guard dims == inputSize else { throw .badMetadata(path: path, key: MetadataKey.dims, value: String(dims)) }
            let mixtures = try intMetadata(MetadataKey.mixtures) ?? (outputs % (2 * dims + 1) == 0 ? outputs / (2 * dims + 1) : 0)
            // 2·K·D + K = K·(2D + 1), computed without overflow (the metadata may say anything).
            let (expected, overflow) = mixtures.multipliedReportingOverflow(by: 2 * dims + 1)
            guard mixtures > 0, !overflow, outputs == expected else {
                throw .notAnLSTM(path: path, reason: "head output \(outputs) is not 2·K·D + K for D = \(inputSize)")
            }
            let sigmaText = file.metadata[MetadataKey.sigma] ?? SigmaTransform.elu.rawValue
            guard let sigma = SigmaTransform(rawValue: sigmaText) else {
                throw .badMetadata(path: path, key: MetadataKey.sigma, value: sigmaText)
            }
            outputHead = .mixtureDensity(dims: dims, mixtures: mixtures, sigma: sigma)
        case .strokes:
            guard inputSize == 3, embedding == nil, outputs % 6 == 1, outputs > 1 else {
                throw .notAnLSTM(path: path, reason: "a stroke model reads (dx, dy, pen) and outputs 6·K + 1 values; this one has input \(inputSize), output \(outputs)")
            }
            outputHead = .strokes(mixtures: (outputs - 1) / 6)
        }
        return ModelConfig(kind: kind, inputSize: inputSize, embedding: embedding, layers: layers, units: units, head: outputHead)
    }

    /// The metadata written to a file: provenance plus the architecture keys.
    public var fileMetadata: [String: String] {
        var m = metadata
        m[MetadataKey.format] = "baton/1"
        m[MetadataKey.kind] = config.kind.rawValue
        m[MetadataKey.layers] = String(config.layers)
        m[MetadataKey.units] = String(config.units)
        if let e = config.embedding { m[MetadataKey.embedding] = String(e) }
        switch config.head {
        case .categorical(let v):
            m[MetadataKey.vocab] = String(v)
        case .mixtureDensity(let d, let k, let sigma):
            m[MetadataKey.dims] = String(d)
            m[MetadataKey.mixtures] = String(k)
            m[MetadataKey.sigma] = sigma.rawValue
        case .strokes(let k):
            m[MetadataKey.dims] = "3"
            m[MetadataKey.mixtures] = String(k)
        }
        if let normalisation, let data = try? JSONEncoder().encode(normalisation) {
            m[MetadataKey.normalisation] = String(decoding: data, as: UTF8.self)
        }
        return m
    }

    /// The model as safetensors bytes, every tensor stored as `dtype`.
    public func encoded(dtype: TensorDType = .f32) -> [UInt8] {
        var writer = SafeTensorsWriter(metadata: fileMetadata)
        for slot in layout.slots {
            writer.add(slot.name, shape: slot.shape, values: Array(parameters[slot.range]), dtype: dtype)
        }
        return writer.encode()
    }

    /// Saves atomically (temporary file + rename).
    public func save(to path: String, dtype: TensorDType = .f32) throws(FileWriteError) {
        try writeAtomically(encoded(dtype: dtype), to: path)
    }
}
