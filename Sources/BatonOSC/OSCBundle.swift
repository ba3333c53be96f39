/// An OSC Bundle: the string `#bundle`, an OSC Time Tag, then zero or more OSC Bundle
/// Elements, each an int32 size followed by that many bytes of an OSC Message or another
/// OSC Bundle (OSC 1.0, "OSC Bundles").
///
/// OSC 1.0 requires a nested bundle's time tag to be no earlier than its enclosing
/// bundle's; this is not enforced, and `OSCPacket.messages` reports inner tags as given.
public struct OSCBundle: Equatable, Sendable {
    /// When the bundle's messages should take effect.
    public var timeTag: OSCTimeTag
    /// The messages and bundles inside, in order.
    public var elements: [OSCPacket]

    /// A bundle of these elements, to take effect at `timeTag` (immediately by default).
    public init(timeTag: OSCTimeTag = .immediately, elements: [OSCPacket] = []) {
        self.timeTag = timeTag
        self.elements = elements
    }

    /// The eight bytes every bundle starts with: `#bundle` and a NUL.
    static let header: [UInt8] = Array("#bundle".utf8) + [0]

    /// The bundle as an OSC packet.
    public func encoded() -> [UInt8] {
        var writer = OSCWriter(reservingCapacity: 64)
        write(to: &writer)
        return writer.bytes
    }

    /// Appends the encoded bundle to `writer`; each element's size is patched in after the
    /// element is written, so nested bundles are encoded in one pass.
    func write(to writer: inout OSCWriter) {
        writer.appendString("#bundle")
        writer.append(timeTag.rawValue)
        for element in elements {
            let sizeField = writer.reserveSize()
            element.write(to: &writer)
            writer.patchSize(at: sizeField)
        }
    }
}
