/// The temperature a command samples at unless told otherwise (`SamplingArguments`,
/// `MixtureTemperatureArguments`); each command names its own in a small enum.
protocol TemperatureDefault {
    static var temperature: Float { get }
}
