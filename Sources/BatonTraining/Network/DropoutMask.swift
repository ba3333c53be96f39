import BatonCore

/// Bernoulli masks for every kind of dropout the trainer uses: each entry is 1/keep with
/// probability `keep` and 0 otherwise (inverted dropout, so inference needs no change).
enum DropoutMask {
    /// Fills `count` entries. One 64-bit draw gives two 24-bit uniforms.
    static func fill(_ mask: UnsafeMutablePointer<Float>, count: Int, keep: Float, rng: inout SeededGenerator) {
        let scale = 1 / keep, threshold = UInt64(Double(keep) * 16_777_216)
        var i = 0
        while i < count {
            let bits = rng.next()
            mask[i] = (bits >> 40) < threshold ? scale : 0
            if i + 1 < count { mask[i + 1] = ((bits >> 16) & 0xFF_FFFF) < threshold ? scale : 0 }
            i += 2
        }
    }

    /// A locked (variational) mask over a window `[T, B, H]`: one draw per row and unit,
    /// repeated at every step (Gal & Ghahramani 2016).
    static func fillLocked(_ mask: UnsafeMutablePointer<Float>, steps: Int, rowsTimesUnits: Int, keep: Float, rng: inout SeededGenerator) {
        fill(mask, count: rowsTimesUnits, keep: keep, rng: &rng)
        for t in 1..<max(steps, 1) { (mask + t * rowsTimesUnits).update(from: mask, count: rowsTimesUnits) }
    }
}
