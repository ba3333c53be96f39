@testable import BatonCore
import Foundation
import Testing

/// Bytes of a safetensors file from a header written by hand and `data` zero bytes.
func safeTensorsBytes(_ header: String, data: Int) -> [UInt8] {
    var json = Array(header.utf8)
    while json.count % 8 != 0 { json.append(0x20) }
    return (0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) } + json + [UInt8](repeating: 0, count: data)
}

/// A header whose tensors are LSTM-shaped (`name: shape`), laid out one after the other in F32.
func lstmHeader(_ shapes: [(String, [Int])], metadata: [String: String] = [:]) -> (header: String, data: Int) {
    var entries: [String] = []
    var offset = 0
    for (name, shape) in shapes {
        let bytes = shape.reduce(4, *)
        entries.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + bytes)]}")
        offset += bytes
    }
    if !metadata.isEmpty {
        let items = metadata.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(separator: ",")
        entries.append("\"__metadata__\":{\(items)}")
    }
    return ("{" + entries.joined(separator: ",") + "}", offset)
}

@Suite struct StrictJSONTests {
    func parse(_ text: String) throws(StrictJSONError) -> JSONValue { try StrictJSON.parse(Array(text.utf8)[...]) }

    @Test func readsWhatSafetensorsWriters() throws {
        let value = try parse(#" {"a": {"shape": [2, 0], "ok": true, "none": null, "x": -1.5e3}, "é\/\u00e9\ud83c\udfbb": "t\n"} "#)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["a", "é/é🎻"])
        #expect(members[1].value == .string("t\n"))
        guard case .object(let inner) = members[0].value else { Issue.record("not an object"); return }
        #expect(inner[0].value == .array([.integer(2), .integer(0)]))
        #expect(inner[3].value == .number("-1.5e3"))
    }

    @Test func refusesWhatFoundationWouldBend() {
        // Foundation keeps the last of two equal keys, reads 1.5 as 1 and 2⁶⁴−1 as −1.
        #expect(throws: StrictJSONError.self) { try parse(#"{"a": 1, "a": 2}"#) }
        #expect((try? parse("1.5")) == .number("1.5"))
        #expect((try? parse("18446744073709551615")) == .number("18446744073709551615"))
        #expect(throws: StrictJSONError.self) { try parse(String(repeating: "[", count: 17) + String(repeating: "]", count: 17)) }
        #expect(throws: StrictJSONError.self) { try parse(#""\ud800""#) }
        #expect(throws: StrictJSONError.self) { try StrictJSON.parse([0x22, 0xC3, 0x28, 0x22][...]) }
        #expect(throws: StrictJSONError.self) { try parse("{} x") }
        #expect(throws: StrictJSONError.self) { try parse("01") }
        #expect(throws: StrictJSONError.self) { try parse("{\"a\"") }
    }
}

@Suite struct SafeTensorsHardeningTests {
    @Test func duplicateTensorNamesAreRefusedNotSilentlyReplaced() {
        let bytes = safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: 8)
        #expect(throws: SafeTensorsError.headerNotJSON("key 'w' appears twice at byte 57")) { try SafeTensorsFile(bytes: bytes) }
    }

    @Test func overlappingSpansAreRefused() {
        let bytes = safeTensorsBytes(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: 12)
        #expect(throws: SafeTensorsError.overlapping(tensor: "a", other: "b")) { try SafeTensorsFile(bytes: bytes) }
        // Empty tensors claim no bytes and may sit anywhere.
        let empty = safeTensorsBytes(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#, data: 8)
        #expect((try? SafeTensorsFile(bytes: empty))?.tensors.count == 2)
    }

    @Test func offsetsMustBeExactIntegers() {
        for offsets in ["[0,4.0]", "[0.5,4]", "[0,18446744073709551615]", "[-4,0]", "[4,0]", "[0,\"4\"]", "[0]"] {
            let bytes = safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":"# + offsets + "}}", data: 4)
            #expect(throws: SafeTensorsError.self, "offsets \(offsets)") { try SafeTensorsFile(bytes: bytes) }
        }
    }

    @Test func shapeProductsThatOverflowAreErrorsNotTraps() {
        // 2³¹−1 cubed overflows Int; times the dtype size it overflowed even when the product did not.
        for shape in ["[2147483647,2147483647,2147483647]", "[2147483647,2147483647,4]", "[4611686018427387904]"] {
            let bytes = safeTensorsBytes(#"{"w":{"dtype":"F32","shape":"# + shape + #","data_offsets":[0,4]}}"#, data: 4)
            #expect(throws: SafeTensorsError.self, "shape \(shape)") { try SafeTensorsFile(bytes: bytes) }
        }
    }

    @Test func headerLengthsBeyondTheFileAreRefused() {
        var bytes = safeTensorsBytes(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: 4)
        bytes[7] = 0x80  // 2⁶³ + n
        #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(bytes: bytes) }
    }
}

@Suite struct ModelLoadHardeningTests {
    func load(_ shapes: [(String, [Int])], metadata: [String: String] = [:]) throws(ModelFileError) -> Model {
        let (header, data) = lstmHeader(shapes, metadata: metadata)
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(bytes: safeTensorsBytes(header, data: data)) } catch { throw .notSafeTensors(path: "m", reason: error) }
        return try Model(file: file, path: "m.safetensors")
    }

    static func control(units h: Int = 2, dims d: Int = 2, outputs: Int = 5) -> [(String, [Int])] {
        [("lstm.weight_ih_l0", [4 * h, d]), ("lstm.weight_hh_l0", [4 * h, h]), ("lstm.bias_ih_l0", [4 * h]),
         ("lstm.bias_hh_l0", [4 * h]), ("head.weight", [outputs, h]), ("head.bias", [outputs])]
    }

    @Test func aControlModelLoads() throws {
        let model = try load(Self.control(), metadata: ["kind": "control"])
        #expect(model.config.head == .mixtureDensity(dims: 2, mixtures: 1, sigma: .elu))
    }

    @Test func zeroWidthInputIsAnErrorNotATrap() {
        // ModelConfig's precondition (input ≥ 1) used to be the first to notice.
        #expect(throws: ModelFileError.self) { try load(Self.control(dims: 0, outputs: 1), metadata: ["kind": "control"]) }
        var withEmptyEmbedding = Self.control(dims: 3)
        withEmptyEmbedding.insert(("embed.weight", [0, 3]), at: 0)
        #expect(throws: ModelFileError.self) { try load(withEmptyEmbedding, metadata: ["kind": "text"]) }
    }

    @Test func strokeHeadWithoutMixturesIsRefused() {
        #expect(throws: ModelFileError.self) { try load(Self.control(dims: 3, outputs: 1), metadata: ["kind": "strokes"]) }
    }

    @Test func hugeMetadataCountsAreErrorsNotOverflowTraps() {
        // 2·K·D + K with K = 2⁶³−1 used to overflow.
        #expect(throws: ModelFileError.self) { try load(Self.control(), metadata: ["kind": "control", "mixtures": "9223372036854775807"]) }
        #expect(throws: ModelFileError.self) { try load(Self.control(), metadata: ["kind": "control", "dims": "9223372036854775807"]) }
        #expect(throws: ModelFileError.self) { try load(Self.control(), metadata: ["kind": "control", "split_pause": "nan"]) }
    }

    @Test func shapesAreCheckedBeforeTheParameterBufferIsAllocated() {
        // 499 more layers declared by empty input-weight tensors on top of a 1024-unit layer 0:
        // the layout would need ~4·10⁹ floats; the first wrong shape must stop it first.
        var shapes = Self.control(units: 1024)
        for k in 1..<500 { shapes.append(("lstm.weight_ih_l\(k)", [0])) }
        #expect(throws: ModelFileError.self) { try load(shapes, metadata: ["kind": "control"]) }
    }
}

@Suite struct FileReadingTests {
    @Test func devicesAndOversizedFilesAreRefusedBeforeReading() throws {
        #expect(throws: FileReadError.self) { try readFileBytes("/dev/zero") }
        #expect(throws: FileReadError.self) { try readFileBytes("/") }
        let path = ModelFileTests.temporaryPath("twelve.bin")
        try writeAtomically([UInt8](repeating: 7, count: 12), to: path)
        #expect(throws: FileReadError.self) { try readFileBytes(path, maximumBytes: 11) }
        #expect(try readFileBytes(path, maximumBytes: 12).count == 12)
    }

    @Test func aKilledWritersTemporaryFileIsRemovedByTheNextWrite() throws {
        let path = ModelFileTests.temporaryPath("target.bin")
        let folder = (path as NSString).deletingLastPathComponent
        // A pid that cannot be running (above pid_max), and our own (a live writer's).
        let dead = "\(folder)/.target.bin.tmp-99999999-1", live = "\(folder)/.target.bin.tmp-\(getpid())-1"
        for leftover in [dead, live] { FileManager.default.createFile(atPath: leftover, contents: Data([1])) }
        try writeAtomically([1, 2, 3], to: path)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live))
        try? FileManager.default.removeItem(atPath: live)
        #expect(try readFileBytes(path) == [1, 2, 3])
    }
}
