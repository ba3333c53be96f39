import BatonCore

/// The settings of a running ensemble, changed from any thread (terminal keys, OSC,
/// WebSocket) while the generator runs. A writer holds the lock only to copy a struct in;
/// the generator takes one snapshot per step, so no step ever sees half an update and no
/// writer can hold the generator up for longer than a copy.
public final class EnsembleControls: Sendable {
    private let state: Locked<EnsembleSettings>

    /// Controls that start at `settings`.
    public init(_ settings: EnsembleSettings) { state = Locked(settings) }

    /// A consistent copy of every setting, as the generator reads it once per step.
    public var snapshot: EnsembleSettings { state.withLock { $0 } }

    /// Changes settings atomically.
    public func update(_ change: (inout EnsembleSettings) -> Void) {
        state.withLock { change(&$0) }
    }
}
