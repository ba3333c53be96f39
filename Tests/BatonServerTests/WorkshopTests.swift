@testable import BatonServer
import BatonTraining
import Foundation
import Testing

@Suite(.serialized) struct WorkshopTests {
    /// A workspace with one dataset, `d.npz`, built from a real session log.
    static func workshop() throws -> Workshop {
        let root = temporaryFolder("workshop")
        let log = try SessionLog(folder: root + "/logs", dims: 3, modelName: "t")
        var time = Date(timeIntervalSince1970: 1_800_000_000)
        for i in 0..<400 {
            log.append(source: "interface", values: [0.5 + 0.3 * sin(Float(i) / 5), 0.3 + 0.1 * cos(Float(i) / 7)], at: time)
            time += 0.05
        }
        log.close()
        let workshop = Workshop(root: root, hub: EventHub())
        _ = try workshop.buildDataset(DatasetRequest(name: "d"))
        return workshop
    }

    static func waitUntilStopped(_ workshop: Workshop, seconds: Double = 60) async -> TrainingJobStatus? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, workshop.trainingStatus?.state == "running" { try? await Task.sleep(for: .milliseconds(50)) }
        return workshop.trainingStatus
    }

    @Test func twoConcurrentStartsStartOneJobAndCancelReachesIt() async throws {
        let workshop = try Self.workshop()
        let started = await withTaskGroup(of: Bool.self) { group in
            for k in 0..<4 {
                group.addTask {
                    (try? await Blocking.run { try workshop.startTraining(TrainRequest(dataset: "d.npz", size: "xs", minutes: 5, name: "m\(k)")) }) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(started == 1)
        #expect(throws: CommandError.self) { try workshop.startTraining(TrainRequest(dataset: "d.npz", size: "xs", minutes: 5, name: "late")) }
        workshop.cancelTraining()
        let status = await Self.waitUntilStopped(workshop)
        #expect(status?.state == "cancelled", "\(String(describing: status))")
        // Afterwards a new job may start.
        _ = try workshop.startTraining(TrainRequest(dataset: "d.npz", size: "xs", minutes: 5, name: "again"))
        workshop.cancelTraining()
        #expect(await Self.waitUntilStopped(workshop)?.state == "cancelled")
    }

    @Test func existingFilesAreReplacedOnlyWhenAsked() async throws {
        let workshop = try Self.workshop()
        #expect(throws: CommandError.self) { try workshop.buildDataset(DatasetRequest(name: "d")) }
        _ = try workshop.buildDataset(DatasetRequest(name: "d", overwrite: true))
        try FileManager.default.createDirectory(atPath: workshop.models, withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: workshop.models + "/taken.safetensors"))
        #expect(throws: CommandError.self) { try workshop.startTraining(TrainRequest(dataset: "d.npz", size: "xs", minutes: 1, name: "taken")) }
        let loaded = Workshop(root: workshop.root, hub: EventHub(), loadedFiles: [workshop.models + "/playing.safetensors"])
        #expect(throws: CommandError.self) { try loaded.startTraining(TrainRequest(dataset: "d.npz", size: "xs", minutes: 1, name: "playing")) }
        #expect(workshop.trainingStatus == nil, "a refused start leaves no job behind")
    }

    @Test func requestsNameOnlyFilesOfTheWorkspace() {
        for json in [#"{"dataset":"../../etc/passwd"}"#, #"{"dataset":"/tmp/x.npz"}"#, #"{"dataset":".hidden.npz"}"#, #"{"dataset":"d.npz","size":"xxl"}"#,
                     #"{"dataset":"d.npz","minutes":1e30}"#, #"{"dataset":"d.npz","minutes":0}"#, #"{"dataset":"d.npz","name":"\#(String(repeating: "n", count: 81))"}"#] {
            #expect(throws: CommandError.self, "\(json)") { try WireJSON.decode(TrainRequest.self, from: Array(json.utf8)) }
        }
        let request = try? WireJSON.decode(DatasetRequest.self, from: Array(#"{"name":"my sessions/../x"}"#.utf8))
        #expect(request?.name == "my-sessions----x")
    }
}
