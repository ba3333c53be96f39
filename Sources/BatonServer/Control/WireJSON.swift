import Foundation

/// JSON in and out of the server: `Decodable` requests with one-line refusals, and
/// `Encodable` answers. Wire types leave non-finite numbers out; should one slip through, it
/// encodes as a string rather than failing the whole message.
enum WireJSON {
    /// Decodes `T` from UTF-8 JSON; anything wrong becomes one `CommandError` line.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws(CommandError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as CommandError {
            throw error
        } catch let error as DecodingError {
            throw CommandError(describe(error))
        } catch {
            throw CommandError("not valid JSON: \(error)")
        }
    }

    /// A decoding error as one line: which field, and what was wrong with it.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let names = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "the message" : "\"" + names.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + "\""
        }
        switch error {
        case .keyNotFound(let key, let context): return "needs \(path(context.codingPath + [key]))"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)) must be \(article(type)), not null"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) must be \(article(type))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not a valid JSON object" : "\(path(context.codingPath)) is not valid: \(context.debugDescription)"
        @unknown default: return "not a valid message"
        }
    }

    private static func article(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Double.Type, is Float.Type, is Int.Type: return "a number"
        case is [Double].Type, is [Float].Type: return "a list of numbers"
        case is [[Double]].Type: return "a list of [dx, dy, pen] points"
        default: return "\(type)".hasPrefix("Array") ? "a list" : "an object"
        }
    }

    /// `value` as compact JSON text, keys sorted (stable output for clients and tests).
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// The error body every HTTP refusal and WebSocket error carries.
    struct ErrorBody: Encodable {
        var type: String?
        var id: String?
        var error: String?
        var message: String?

        static func http(_ message: String) -> ErrorBody { ErrorBody(error: message) }
        static func webSocket(_ message: String, id: String? = nil) -> ErrorBody { ErrorBody(type: "error", id: id, message: message) }
    }
}
