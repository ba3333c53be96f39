extension SeededGenerator {
    /// Seeds are every UInt64, 0 to 2⁶⁴ − 1, everywhere a user can give one.
    public static let seedRange: ClosedRange<UInt64> = 0...UInt64.max

    /// A seed as a user wrote it (decimal digits), or a one-line error naming `name`.
    public static func seed(parsing text: String, name: String) throws(InvalidSetting) -> UInt64 {
        guard let seed = UInt64(text) else {
            throw InvalidSetting(message: "\(name) must be a whole number from 0 to \(UInt64.max), got '\(text)'",
                                 hint: "the same seed replays the same output; leave it out for a new one each run")
        }
        return seed
    }
}
