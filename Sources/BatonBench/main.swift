import BatonCore
import Foundation

// `baton-bench [section…] [--quick]`: Baton's speed beside its peers, in one run.
// Sections: step, train, mdn, ensemble, server (with MIDI and adaptation off/on), midi (default: all of these),
// adapt (the server's adaptation off/on comparison alone), and quality
// (learning curves beside PyTorch, 21+ minutes: only when named). See docs/benchmarks.md for the figures.
let options = BenchOptions(CommandLine.arguments.dropFirst())
let peer = TorchPeer.detect()
print("Baton benchmarks — \(Machine.summary)")
print(peer.map { "peer: PyTorch \($0.version) (\($0.python))" } ?? "peer: PyTorch not importable; Baton figures only")
print()
if options.wants("step") { StepLatencyBench.run(options: options, peer: peer) }
if options.wants("train") { TrainingThroughputBench.run(options: options, peer: peer) }
if options.wants("mdn") { MixtureDensityBench.run(options: options, peer: peer) }
if options.wants("ensemble") { EnsembleBench.run(options: options) }
if options.wants("server") { ServerBench.run(options: options, peer: peer) }
// Prediction latency with live adaptation off and on is part of the server section; `adapt` runs it alone.
if options.sections.contains("adapt") { ServerBench.run(options: options, peer: peer, only: "adapt") }
// MIDI in → MIDI out is part of the server section; `midi` runs it alone.
if options.wants("server") || options.wants("midi") { MIDIBench.run(options: options) }
if options.wants("quality") { QualityBench.run(options: options, peer: peer) }
