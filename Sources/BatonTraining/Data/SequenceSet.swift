import BatonCore
import Foundation

/// Sequences of D-dimensional events (control events or pen points), stored flat:
/// `values` is `[N, D]` row-major and sequence s is rows `offsets[s] ..< offsets[s+1]`.
public struct SequenceSet: Sendable, Equatable {
    public let dims: Int
    public private(set) var values: [Float]
    public private(set) var offsets: [Int]

    public init(dims: Int, values: [Float] = [], offsets: [Int] = [0]) {
        precondition(dims > 0 && values.count % dims == 0 && offsets.first == 0 && offsets.last == values.count / dims,
                     "SequenceSet: \(values.count) values, \(dims) dims, offsets ending at \(offsets.last ?? -1)")
        self.dims = dims
        self.values = values
        self.offsets = offsets
    }

    public var sequenceCount: Int { offsets.count - 1 }
    public var eventCount: Int { values.count / dims }
    public func length(_ s: Int) -> Int { offsets[s + 1] - offsets[s] }

    /// Event `e` (global index) as D values.
    public func event(_ e: Int) -> ArraySlice<Float> { values[(e * dims)..<((e + 1) * dims)] }

    /// The events of sequence `s`, flat.
    public func sequence(_ s: Int) -> ArraySlice<Float> { values[(offsets[s] * dims)..<(offsets[s + 1] * dims)] }

    public mutating func append(sequence flat: [Float]) {
        precondition(flat.count % dims == 0, "append: \(flat.count) values is not a whole number of \(dims)-d events")
        guard !flat.isEmpty else { return }
        values += flat
        offsets.append(values.count / dims)
    }

    /// The same sequences with one dimension's sign flipped (e.g. y-up pen data to y-down).
    public func negating(dimension d: Int) -> SequenceSet {
        precondition(d >= 0 && d < dims, "negating: dimension \(d) of \(dims)")
        var flipped = self
        for e in 0..<eventCount { flipped.values[e * dims + d] = -flipped.values[e * dims + d] }
        return flipped
    }

    /// Predictions a model makes on this set: every event but the first of each sequence.
    public var predictedEvents: Int { (0..<sequenceCount).reduce(0) { $0 + max(0, length($1) - 1) } }

    /// Sequences with fewer than two events teach nothing (the first event is only input).
    public func droppingShortSequences() -> SequenceSet {
        var kept = SequenceSet(dims: dims)
        for s in 0..<sequenceCount where length(s) >= 2 { kept.append(sequence: Array(sequence(s))) }
        return kept
    }

    /// Splits by sequence, never inside one: the trailing sequences holding at least
    /// `fraction` of the events (and at least one sequence) become the validation set.
    /// A single sequence (one long session log) is the exception: its tail is held out.
    public func split(validationFraction fraction: Double) -> (train: SequenceSet, validation: SequenceSet) {
        if sequenceCount == 1 {
            let cut = max(2, min(eventCount - 2, Int((Double(eventCount) * (1 - fraction)).rounded())))
            var train = SequenceSet(dims: dims), validation = SequenceSet(dims: dims)
            guard cut >= 2, eventCount - cut >= 2 else { return (self, validation) }
            train.append(sequence: Array(values[0..<(cut * dims)]))
            validation.append(sequence: Array(values[(cut * dims)...]))
            return (train, validation)
        }
        let wanted = Int((Double(eventCount) * fraction).rounded(.up))
        var cut = sequenceCount
        while cut > 1 && eventCount - offsets[cut] < wanted { cut -= 1 }
        var train = SequenceSet(dims: dims), validation = SequenceSet(dims: dims)
        for s in 0..<sequenceCount {
            if s < cut { train.append(sequence: Array(sequence(s))) } else { validation.append(sequence: Array(sequence(s))) }
        }
        return (train, validation)
    }

    /// Applies `(x − offset) / scale` per dimension (into model units).
    public func normalised(_ n: Normalisation) -> SequenceSet {
        precondition(n.dims == dims, "normalised: \(n.dims)-d normalisation for \(dims)-d events")
        var copy = self
        for i in copy.values.indices { copy.values[i] = (copy.values[i] - n.offset[i % dims]) / n.scale[i % dims] }
        return copy
    }

    /// Changes values in place, event by event (for preparation steps).
    public mutating func transformEvents(_ body: (Int, inout ArraySlice<Float>) -> Void) {
        for e in 0..<eventCount {
            var slice = values[(e * dims)..<((e + 1) * dims)]
            body(e, &slice)
            values.replaceSubrange((e * dims)..<((e + 1) * dims), with: slice)
        }
    }
}

extension SequenceSet {
    /// Reads the pickle-free layout of ../shared/datasets: a flat `data` `[N, D]` plus
    /// `lengths` `[S]`, with optional `train_`, `valid_`, `test_` prefixes. `part` picks a
    /// prefix ("train", "valid", "test"); nil reads the unprefixed arrays, or `train_` when
    /// that is all there is. Only the two arrays of that part are inflated; the data is
    /// decoded once, straight to Float32.
    public static func load(npz path: String, part: String? = nil) throws(DataError) -> SequenceSet {
        try load(NpzArchive(path: path), part: part)
    }

    public static func load(_ archive: NpzArchive, part: String? = nil) throws(DataError) -> SequenceSet {
        let path = archive.path
        let prefix = part.map { $0 + "_" } ?? (archive.contains("data") ? "" : "train_")
        guard let data = try archive.array(prefix + "data") else {
            let names = archive.names.prefix(8).map { String($0.prefix(40)) }.joined(separator: ", ")
            throw .unsupported(path: path, reason: "has no '\(prefix)data' array (found \(names))",
                               hint: "store sequences as a flat data [N, D] array and lengths [S], as in ../shared/datasets/README.md")
        }
        guard data.shape.count == 2, data.shape[1] > 0 else {
            throw .unsupported(path: path, reason: "'\(prefix)data' has shape \(data.shape.prefix(8)), expected [N, D]", hint: "reshape it to one row per event")
        }
        let (rows, dims) = (data.shape[0], data.shape[1])
        let lengths: [Int]
        if let array = try archive.array(prefix + "lengths") {
            guard array.shape.count == 1 else {
                throw .unsupported(path: path, reason: "'\(prefix)lengths' has shape \(array.shape.prefix(8)), expected [S]", hint: "lengths[s] must be the number of rows of sequence s")
            }
            do { lengths = try array.integers() } catch {
                throw .unsupported(path: path, reason: "'\(prefix)lengths' \(error)", hint: "lengths[s] must be the number of rows of sequence s")
            }
        } else {
            lengths = [rows]
        }
        var offsets = [0]
        offsets.reserveCapacity(lengths.count + 1)
        for n in lengths {
            // Each length is checked before it is added, so the running sum cannot overflow.
            guard n >= 0, n <= rows - offsets[offsets.count - 1] else {
                throw .unsupported(path: path, reason: "'\(prefix)lengths' hold \(n) at sequence \(offsets.count - 1), more than the \(rows) rows of data allow (or negative)",
                                   hint: "lengths[s] must be the number of rows of sequence s")
            }
            offsets.append(offsets[offsets.count - 1] + n)
        }
        guard offsets[offsets.count - 1] == rows else {
            throw .unsupported(path: path, reason: "'\(prefix)lengths' sum to \(offsets[offsets.count - 1]) but data has \(rows) rows",
                               hint: "lengths[s] must be the number of rows of sequence s")
        }
        let values = data.floats()
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .invalidValue(path: path, row: bad / dims, column: bad % dims, value: "\(values[bad]) (as float32)")
        }
        return SequenceSet(dims: dims, values: values, offsets: offsets)
    }

    /// Writes the same layout (`data` float32 `[N, D]`, `lengths` int32 `[S]`).
    public func write(npz path: String) throws(FileWriteError) {
        guard (0..<sequenceCount).allSatisfy({ length($0) <= Int(Int32.max) }) else {
            throw FileWriteError(path: path, reason: "a sequence has more than \(Int32.max) events, more than int32 lengths can say")
        }
        let lengths = (0..<sequenceCount).map { Int32(length($0)) }
        try NpzArchive.write([
            "data": NpyArray(floats: values, shape: [eventCount, dims]),
            "lengths": NpyArray(int32: lengths, shape: [sequenceCount]),
        ], to: path)
    }
}
