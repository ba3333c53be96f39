/// Which dropout a training network applies (all inverted: inference needs no change).
public struct DropoutSettings: Sendable, Equatable {
    /// On the non-recurrent connections (Zaremba, Sutskever & Vinyals 2014): the input of
    /// every layer above the first, and the input of the head.
    public var layers: Float = 0
    /// Whether `layers` draws one mask per row and window, repeated at every step
    /// (variational, Gal & Ghahramani 2016), instead of a fresh mask per position.
    public var locked = false
    /// DropConnect on every layer's W_hh, one mask per window (AWD-LSTM).
    public var recurrentWeights: Float = 0
    /// Text: whole symbols read zeros for a window (embedding dropout, Gal & Ghahramani 2016).
    public var symbols: Float = 0

    public init(layers: Float = 0, locked: Bool = false, recurrentWeights: Float = 0, symbols: Float = 0) {
        self.layers = layers
        self.locked = locked
        self.recurrentWeights = recurrentWeights
        self.symbols = symbols
    }
}
