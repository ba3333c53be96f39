import BatonCore

/// Plain CSV of events: a header row naming the columns, then one event per row (for
/// control data dt first, in seconds). The file is one sequence. Every row has as many
/// fields as the header, every value is a finite float32; at most
/// `ArchitectureLimits.dims` columns.
public enum EventCSV {
    public static func read(path: String) throws(DataError) -> (columns: [String], events: SequenceSet) {
        try parse(CSVRows.read(path: path), path: path)
    }

    /// Parses CSV bytes; `path` names them in errors.
    public static func parse(_ bytes: [UInt8], path: String) throws(DataError) -> (columns: [String], events: SequenceSet) {
        var columns: [String] = []
        var values: [Float] = []
        try CSVRows.forEach(in: bytes, path: path) { line, fields throws(DataError) in
            if columns.isEmpty {
                if fields.allSatisfy({ Double($0) != nil }) {
                    throw .unsupported(path: path, reason: "the first row is numbers, not a header", hint: "add a header row naming the columns, e.g. dt,x,y")
                }
                guard ArchitectureLimits.dims.contains(fields.count) else {
                    throw .unsupported(path: path, reason: "the header names \(fields.count) columns (at most \(ArchitectureLimits.dims.upperBound))",
                                       hint: "keep the columns a model should learn")
                }
                columns = fields.map(String.init)
                return
            }
            guard fields.count == columns.count else {
                throw .invalidValue(path: path, row: line, column: min(fields.count, columns.count), value: "\(fields.count) fields, header has \(columns.count)")
            }
            for (j, field) in fields.enumerated() { values.append(try CSVRows.finite(field, path: path, line: line, column: j + 1)) }
        }
        guard !columns.isEmpty, !values.isEmpty else { throw .empty(path: path) }
        return (columns, SequenceSet(dims: columns.count, values: values, offsets: [0, values.count / columns.count]))
    }
}
