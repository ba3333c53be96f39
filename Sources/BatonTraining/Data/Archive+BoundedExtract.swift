import Foundation
import ZIPFoundation

extension Archive {
    /// Reads `entry` chunk by chunk, never producing more than `maximumBytes` nor more
    /// than the entry's declared uncompressed size: inflation stops at the first chunk past
    /// either, so a zip bomb costs one chunk, not its inflated size. Errors thrown by
    /// `consumer` pass through unchanged; the archive's own become `ZipEntryError`.
    public func extract(_ entry: Entry, maximumBytes: Int, consumer: (Data) throws -> Void) throws {
        struct FromConsumer: Error { var underlying: any Error }
        let declared = entry.uncompressedSize
        let limit = declared < UInt64(maximumBytes) ? Int(declared) : maximumBytes
        var produced = 0
        do {
            _ = try extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
                produced += chunk.count
                guard produced <= limit else { throw ZipEntryError.inflatesPast(limit: limit) }
                do { try consumer(chunk) } catch { throw FromConsumer(underlying: error) }
            }
        } catch let error as FromConsumer {
            throw error.underlying
        } catch let error as ZipEntryError {
            throw error
        } catch {
            throw ZipEntryError.unreadable("\(error)")
        }
    }
}
