import BatonCore
import BatonOSC
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// OSC over UDP (SwiftNIO): decodes every datagram into commands for the session, and sends
/// the session's events to the configured destinations (and, when asked, back to the most
/// recent senders of valid packets). Malformed, oversized, refused or out-of-range packets
/// are counted (`/api/status` → `osc`), logged at most once a second per sender, and
/// dropped; nothing a client sends stops the service.
public final class OSCService: Service, Sendable {
    /// Where OSC is received and sent, and what is accepted.
    public struct Configuration: Sendable {
        /// The address to bind.
        public var host: String
        /// The UDP port to bind (0: one the system picks).
        public var port: Int
        /// Where every event is sent.
        public var destinations: [SocketAddress]
        /// Also send events to the latest senders of valid packets.
        public var replyToSender: Bool
        /// When set, only packets from these IP addresses are accepted.
        public var allowlist: Set<String>?
        /// The address predictions are sent to.
        public var predictionAddress: String
        /// Also sent for every prediction, values clipped to [0, 1] (IMPSY's `/impsy`).
        public var predictionAliases: [String]
        /// The performer's events go to the aliases too (IMPSY's `input_thru`).
        public var interfaceThru = false
        /// Larger datagrams are dropped unread.
        public var maximumPacketSize: Int

        /// A configuration with the usual limits (the largest UDP payload).
        public init(host: String, port: Int, destinations: [SocketAddress], replyToSender: Bool = false, allowlist: Set<String>? = nil,
                    predictionAddress: String = "/prediction", predictionAliases: [String] = [], maximumPacketSize: Int = 65_507) {
            self.host = host
            self.port = port
            self.destinations = destinations
            self.replyToSender = replyToSender
            self.allowlist = allowlist
            self.predictionAddress = predictionAddress
            self.predictionAliases = predictionAliases
            self.maximumPacketSize = maximumPacketSize
        }
    }

    let configuration: Configuration
    let session: LiveSession
    let logger: Logger
    private let bound = Locked<SocketAddress?>(nil)
    private let senders = Locked(RecentSenders(capacity: LiveLimits.replySenders))
    private let scheduled = Atomic<Int>(0)
    private let refusals = Locked(LogThrottle())
    private let ready = AsyncStream<SocketAddress>.makeStream()

    /// A service feeding `session`; nothing is bound until `run()`.
    public init(configuration: Configuration, session: LiveSession, logger: Logger) {
        self.configuration = configuration
        self.session = session
        self.logger = logger
    }

    /// The address the socket is bound to (its OS-assigned port when configured with 0).
    public func boundAddress() async -> SocketAddress? {
        if let address = bound.withLock({ $0 }) { return address }
        for await address in ready.stream { return address }
        return nil
    }

    /// Binds the socket, forwards events until graceful shutdown, then closes it.
    public func run() async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            // NIO reads datagrams into 2,048-byte buffers by default, cutting longer ones (a
            // 4 KB prime or feed) into malformed packets: read up to the size check's limit, plus one.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: min(configuration.maximumPacketSize, 65_507) + 1))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(InboundHandler(service: self)) }
            }
            .bind(host: configuration.host, port: configuration.port).get()
        if let address = channel.localAddress {
            bound.withLock { $0 = address }
            ready.continuation.yield(address)
        }
        ready.continuation.finish()
        // Outgoing events are written from the thread that published them: a prediction made
        // while handling an incoming packet leaves on that same event-loop thread.
        let listener = session.hub.listen { [self] event in
            var packets = event.oscMessage(predictionAddress: configuration.predictionAddress).map { [OSCPacket.message($0).encoded()] } ?? []
            switch event {
            // (`where` binds to the last pattern only: performer events need input_thru, predictions always go.)
            case .prediction(let values, _), .interface(let values, _) where configuration.interfaceThru:
                let clipped = values.map { OSCArgument.float32($0.isFinite ? min(1, max(0, $0)) : 0) }
                packets += configuration.predictionAliases.map { OSCPacket.message(OSCMessage($0, clipped)).encoded() }
            default: break
            }
            guard !packets.isEmpty else { return }
            var destinations = configuration.destinations
            if configuration.replyToSender { destinations += senders.withLock { $0.addresses } }
            for destination in destinations {
                for bytes in packets { channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: ByteBuffer(bytes: bytes)), promise: nil) }
            }
            session.osc.withLock { $0.sent += destinations.count * packets.count }
        }
        defer { session.hub.unsubscribe(listener) }
        try? await gracefulShutdown()
        try? await channel.close()
    }

    /// Hands each datagram to the service on the event loop.
    private final class InboundHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let service: OSCService
        init(service: OSCService) { self.service = service }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            service.receive(unwrapInboundIn(data))
        }
    }

    /// Decodes and applies one datagram; returns whether every message in it was valid.
    @discardableResult
    func receive(_ envelope: AddressedEnvelope<ByteBuffer>) -> Bool {
        session.osc.withLock { $0.received += 1 }
        let sender = envelope.remoteAddress
        if let allowlist = configuration.allowlist, !allowlist.contains(sender.ipAddress ?? "") {
            count(.refused, from: sender, "packet refused: \(sender.ipAddress ?? "?") is not in --allow")
            return false
        }
        guard envelope.data.readableBytes <= configuration.maximumPacketSize else {
            count(.malformed, from: sender, "packet of \(envelope.data.readableBytes) bytes is too large; dropped")
            return false
        }
        let packet: OSCPacket
        do {
            packet = try OSCPacket.decode(Array(envelope.data.readableBytesView))
        } catch {
            count(.malformed, from: sender, "malformed packet: \(error)")
            return false
        }
        var valid = true
        for (timeTag, message) in packet.messages {
            // A bundle's time tag says when its messages take effect: later ones wait, within bounds.
            let delay = timeTag.map { $0.isImmediate ? 0 : $0.date.timeIntervalSinceNow } ?? 0
            if delay > 0.001 {
                valid = schedule(message, after: delay, from: sender) && valid
            } else {
                valid = dispatch(message, from: sender) && valid
            }
        }
        if valid, configuration.replyToSender { senders.withLock { $0.insert(sender) } }
        return valid
    }

    /// Queues a time-tagged message, within `LiveLimits.scheduledMessages` and `scheduleHorizon`.
    private func schedule(_ message: OSCMessage, after delay: Double, from sender: SocketAddress) -> Bool {
        guard delay <= LiveLimits.scheduleHorizon else {
            count(.late, from: sender, "\(message.address) is dated \(Int(delay)) s ahead; at most \(Int(LiveLimits.scheduleHorizon)) s are accepted")
            return false
        }
        guard scheduled.add(1, ordering: .relaxed).newValue <= LiveLimits.scheduledMessages else {
            scheduled.subtract(1, ordering: .relaxed)
            count(.late, from: sender, "\(message.address): \(LiveLimits.scheduledMessages) time-tagged messages are already waiting")
            return false
        }
        DispatchQueue.global(qos: .userInteractive).asyncAfter(deadline: .now() + .nanoseconds(Int(Saturating.nanoseconds(delay)))) { [self] in
            scheduled.subtract(1, ordering: .relaxed)
            dispatch(message, from: sender)
        }
        return true
    }

    @discardableResult
    private func dispatch(_ message: OSCMessage, from sender: SocketAddress) -> Bool {
        let message = IMPSYAddresses.translate(message) ?? message
        guard !LiveCommand.methods(matching: message.address).isEmpty else {
            count(.unknown, from: sender, "no method at \(message.address)")
            return false
        }
        let commands: [LiveCommand]
        do {
            commands = try LiveCommand.commands(from: message)
        } catch {
            count(.invalid, from: sender, "\(message.address): \(error)")
            return false
        }
        do {
            for command in commands { try session.apply(command) }
        } catch {
            count(.invalid, from: sender, "\(message.address): \(error)")
            return false
        }
        return true
    }

    enum Drop { case malformed, refused, unknown, invalid, late }

    /// Counts a dropped packet or message and logs why, at most once a second per sender.
    private func count(_ drop: Drop, from sender: SocketAddress, _ reason: @autoclosure () -> String) {
        session.osc.withLock { counters in
            switch drop {
            case .malformed: counters.malformed += 1
            case .refused: counters.refused += 1
            case .unknown: counters.unknown += 1
            case .invalid: counters.invalid += 1
            case .late: counters.late += 1
            }
        }
        let source = "\(sender.ipAddress ?? "?"):\(sender.port ?? 0)"
        guard let suppressed = refusals.withLock({ $0.allow(source, now: DispatchTime.now().uptimeNanoseconds) }) else { return }
        logger.warning("OSC from \(source): \(reason())\(suppressed > 0 ? " (\(suppressed) more dropped since the last line)" : "")")
    }
}

/// At most one log line per source per second, and a few a second in all (a flood from
/// forged source ports must not flood the terminal either); counts what it holds back.
struct LogThrottle {
    private var last: [String: UInt64] = [:]
    private var suppressed = 0
    private var windowStart: UInt64 = 0
    private var linesInWindow = 0
    static let perSecond = 5

    /// nil to stay quiet; otherwise how many lines were held back since the last one.
    mutating func allow(_ source: String, now: UInt64) -> Int? {
        if now &- windowStart >= 1_000_000_000 { windowStart = now; linesInWindow = 0 }
        if let previous = last[source], now &- previous < 1_000_000_000 { suppressed += 1; return nil }
        guard linesInWindow < Self.perSecond else { suppressed += 1; return nil }
        if last.count >= 1024 { last = last.filter { now &- $0.value < 1_000_000_000 } }
        last[source] = now
        linesInWindow += 1
        defer { suppressed = 0 }
        return suppressed
    }
}

/// The most recent senders of valid packets, newest last, at most `capacity` of them.
struct RecentSenders {
    let capacity: Int
    private(set) var addresses: [SocketAddress] = []

    init(capacity: Int) { self.capacity = capacity }

    mutating func insert(_ address: SocketAddress) {
        if let i = addresses.firstIndex(of: address) { addresses.remove(at: i) }
        addresses.append(address)
        if addresses.count > capacity { addresses.removeFirst(addresses.count - capacity) }
    }
}
