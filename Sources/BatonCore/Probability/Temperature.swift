/// Every temperature in Baton is validated one way where it enters (from a flag, an OSC
/// message, a request) and clamped one way where a kernel uses it.
///
/// Text: logits / τ. Mixture density: π logits / τπ and variances × τσ (σ × √τσ), the
/// keras-mdn-layer and IMPS convention; the stroke pen logit is divided by τπ too.
public enum Temperature {
    /// The range kernels work in. Below 1e-4 the choice is already the arg-max to Float
    /// precision while 1/τ starts to overflow; above 1e4 it is already uniform.
    public static let range: ClosedRange<Float> = 1e-4...1e4

    /// `value` clamped into `range`; NaN (which no validation lets through) becomes 1.
    @inlinable @inline(__always)
    public static func clamped(_ value: Float) -> Float {
        value.isNaN ? 1 : Swift.min(Swift.max(value, range.lowerBound), range.upperBound)
    }

    /// 1/τ for dividing logits.
    @inlinable @inline(__always)
    public static func inverse(_ value: Float) -> Float { 1 / clamped(value) }

    /// The factor on σ for a σ-temperature that scales the variance: √τσ.
    @inlinable @inline(__always)
    public static func sigmaScale(_ value: Float) -> Double { Double(clamped(value)).squareRoot() }

    /// Whether a user may set `value`: a finite number above 0.
    @inlinable
    public static func isValid(_ value: Float) -> Bool { value.isFinite && value > 0 }

    /// Throws unless `value` is valid; `name` is how the user set it (`--temperature`,
    /// `/baton/temperature`).
    public static func validate(_ value: Float, name: String) throws(InvalidSetting) {
        guard isValid(value) else {
            throw InvalidSetting(message: "\(name) must be a finite number > 0, got \(value)",
                                 hint: "below 1 is more predictable, above 1 wilder; 1 samples the model as trained")
        }
    }
}
