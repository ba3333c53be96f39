/// Finds a system port from the name a person wrote, as IMPSY does: the exact name if
/// there is one, otherwise the first port whose name contains it ("S-1" finds
/// "S-1:S-1 MIDI 1 24:0"). Case matters, as in IMPSY; when nothing matches case-sensitively,
/// a case-insensitive containment is tried so "x-touch" still finds "X-TOUCH MINI".
public enum MIDIPortMatch {
    public static func find(_ wanted: String, in ports: [String]) -> String? {
        if ports.contains(wanted) { return wanted }
        if let contained = ports.first(where: { $0.contains(wanted) }) { return contained }
        let lowered = wanted.lowercased()
        return ports.first { $0.lowercased().contains(lowered) }
    }

    /// Ports of Baton's own MIDI client (its virtual ports, the ports it opened to connect
    /// to devices) are never matched for a device: that would connect Baton to itself.
    public static func find(_ wanted: String, in ports: [String], ownClient: String?) -> String? {
        guard let own = ownClient, !own.isEmpty else { return find(wanted, in: ports) }
        return find(wanted, in: ports.filter { !$0.hasPrefix(own) })
    }
}
