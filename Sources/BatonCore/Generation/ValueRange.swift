import Foundation

/// The smallest and largest value of each dimension a control model was trained on,
/// stored as metadata `value_range` = `{"min": [...], "max": [...]}`.
public struct ValueRange: Codable, Equatable, Sendable {
    /// The smallest value seen per dimension.
    public var minimum: [Float]
    /// The largest value seen per dimension.
    public var maximum: [Float]

    enum CodingKeys: String, CodingKey { case minimum = "min", maximum = "max" }

    /// A range from per-dimension bounds.
    public init(minimum: [Float], maximum: [Float]) {
        self.minimum = minimum
        self.maximum = maximum
    }

    /// The range a model file records, or nil when it has none or its width is not `dims`.
    public init?(metadata: [String: String], dims: Int) {
        guard let text = metadata[Self.key], let decoded = try? JSONDecoder().decode(ValueRange.self, from: Data(text.utf8)),
              decoded.minimum.count == dims, decoded.maximum.count == dims else { return nil }
        self = decoded
    }

    /// The metadata value: `{"min": [...], "max": [...]}`.
    public var json: String { (try? JSONEncoder().encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}" }

    /// The metadata key it is stored under.
    public static let key = "value_range"
}
