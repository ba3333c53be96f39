import BatonCore

extension Model {
    /// A freshly initialised model, as PyTorch initialises `nn.LSTM` and `nn.Linear`:
    /// every weight and bias uniform in ±1/√H (±1/√fan-in for the head), embedding N(0, 1).
    /// The forget-gate half of `bias_ih` starts at 1 so early gradients flow through time
    /// (Jozefowicz et al. 2015).
    public static func initialised(_ config: ModelConfig, using rng: inout SeededGenerator) -> Model {
        var model = Model(zeroed: config)
        let layout = model.layout
        let bound = 1 / Float(config.units).squareRoot()
        for slot in layout.slots {
            for i in slot.range {
                if slot.name == "embed.weight" {
                    model.parameters[i] = Float(rng.nextGaussian())
                } else {
                    model.parameters[i] = (2 * rng.nextFloat() - 1) * bound
                }
            }
        }
        let h = config.units
        for l in 0..<config.layers {
            let bias = layout.biasIH(l)
            let forget = ParameterLayout.Gate.forget.rawValue * h
            for j in 0..<h { model.parameters[bias.offset + forget + j] = 1 }
        }
        return model
    }
}
