/// How to draw the next text symbol from a model's (or an ensemble's) distribution.
public struct SamplingOptions: Sendable, Equatable {
    /// Divides the logits: < 1 sharpens, > 1 flattens (clamped by `Temperature`).
    public var temperature: Float
    /// Keep only the k most probable symbols (0 = all).
    public var topK: Int
    /// Keep the smallest set of most probable symbols whose mass reaches p (1 = all).
    public var topP: Float

    /// Options that default to sampling the model's own distribution, untruncated.
    public init(temperature: Float = 1, topK: Int = 0, topP: Float = 1) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
    }

    /// Throws unless every setting is usable; `prefix` names them as the user wrote them
    /// (`--` for flags).
    public func validate(prefix: String = "--") throws(InvalidSetting) {
        try Temperature.validate(temperature, name: "\(prefix)temperature")
        try Self.validate(topK: topK, name: "\(prefix)top-k")
        try Self.validate(topP: topP, name: "\(prefix)top-p")
    }

    /// Throws unless `topK` is 0 or more; `name` is the setting as the user wrote it.
    public static func validate(topK: Int, name: String) throws(InvalidSetting) {
        guard topK >= 0 else { throw InvalidSetting(message: "\(name) must be ≥ 0, got \(topK)", hint: "0 keeps every symbol") }
    }

    /// Throws unless `topP` is in (0, 1]; `name` is the setting as the user wrote it.
    public static func validate(topP: Float, name: String) throws(InvalidSetting) {
        guard topP > 0, topP <= 1 else { throw InvalidSetting(message: "\(name) must be in (0, 1], got \(topP)", hint: "1 keeps every symbol; 0.9 the most probable 90 % of the mass") }
    }
}
