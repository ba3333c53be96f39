import BatonCore

/// Colours generated text by the model that contributed most to each character, with
/// 24-bit ANSI colours from the models' metadata. Multi-byte characters wait until complete.
struct TextPainter {
    let colours: [String?]
    let enabled: Bool
    private var assembler = UTF8Assembler()
    private var current: Int?

    init(colours: [String?], enabled: Bool) {
        self.colours = colours
        self.enabled = enabled
    }

    mutating func push(_ byte: UInt8, dominant: Int) -> String {
        let text = assembler.push(byte)
        guard enabled, !text.isEmpty else { return text }
        guard dominant != current else { return text }
        current = dominant
        return Self.escape(colours[dominant] ?? ModelStyle.palette[dominant % ModelStyle.palette.count]) + text
    }

    mutating func finish() -> String {
        assembler.flush() + (enabled ? "\u{1B}[0m" : "")
    }

    static func escape(_ hex: String) -> String {
        let value = UInt32(hex.dropFirst(), radix: 16) ?? 0xFFFFFF
        return "\u{1B}[38;2;\(value >> 16 & 0xFF);\(value >> 8 & 0xFF);\(value & 0xFF)m"
    }
}
