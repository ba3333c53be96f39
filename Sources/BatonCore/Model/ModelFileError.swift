/// Why a model file could not be used. Every case names the path.
public enum ModelFileError: UserFacingError, Equatable {
    /// The file could not be read at all.
    case unreadable(path: String, reason: String)
    /// The bytes are not a valid safetensors file.
    case notSafeTensors(path: String, reason: SafeTensorsError)
    /// A tensor the architecture needs is absent.
    case missingTensor(path: String, name: String)
    /// A tensor's shape does not fit the architecture the others imply.
    case wrongShape(path: String, name: String, expected: [Int], found: [Int])
    /// The tensors do not describe an LSTM Baton can run.
    case notAnLSTM(path: String, reason: String)
    /// A metadata value is malformed or contradicts the tensors.
    case badMetadata(path: String, key: String, value: String)

    /// The path and what is wrong with the file.
    public var message: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read model \(path): \(reason)"
        case .notSafeTensors(let path, let reason): "\(path) is not a usable .safetensors model: \(reason)"
        case .missingTensor(let path, let name): "\(path) has no tensor '\(name.prefix(80))'"
        case .wrongShape(let path, let name, let expected, let found):
            "\(path): tensor '\(name)' has shape \(found), expected \(expected)"
        case .notAnLSTM(let path, let reason): "\(path) is not a Baton LSTM model: \(reason)"
        case .badMetadata(let path, let key, let value): "\(path): metadata '\(key.prefix(80))' = '\(value.prefix(80))' is not valid"
        }
    }

    /// How to get a usable file.
    public var hint: String {
        switch self {
        case .unreadable: "check the path; models are .safetensors files (see `baton info --help`)"
        case .notSafeTensors: "the file may be truncated or of another format; re-save it with baton train or safetensors.torch.save_file"
        case .missingTensor, .wrongShape, .notAnLSTM:
            "expected PyTorch state_dict names embed.weight, lstm.weight_ih_l0…, head.weight (see docs/formats.md)"
        case .badMetadata: "fix or remove that metadata key; Baton infers the architecture from the tensor shapes"
        }
    }
}
