/// Why `StrictJSON` refused a text: a short reason with the byte offset.
struct StrictJSONError: Error, Equatable {
    var reason: String
}
