/// Writing an OSC Message (OSC 1.0, "OSC Messages").
extension OSCMessage {
    /// The message as an OSC packet: address, type tag string, argument data.
    ///
    /// The type tag string is always written, even with no arguments (`,` and three NULs),
    /// as liblo and python-osc do. A NUL inside the address or a string argument cuts that
    /// string short, since an OSC-string cannot contain one.
    public func encoded() -> [UInt8] {
        var writer = OSCWriter(reservingCapacity: 16 + address.utf8.count + 8 * arguments.count)
        write(to: &writer)
        return writer.bytes
    }

    /// Appends the encoded message to `writer`.
    func write(to writer: inout OSCWriter) {
        writer.appendString(address)
        writer.appendString(typeTagString)
        for argument in arguments {
            argument.write(to: &writer)
        }
    }
}
