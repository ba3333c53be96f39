/// An OSC Packet: "The contents of an OSC packet must be either an OSC Message or an OSC
/// Bundle" (OSC 1.0, "OSC Packets"). The packet's size comes from the transport (one UDP
/// datagram, or a framed TCP/SLIP stream) and is always a multiple of 4.
public indirect enum OSCPacket: Equatable, Sendable {
    /// A single OSC Message.
    case message(OSCMessage)
    /// An OSC Bundle of messages and further bundles, with a time tag.
    case bundle(OSCBundle)

    /// How many bundles may be nested inside one another (a lone bundle has depth 1).
    /// Decoding refuses deeper packets, which bounds the decoder's recursion.
    public static let maximumNestingDepth = 8

    /// The packet's bytes.
    public func encoded() -> [UInt8] {
        switch self {
        case .message(let message): return message.encoded()
        case .bundle(let bundle): return bundle.encoded()
        }
    }

    func write(to writer: inout OSCWriter) {
        switch self {
        case .message(let message): message.write(to: &writer)
        case .bundle(let bundle): bundle.write(to: &writer)
        }
    }

    /// Every message in the packet, in order, with the time tag it should take effect at:
    /// nil for a bare message, otherwise the tag of the innermost bundle holding it
    /// (nested bundles are flattened; inner time tags are reported as given, not clamped
    /// to the enclosing bundle's, and `OSCTimeTag.immediately` is passed through).
    public var messages: [(timeTag: OSCTimeTag?, message: OSCMessage)] {
        var result: [(timeTag: OSCTimeTag?, message: OSCMessage)] = []
        collectMessages(timeTag: nil, into: &result)
        return result
    }

    private func collectMessages(timeTag: OSCTimeTag?, into result: inout [(timeTag: OSCTimeTag?, message: OSCMessage)]) {
        switch self {
        case .message(let message):
            result.append((timeTag, message))
        case .bundle(let bundle):
            for element in bundle.elements {
                element.collectMessages(timeTag: bundle.timeTag, into: &result)
            }
        }
    }
}
