import Foundation

/// A stroke continuation request (WebSocket `strokes`, `POST /api/strokes`): the performer's
/// points so far and how to continue them. Checked against `LiveLimits` while decoding.
public struct StrokeRequest: Sendable, Equatable {
    /// Echoed in the answer so a client can match answers to requests.
    public var id: String?
    /// `[dx, dy, pen]` offsets in the data's units.
    public var points: [[Float]]
    /// Points to add to each continuation.
    public var steps: Int
    /// Continuations to draw ("ghosts").
    public var samples: Int
    /// One per stroke model; nil means equal weights.
    public var weights: [Float]?
    /// Component temperature for the draws.
    public var piTemperature: Float
    /// Variance multiplier for the draws.
    public var sigmaTemperature: Float
    /// Seed of the first continuation; continuation k uses seed + k.
    public var seed: UInt64

    /// A request to continue `points`; values are not checked here (decoding checks what clients send).
    public init(id: String? = nil, points: [[Float]], steps: Int = 100, samples: Int = 1, weights: [Float]? = nil,
                piTemperature: Float = 0.7, sigmaTemperature: Float = 0.7, seed: UInt64 = UInt64.random(in: 0...(1 << 53))) {
        self.id = id
        self.points = points
        self.steps = steps
        self.samples = samples
        self.weights = weights
        self.piTemperature = piTemperature
        self.sigmaTemperature = sigmaTemperature
        self.seed = seed
    }
}

extension StrokeRequest: Decodable {
    enum Key: String, CodingKey { case id, points, steps, samples, weights, piTemperature, sigmaTemperature, seed }

    /// Decodes a client's request, checking every value against `LiveLimits`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let field = JSONFields(container: c)
        self.init(points: [])
        if let text = try? c.decode(String.self, forKey: .id) {
            try LiveLimits.count(text.utf8.count, LiveLimits.requestIDBytes)
            id = text
        } else if c.contains(.id), !(try c.decodeNil(forKey: .id)) {
            id = NumericLimit.show(try NumericLimit("id", -1e15...1e15).check(try field.number(.id)))
        }
        if c.contains(.points) {
            let raw = try c.decode([[Double]].self, forKey: .points)
            try LiveLimits.count(raw.count, LiveLimits.strokePoints)
            points = try raw.map { point throws(CommandError) in
                guard point.count == 3 else { throw CommandError("every point is [dx, dy, pen], got \(point.count) numbers") }
                return try point.map { v throws(CommandError) in try LiveLimits.strokeValue.checkFloat(v) }
            }
        }
        if c.contains(.steps) { steps = try field.int(.steps, LiveLimits.strokeSteps) }
        if c.contains(.samples) { samples = try field.int(.samples, LiveLimits.strokeSamples) }
        _ = try LiveLimits.strokeWork.checkInt(Double(steps * samples))
        if c.contains(.weights), !(try c.decodeNil(forKey: .weights)) {
            let list = try c.decode([Double].self, forKey: .weights)
            try LiveLimits.count(list.count, LiveLimits.modelCount)
            weights = try list.map { v throws(CommandError) in try LiveLimits.weight.checkFloat(v) }
        }
        if c.contains(.piTemperature) { piTemperature = try field.float(.piTemperature, LiveLimits.piTemperature) }
        if c.contains(.sigmaTemperature) { sigmaTemperature = try field.float(.sigmaTemperature, LiveLimits.sigmaTemperature) }
        if c.contains(.seed) { seed = UInt64(try field.int(.seed, LiveLimits.seed)) }
    }
}
