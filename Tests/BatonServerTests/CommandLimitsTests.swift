import BatonCore
import BatonEnsemble
import BatonOSC
@testable import BatonServer
import BatonTraining
import Foundation
import Testing

/// A session with two small text models and a 3-d instrument (engines not started: applying
/// a command must be total whether or not they run).
func testSession(folder: String = temporaryFolder("session")) throws -> LiveSession {
    var rng = SeededGenerator(seed: 11)
    var first = Model.initialised(.text(layers: 1, units: 8), using: &rng)
    first.metadata[MetadataKey.name] = "First"
    var second = Model.initialised(.text(layers: 1, units: 8), using: &rng)
    second.metadata[MetadataKey.name] = "Second"
    let hub = EventHub()
    let models = (folder as NSString).appendingPathComponent("models")
    return LiveSession(hub: hub, text: TextEngine(models: [first, second], modelFolder: models, hub: hub, seed: 1),
                       instrument: try InstrumentEngine(model: instrumentModel(), hub: hub, mode: .filter, logFolder: folder,
                                                        modelFolder: (folder as NSString).appendingPathComponent("models"), seed: 2),
                       strokes: nil, workshop: Workshop(root: folder, hub: hub))
}

/// Every documented OSC address and JSON command, with every hostile number in every
/// numeric place: refused with one line, or accepted in range; never a trap.
@Suite struct CommandLimitsTests {
    /// A valid message for every method, and which argument places are flags (any finite
    /// number is a valid flag) or may be strings.
    static let oscExamples: [String: (arguments: [OSCArgument], flags: Set<Int>, strings: Set<Int>)] = [
        "/baton/weights": ([.float32(0.5), .float32(0.5)], [], []),
        "/baton/weight": ([.int32(1), .float32(0.5)], [], [0]),
        "/baton/active": ([.int32(0), .int32(1)], [], []),
        "/baton/temperature": ([.float32(0.8)], [], []),
        "/baton/pooling": ([.int32(1)], [], [0]),
        "/baton/threshold": ([.float32(0.05)], [], []),
        "/baton/lookahead": ([.int32(3), .int32(4)], [], [0]),
        "/baton/prime": ([.string("ROMEO:")], [], [0]),
        "/baton/reset": ([], [], []),
        "/baton/pause": ([.int32(0)], [0], []),
        "/baton/rate": ([.float32(25)], [], []),
        "/baton/fastest": ([.int32(1)], [0], []),
        "/baton/framerate": ([.float32(30)], [], []),
        "/baton/feed": ([.string("Thou art more lovely")], [], [0]),
        "/baton/adapt": ([.int32(0), .int32(1)], [1], [0]),
        "/baton/adapt-rate": ([.int32(0), .float32(0.0003)], [], [0]),
        "/baton/adapt-reset": ([.int32(1)], [], [0]),
        "/baton/adapt-save": ([.int32(0)], [], [0]),
        "/interface": ([.float32(0.5), .float32(0.25)], [], []),
        "/baton/instrument/mode": ([.int32(2)], [], [0]),
        "/baton/instrument/pi-temperature": ([.float32(1)], [], []),
        "/baton/instrument/sigma-temperature": ([.float32(0.1)], [], []),
        "/baton/instrument/timescale": ([.float32(1)], [], []),
        "/baton/instrument/threshold": ([.float32(2)], [], []),
        "/baton/instrument/reset": ([], [], []),
        "/baton/instrument/pause": ([.int32(0)], [0], []),
        "/baton/instrument/adapt": ([.int32(1)], [0], []),
        "/baton/instrument/adapt-rate": ([.float32(0.0001)], [], []),
        "/baton/instrument/adapt-reset": ([], [], []),
        "/baton/instrument/adapt-save": ([], [], []),
    ]

    static let hostile: [OSCArgument] = [
        .float32(.nan), .float32(.infinity), .float32(-.infinity), .float32(1e30), .float32(-1e30), .float64(1e30), .float64(-1e300),
        .float64(.nan), .int32(.min), .int32(.max), .int64(.min), .int64(.max),
    ]
    /// Small values: in range for some places (a weight of 1e-30), refused by others.
    static let edges: [OSCArgument] = [.float32(-0.0001), .float32(1e-30), .float32(-0.0), .int32(-1)]
    static let wrongTypes: [OSCArgument] = [.string("loud"), .blob([1, 2, 3]), .null, .impulse, .timeTag(.immediately), .midi(0x90_40_7F)]

    @Test func everyDocumentedAddressHasAnExample() throws {
        #expect(Set(Self.oscExamples.keys) == Set(LiveCommand.oscAddresses))
        let session = try testSession()
        for (address, example) in Self.oscExamples {
            let commands = try LiveCommand.commands(from: OSCMessage(address, example.arguments))
            for command in commands { try session.apply(command) }
        }
    }

    @Test func hostileNumbersAreRefusedOrInRange() throws {
        let session = try testSession()
        for (address, example) in Self.oscExamples {
            for place in example.arguments.indices {
                for value in Self.hostile + Self.wrongTypes + Self.edges {
                    var arguments = example.arguments
                    arguments[place] = value
                    let outcome = Result { () throws(CommandError) in try LiveCommand.commands(from: OSCMessage(address, arguments)) }
                    let finite = value.doubleForTest.map(\.isFinite) ?? false
                    switch outcome {
                    case .failure(let error):
                        #expect(!error.description.contains("\n"))
                    case .success(let commands):
                        // Only a flag may take any finite number; a string may name a model, mode or pooling.
                        let edge = Self.edges.contains(value)
                        let allowed = edge || (example.flags.contains(place) && finite) || (example.strings.contains(place) && value.stringValue != nil)
                        #expect(allowed, "\(address) accepted \(value) at \(place): \(commands)")
                        for command in commands { _ = try? session.apply(command) }
                    }
                }
            }
        }
    }

    @Test func missingArgumentsAreRefusedOrHarmless() throws {
        let session = try testSession()
        for (address, example) in Self.oscExamples where !example.arguments.isEmpty {
            for count in 0..<example.arguments.count {
                let message = OSCMessage(address, Array(example.arguments.prefix(count)))
                guard let commands = try? LiveCommand.commands(from: message) else { continue }
                // Lists may be shorter (the engine then refuses the count); flags default to on.
                for command in commands { _ = try? session.apply(command) }
            }
        }
    }

    @Test func patternsApplyTheLimitsOfEveryMethodTheyMatch() {
        #expect(throws: CommandError.self) { try LiveCommand.commands(from: OSCMessage("/baton/{temperature,rate}", [.float32(1e30)])) }
        #expect(throws: CommandError.self) { try LiveCommand.commands(from: OSCMessage("/baton/*", [.float32(.nan)])) }
    }

    /// A valid JSON message for every type, and its numeric fields.
    static let jsonExamples: [(json: String, numbers: [String])] = [
        (#"{"type":"weights","weights":[0.5,0.5]}"#, []), (#"{"type":"weight","model":1,"value":0.5}"#, ["model", "value"]),
        (#"{"type":"active","models":[0,1]}"#, []), (#"{"type":"temperature","value":0.8}"#, ["value"]),
        (#"{"type":"pooling","value":"linear"}"#, []), (#"{"type":"threshold","value":0.05}"#, ["value"]),
        (#"{"type":"lookahead","candidates":3,"depth":4}"#, ["candidates", "depth"]), (#"{"type":"prime","text":"ROMEO:"}"#, []),
        (#"{"type":"reset"}"#, []), (#"{"type":"pause","paused":true}"#, ["paused"]), (#"{"type":"rate","value":25}"#, ["value"]),
        (#"{"type":"fastest","on":true}"#, ["on"]), (#"{"type":"framerate","value":30}"#, ["value"]),
        (#"{"type":"feed","text":"Thou art more lovely"}"#, []), (#"{"type":"adapt","model":0,"on":true}"#, ["model", "on"]),
        (#"{"type":"adapt-rate","model":1,"value":0.0003}"#, ["model", "value"]), (#"{"type":"adapt-reset","model":0}"#, ["model"]),
        (#"{"type":"adapt-save","model":1}"#, ["model"]),
        (#"{"type":"interface","values":[0.5,0.25]}"#, []), (#"{"type":"mode","mode":"filter"}"#, []),
        (#"{"type":"pi-temperature","value":1}"#, ["value"]), (#"{"type":"sigma-temperature","value":0.1}"#, ["value"]),
        (#"{"type":"timescale","value":1}"#, ["value"]), (#"{"type":"silence-threshold","value":2}"#, ["value"]),
        (#"{"type":"instrument-reset"}"#, []), (#"{"type":"instrument-pause","paused":false}"#, ["paused"]),
        (#"{"type":"instrument-adapt","on":true}"#, ["on"]), (#"{"type":"instrument-adapt-rate","value":0.0001}"#, ["value"]),
        (#"{"type":"instrument-adapt-reset"}"#, []), (#"{"type":"instrument-adapt-save"}"#, []),
        (#"{"type":"strokes","points":[[1,2,0]],"steps":12,"samples":2,"piTemperature":0.5,"sigmaTemperature":0.5,"seed":3,"id":4}"#,
         ["steps", "samples", "piTemperature", "sigmaTemperature", "seed", "id"]),
    ]
    static let hostileJSON = ["1e30", "-1e30", "1e400", "-1e400", "2147483647", "-2147483648", "9223372036854775807", "9007199254740993",
                              "-0.0001", "1e-30", "null", "\"NaN\"", "\"Infinity\"", "true", "[]", "{}", "\"0.5\""]

    @Test func hostileJSONValuesAreRefusedWithOneLine() throws {
        let session = try testSession()
        for (json, fields) in Self.jsonExamples {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            for field in fields {
                for value in Self.hostileJSON {
                    var text = json
                    let original = "\"\(field)\":" + Self.jsonText(object[field]!)
                    #expect(text.contains(original))
                    text = text.replacingOccurrences(of: original, with: "\"\(field)\":\(value)")
                    switch Result(catching: { () throws(CommandError) in try ClientMessage.decode(Array(text.utf8)) }) {
                    case .failure(let error): #expect(!error.description.contains("\n"), "\(text): \(error)")
                    case .success(.command(let command)): _ = try? session.apply(command)
                    case .success: break
                    }
                }
                // Without the field: refused, or a documented default.
                let without = json.replacingOccurrences(of: ",\"\(field)\":" + Self.jsonText(object[field]!), with: "")
                if case .success(.command(let command)) = Result(catching: { () throws(CommandError) in try ClientMessage.decode(Array(without.utf8)) }) {
                    _ = try? session.apply(command)
                }
            }
        }
    }

    @Test func outOfRangeJSONNumbersAreRefused() {
        for json in [#"{"type":"rate","value":1e-30}"#, #"{"type":"framerate","value":1e30}"#, #"{"type":"timescale","value":1e30}"#,
                     #"{"type":"silence-threshold","value":-1}"#, #"{"type":"sigma-temperature","value":0}"#, #"{"type":"weight","model":2147483647,"value":1}"#,
                     #"{"type":"active","models":[0.5]}"#, #"{"type":"interface","values":[1e30]}"#, #"{"type":"lookahead","candidates":1e30,"depth":2}"#,
                     #"{"type":"strokes","steps":1e30}"#, #"{"type":"strokes","steps":2000,"samples":16}"#, #"{"type":"strokes","points":[[1,2]]}"#,
                     #"{"type":"strokes","seed":-1}"#, #"{"type":"prime","text":"\#(String(repeating: "x", count: 4097))"}"#,
                     #"{"type":"feed","text":"\#(String(repeating: "x", count: 4097))"}"#, #"{"type":"feed","text":""}"#, #"{"type":"feed","text":7}"#,
                     #"{"type":"adapt-rate","model":0,"value":0.5}"#, #"{"type":"adapt","model":-1}"#, #"{"type":"adapt-save","model":64}"#] {
            #expect(throws: CommandError.self, "\(json.prefix(80))") { try ClientMessage.decode(Array(json.utf8)) }
        }
    }

    static func jsonText(_ value: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])) ?? Data(), as: UTF8.self)
    }
}

extension OSCArgument {
    /// The numeric value of a numeric argument (for the tests' expectations).
    var doubleForTest: Double? {
        switch self {
        case .float32(let v): Double(v)
        case .float64(let v): v
        case .int32(let v): Double(v)
        case .int64(let v): Double(v)
        default: nil
        }
    }
}
