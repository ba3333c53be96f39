import BatonCore
import Foundation

/// Preparation of IMPS-style control data: events `(dt, x1, …, xn)`, dt in seconds first.
public enum ControlData {
    /// dt outliers are pauses between takes (hundreds of seconds in real logs). A pause
    /// longer than `splitPause` seconds ends a take: the sequence is split there, and the
    /// event after the pause opens the next piece with its dt capped at `splitPause` (the
    /// first event of a sequence is only ever input, never predicted). So the model neither
    /// learns to predict 700-second silences nor sees them as inputs.
    public static func prepare(_ set: SequenceSet, path: String, splitPause: Float) throws(DataError) -> SequenceSet {
        guard splitPause.isFinite, splitPause > 0 else {
            throw .unsupported(path: path, reason: "a split pause of \(splitPause) s is not a positive duration", hint: "give --split-pause a positive number of seconds")
        }
        var result = SequenceSet(dims: set.dims)
        for s in 0..<set.sequenceCount {
            var piece: [Float] = []
            for e in set.offsets[s]..<set.offsets[s + 1] {
                var event = Array(set.event(e))
                guard event[0] >= 0 else {
                    throw .invalidValue(path: path, row: e, column: 0, value: "dt = \(event[0]) (negative: events out of order)")
                }
                if event[0] > splitPause {
                    result.append(sequence: piece)
                    piece = []
                    event[0] = splitPause
                }
                piece += event
            }
            result.append(sequence: piece)
        }
        return result.droppingShortSequences()
    }

    /// Standardisation per dimension from the training data: offset = mean, scale = std
    /// (1 where a dimension never moves).
    public static func normalisation(for set: SequenceSet) -> Normalisation {
        let d = set.dims, n = Double(max(set.eventCount, 1))
        var mean = [Double](repeating: 0, count: d), square = mean
        for (i, v) in set.values.enumerated() { mean[i % d] += Double(v); square[i % d] += Double(v) * Double(v) }
        let offset = mean.map { $0 / n }
        let scale = (0..<d).map { j -> Double in
            let variance = square[j] / n - offset[j] * offset[j]
            return variance > 1e-12 ? variance.squareRoot() : 1
        }
        return Normalisation(offset: offset.map(Float.init), scale: scale.map(Float.init))
    }
}

/// Preparation of pen strokes in stroke-3 form `(dx, dy, pen lifted after this point)`.
public enum StrokeData {
    /// Checks the layout, and clips offsets beyond `clipDeviations` standard deviations
    /// (jumps between lines or pen-up travel glitches in real tablets).
    public static func prepare(_ set: SequenceSet, path: String, clipDeviations: Float = 10) throws(DataError) -> SequenceSet {
        guard set.dims == 3 else { throw .dimensionMismatch(path: path, expected: 3, found: set.dims) }
        for e in 0..<set.eventCount where set.values[e * 3 + 2] != 0 && set.values[e * 3 + 2] != 1 {
            throw .invalidValue(path: path, row: e, column: 2, value: "pen = \(set.values[e * 3 + 2]) (must be 0 or 1)")
        }
        let limit = clipDeviations * offsetScale(set)
        var clipped = set
        clipped.transformEvents { _, event in
            let i = event.startIndex
            event[i] = min(max(event[i], -limit), limit)
            event[i + 1] = min(max(event[i + 1], -limit), limit)
        }
        return clipped.droppingShortSequences()
    }

    /// One scale for dx and dy together (their joint standard deviation), as sketch-rnn
    /// does, so the geometry is kept and σ-temperature spreads evenly; the pen is not scaled.
    public static func normalisation(for set: SequenceSet) -> Normalisation {
        Normalisation(offset: [0, 0, 0], scale: [offsetScale(set), offsetScale(set), 1])
    }

    static func offsetScale(_ set: SequenceSet) -> Float {
        var sum = 0.0, n = 0.0
        for e in 0..<set.eventCount {
            sum += Double(set.values[e * 3]) * Double(set.values[e * 3]) + Double(set.values[e * 3 + 1]) * Double(set.values[e * 3 + 1])
            n += 2
        }
        let rms = (sum / max(n, 1)).squareRoot()
        return rms > 0 ? Float(rms) : 1
    }
}
