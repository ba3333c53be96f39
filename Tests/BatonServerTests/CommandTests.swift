import BatonEnsemble
@testable import BatonServer
import Foundation
import Testing

@Suite struct JSONCommandTests {
    static func parse(_ json: String) throws(CommandError) -> ClientMessage { try ClientMessage.decode(Array(json.utf8)) }
    static func command(_ json: String) throws(CommandError) -> LiveCommand? {
        if case .command(let command) = try parse(json) { return command }
        return nil
    }

    @Test func mirrorsTheOSCControls() throws {
        #expect(try Self.command(#"{"type":"weights","weights":[0.7,0.3]}"#) == .setWeights([0.7, 0.3]))
        #expect(try Self.command(#"{"type":"weight","model":"Shakespeare","value":1}"#) == .setWeight(model: .name("Shakespeare"), value: 1))
        #expect(try Self.command(#"{"type":"weight","model":2,"value":0.5}"#) == .setWeight(model: .index(2), value: 0.5))
        #expect(try Self.command(#"{"type":"pooling","value":"product"}"#) == .setPooling(.product))
        #expect(try Self.command(#"{"type":"lookahead","candidates":4,"depth":6}"#) == .setLookahead(Lookahead(candidates: 4, depth: 6)))
        #expect(try Self.command(#"{"type":"lookahead","value":null}"#) == .setLookahead(nil))
        #expect(try Self.command(#"{"type":"lookahead","candidates":0,"depth":0}"#) == .setLookahead(nil))
        #expect(try Self.command(#"{"type":"pause","paused":false}"#) == .pause(false))
        #expect(try Self.command(#"{"type":"pause"}"#) == .pause(true))
        #expect(try Self.command(#"{"type":"interface","values":[0.1,0.2]}"#) == .interface([0.1, 0.2]))
        #expect(try Self.command(#"{"type":"mode","mode":"battle"}"#) == .setMode(.battle))
        #expect(try Self.command(#"{"type":"rate","value":25}"#) == .setRate(25))
        #expect(try Self.command(#"{"type":"rate","value":0}"#) == .setFastest(true), "rate 0 keeps its old meaning: the fastest mode")
        #expect(try Self.command(#"{"type":"fastest","on":false}"#) == .setFastest(false))
        #expect(try Self.command(#"{"type":"prime","text":""}"#) == .prime(""))
        #expect(try Self.parse(#"{"type":"status"}"#) == .status)
        #expect(try Self.parse(#"{"type":"strokes","id":7,"points":[[1,2,0]],"steps":12,"samples":2,"seed":5}"#)
                == .strokes(StrokeRequest(id: "7", points: [[1, 2, 0]], steps: 12, samples: 2, seed: 5)))
    }

    @Test func refusesMalformedCommandsWithOneLine() {
        for json in [#"{"type":"weights","weights":"loud"}"#, #"{"type":"temperature"}"#, #"{"type":"mode","mode":"jam"}"#,
                     #"{"value":1}"#, #"{"type":"jam"}"#, "not json", "[1,2]", #"{"type":"temperature","value":"0.5"}"#,
                     #"{"type":"lookahead","candidates":0,"depth":5}"#, #"{"type":"lookahead","candidates":8,"depth":16}"#] {
            do {
                _ = try Self.parse(json)
                Issue.record("\(json) was accepted")
            } catch {
                #expect(!error.description.isEmpty && !error.description.contains("\n"), "\(json): \(error)")
            }
        }
    }

    @Test func refusalsNameTheFieldAndTheRange() {
        #expect(throws: CommandError("temperature must be in 0.01 … 10, got 1e+30")) {
            try Self.parse(#"{"type":"temperature","value":1e30}"#)
        }
        #expect(throws: CommandError("rate must be in 0.1 … 1000 symbols/s, got 1e-30")) { try Self.parse(#"{"type":"rate","value":1e-30}"#) }
        #expect(throws: CommandError("weight: needs a number \"value\"")) { try Self.parse(#"{"type":"weight","model":1}"#) }
    }
}

@Suite struct EventEncodingTests {
    @Test func jsonIsValidAndEscaped() throws {
        let event = LiveEvent.symbol(text: "\"é\"\n</script>", model: 1, shares: [0.25, 0.75])
        let object = try JSONSerialization.jsonObject(with: Data(event.json.utf8)) as! [String: Any]
        #expect(object["text"] as? String == "\"é\"\n</script>" && object["model"] as? Int == 1)
        let frame = LiveEvent.distributions(DistributionFrame(frame: 3, symbol: 65, weights: [0.5, 0.5], joint: [Float](repeating: 1 / 256, count: 256), models: [[Float](repeating: 1 / 256, count: 256), []]))
        let decoded = try JSONSerialization.jsonObject(with: Data(frame.json.utf8)) as! [String: Any]
        #expect((decoded["joint"] as? [Double])?.count == 256 && (decoded["models"] as? [[Double]])?[1].isEmpty == true)
        #expect(frame.json.contains("0.003906,"), "four significant digits: \(frame.json.prefix(120))")
    }

    @Test func numbersAreRoundedAndNonFiniteOnesAreNull() throws {
        let json = LiveEvent.prediction(values: [0.123456789, .nan, 12345.678, -0.000012345678, .infinity], dt: .nan).json
        #expect(json == #"{"type":"prediction","values":[0.12346,null,12346,-1.2346e-05,null]}"#)
        #expect(RoundedNumbers.round(1e-30, digits: 4) != nil && RoundedNumbers.round(0, digits: 3) == 0)
        #expect(LiveEvent.prime(text: "ROMEO:").json == #"{"text":"ROMEO:","type":"prime"}"#)
    }

    @Test func hubDropsOldestEventsForSlowSubscribers() async {
        let hub = EventHub()
        let (_, events) = hub.subscribe(buffer: 4)
        for i in 0..<10 { hub.publish(.prediction(values: [Float(i)], dt: 0)) }
        hub.finishAll()
        var seen: [Float] = []
        for await published in events { if case .prediction(let v, _) = published.event { seen.append(v[0]) } }
        #expect(seen == [6, 7, 8, 9])
    }
}
