import BatonFuzzSupport
import BatonTraining
import Foundation

// npy and npz readers: zip archives (first bytes "PK") go through NpzArchive, from a file as
// `baton train` reads them, and the sequence-set loader; anything else through NpyArray.
// Whatever reads must decode, and an npy must re-encode to the same array.
let scratch = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
let archivePath = "\(scratch)/baton-fuzz-\(getpid()).npz"

FuzzDriver.run("npy-npz") { bytes in
    if bytes.starts(with: [0x50, 0x4B]) {
        let file = fopen(archivePath, "wb")
        FuzzDriver.require(file != nil && fwrite(bytes, 1, bytes.count, file) == bytes.count, "cannot write \(archivePath)")
        fclose(file)
        defer { unlink(archivePath) }
        guard let archive = try? NpzArchive(path: archivePath) else { return }
        for name in archive.names {
            guard let array = try? archive.array(name) else { continue }
            FuzzDriver.require(array.floats().count == array.count, "floats() of \(array.shape) gave the wrong count")
            _ = try? array.integers()
        }
        for part in [nil, "train", "valid"] as [String?] {
            if let set = try? SequenceSet.load(archive, part: part) {
                FuzzDriver.require(set.values.allSatisfy(\.isFinite), "a loaded sequence set holds non-finite values")
                FuzzDriver.require(set.offsets.last == set.eventCount, "offsets do not end at the event count")
            }
        }
        return
    }
    guard let array = try? NpyArray(bytes: bytes) else { return }
    let floats = array.floats()
    FuzzDriver.require(floats.count == array.count, "floats() of \(array.shape) gave \(floats.count) values")
    if let integers = try? array.integers() { FuzzDriver.require(integers.count == array.count, "integers() count") }
    let again = try? NpyArray(bytes: array.encoded())
    FuzzDriver.require(again == array, "an npy array does not survive encoding")
}
