/// An OSC Message: "an OSC Address Pattern followed by an OSC Type Tag String followed by
/// zero or more OSC Arguments" (OSC 1.0, "OSC Messages").
///
/// The address is not validated here; `encoded()` writes it as given and the decoder
/// rejects a message whose address does not start with `/`.
public struct OSCMessage: Equatable, Sendable {
    /// The OSC Address Pattern, e.g. `/baton/temperature` or `/baton/*`.
    public var address: String
    /// The arguments, in order; their types make up the type tag string.
    public var arguments: [OSCArgument]

    /// A message to `address` carrying `arguments` in order.
    public init(_ address: String, _ arguments: [OSCArgument] = []) {
        self.address = address
        self.arguments = arguments
    }

    /// The OSC Type Tag String: a comma followed by one tag per argument, e.g. `,ifs`.
    public var typeTagString: String {
        "," + String(arguments.map(\.typeTag))
    }
}

extension OSCMessage: CustomStringConvertible {
    /// The address and arguments on one line, for logs: `/a/b 1 2.5 "hi"`.
    public var description: String {
        ([address] + arguments.map(\.description)).joined(separator: " ")
    }
}
