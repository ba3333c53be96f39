@testable import BatonCore
import Foundation
import Testing

@Suite struct SafeTensorsTests {
    @Test func roundTripsEveryDType() throws {
        let values: [Float] = [0, 1, -2.5, 3.140625, 65504, -1e-3]
        for dtype in TensorDType.allCases {
            var writer = SafeTensorsWriter(metadata: ["kind": "text"])
            writer.add("a", shape: [2, 3], values: values, dtype: dtype)
            let file = try SafeTensorsFile(bytes: writer.encode())
            #expect(file.metadata == ["kind": "text"])
            #expect(file.tensors["a"]?.shape == [2, 3] && file.tensors["a"]?.dtype == dtype)
            let back = file.floats("a")!
            for (x, y) in zip(values, back) {
                let tolerance: Float = dtype == .f32 ? 0 : (dtype == .f16 ? 1e-3 : 1e-2) * max(1, abs(x))
                #expect(abs(x - y) <= tolerance, "\(dtype): \(x) → \(y)")
            }
        }
    }

    @Test func headerIsPaddedToEightBytes() {
        var writer = SafeTensorsWriter()
        writer.add("w", shape: [1], values: [1], dtype: .f32)
        let bytes = writer.encode()
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(n % 8 == 0 && bytes.count == 8 + n + 4)
    }

    @Test func rejectsTruncatedAndForeignFiles() {
        var writer = SafeTensorsWriter()
        writer.add("w", shape: [4, 4], values: [Float](repeating: 1, count: 16), dtype: .f32)
        let good = writer.encode()
        #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(bytes: Array(good.dropLast(5))) }
        #expect(throws: SafeTensorsError.tooShort(byteCount: 3)) { try SafeTensorsFile(bytes: [1, 2, 3]) }
        #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(bytes: Array("not a model at all, just text".utf8)) }
        var huge = good
        huge[6] = 0xFF
        #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(bytes: huge) }
    }

    @Test func rejectsUnsupportedDTypeAndMismatchedSizes() throws {
        func file(_ header: String, data: Int) -> [UInt8] {
            var json = Array(header.utf8)
            while json.count % 8 != 0 { json.append(0x20) }
            var bytes = (0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) }
            bytes += json + [UInt8](repeating: 0, count: data)
            return bytes
        }
        #expect(throws: SafeTensorsError.unsupportedDType(tensor: "w", dtype: "I64")) {
            try SafeTensorsFile(bytes: file(#"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: 8))
        }
        #expect(throws: SafeTensorsError.self) {
            try SafeTensorsFile(bytes: file(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8))
        }
        #expect(throws: SafeTensorsError.self) {
            try SafeTensorsFile(bytes: file(#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: 8))
        }
    }
}

@Suite struct ModelFileTests {
    static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("baton-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    @Test func savesAndLoadsWithMetadataAndInfersArchitecture() throws {
        var model = randomModel(.text(layers: 2, units: 6, embedding: 4), seed: 1)
        model.metadata = ["name": "tiny", "colour": "#4f9dff"]
        let path = Self.temporaryPath("tiny.safetensors")
        try model.save(to: path)
        let loaded = try Model.load(path: path)
        #expect(loaded.config == model.config && loaded.parameters == model.parameters)
        #expect(loaded.displayName == "tiny" && loaded.colour == "#4f9dff")
        // Without any metadata the shapes alone say what it is.
        var writer = SafeTensorsWriter()
        for slot in model.layout.slots { writer.add(slot.name, shape: slot.shape, values: Array(model.parameters[slot.range]), dtype: .bf16) }
        let bare = Self.temporaryPath("bare.safetensors")
        try writeAtomically(writer.encode(), to: bare)
        #expect(try Model.load(path: bare).config == model.config)
    }

    @Test func continuousModelKeepsNormalisation() throws {
        var model = randomModel(ModelConfig(kind: .control, inputSize: 3, layers: 1, units: 8, head: .mixtureDensity(dims: 3, mixtures: 2, sigma: .elu)), seed: 2)
        model.normalisation = Normalisation(offset: [0, 0.5, 0.5], scale: [0.1, 0.2, 0.2])
        let path = Self.temporaryPath("control.safetensors")
        try model.save(to: path, dtype: .f16)
        let loaded = try Model.load(path: path)
        #expect(loaded.config == model.config && loaded.normalisation == model.normalisation)
    }

    @Test func userErrorsNameTheFile() throws {
        #expect(throws: ModelFileError.self) { try Model.load(path: "/nonexistent/model.safetensors") }
        let junk = Self.temporaryPath("junk.safetensors")
        try writeAtomically(Array("hello".utf8), to: junk)
        do {
            _ = try Model.load(path: junk)
            Issue.record("loading junk succeeded")
        } catch {
            #expect(error.message.contains(junk))
        }
        var writer = SafeTensorsWriter()
        writer.add("weight", shape: [2, 2], values: [1, 2, 3, 4], dtype: .f32)
        let notLSTM = Self.temporaryPath("linear.safetensors")
        try writeAtomically(writer.encode(), to: notLSTM)
        #expect(throws: ModelFileError.self) { try Model.load(path: notLSTM) }
    }
}

@Suite struct StoredPrecisionTests {
    @Test func aFloat16FileRunsAsFloat16AndLosesNothing() throws {
        let model = randomModel(.text(layers: 1, units: 8), seed: 3)
        let half = try Model(file: SafeTensorsFile(bytes: model.encoded(dtype: .f16)), path: "half.safetensors")
        let full = try Model(file: SafeTensorsFile(bytes: model.encoded(dtype: .f32)), path: "full.safetensors")
        #expect(half.storedDType == .f16 && full.storedDType == .f32)
        #expect(WeightPrecision.asStored([half]) == .float16)
        #expect(WeightPrecision.asStored([half, full]) == .float32 && WeightPrecision.asStored([]) == .float32)
        // Packing F16-stored values as F16 loses nothing: the logits differ only by the
        // kernels' summation order (a Float32-file model packed as F16 moves by ~1e-3).
        let sixteen = Stepper(model: half, precision: .float16), thirtyTwo = Stepper(model: half, precision: .float32)
        let (a, b) = withExtendedLifetime((sixteen, thirtyTwo)) {   // step() lends the stepper's own buffer
            (Array(sixteen.step(symbol: 65)), Array(thirtyTwo.step(symbol: 65)))
        }
        #expect(zip(a, b).map { abs($0 - $1) }.max()! < 1e-5)
    }
}
