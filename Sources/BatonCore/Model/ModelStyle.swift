/// Display defaults for models: each gets a colour so ensembles can show who wrote what.
public enum ModelStyle {
    /// Distinct, legible on a dark background.
    public static let palette = [
        "#4f9dff", "#ff7a45", "#36c98e", "#e05dd6", "#f2c94c", "#5ad1e6", "#ff5c7a", "#a78bfa",
        "#9ccc65", "#ffab91", "#80cbc4", "#ce93d8",
    ]

    /// A stable colour for a name (same name, same colour, on every machine).
    public static func defaultColour(for name: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return palette[Int(hash % UInt32(palette.count))]
    }

    /// The given colours, with repeats (and missing ones) replaced by palette colours not
    /// used yet, in order: every model in a set gets its own.
    public static func distinctColours(_ colours: [String?]) -> [String] {
        var used = Set<String>()
        var result: [String] = []
        var next = 0
        for colour in colours {
            if let colour, isColour(colour), !used.contains(colour.lowercased()) {
                used.insert(colour.lowercased())
                result.append(colour)
                continue
            }
            while next < palette.count && used.contains(palette[next]) { next += 1 }
            let pick = next < palette.count ? palette[next] : palette[result.count % palette.count]
            used.insert(pick)
            result.append(pick)
        }
        return result
    }

    /// `#rrggbb`.
    public static func isColour(_ text: String) -> Bool {
        text.count == 7 && text.hasPrefix("#") && text.dropFirst().allSatisfy(\.isHexDigit)
    }
}
