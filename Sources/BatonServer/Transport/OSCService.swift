import BatonOSC
import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// OSC over UDP (SwiftNIO): decodes every datagram into commands for the session, and sends
/// the session's events to the configured destinations (and, when asked, back to whoever
/// sent us something). Malformed, oversized or refused packets are counted, logged at debug
/// level and dropped; nothing a client sends stops the service.
public final class OSCService: Service, Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var destinations: [SocketAddress]
        public var replyToSender: Bool
        /// When set, only packets from these IP addresses are accepted.
        public var allowlist: Set<String>?
        public var predictionAddress: String
        /// Also sent for every prediction, values clipped to [0, 1] (IMPSY's `/impsy`).
        public var predictionAliases: [String]
        /// The performer's events go to the aliases too (IMPSY's `input_thru`).
        public var interfaceThru = false
        /// Larger datagrams are dropped unread.
        public var maximumPacketSize: Int

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
    private let bound = Mutex<SocketAddress?>(nil)
    private let senders = Mutex<Set<SocketAddress>>([])
    private let ready = AsyncStream<SocketAddress>.makeStream()

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

    public func run() async throws {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
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
            if configuration.replyToSender { destinations += senders.withLock { Array($0) } }
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

    fileprivate func receive(_ envelope: AddressedEnvelope<ByteBuffer>) {
        session.osc.withLock { $0.received += 1 }
        let sender = envelope.remoteAddress
        if let allowlist = configuration.allowlist, !allowlist.contains(sender.ipAddress ?? "") {
            session.osc.withLock { $0.refused += 1 }
            logger.debug("OSC packet refused from \(sender): not in the allowlist")
            return
        }
        guard envelope.data.readableBytes <= configuration.maximumPacketSize else {
            session.osc.withLock { $0.malformed += 1 }
            logger.debug("OSC packet of \(envelope.data.readableBytes) bytes from \(sender) is too large; dropped")
            return
        }
        if configuration.replyToSender { _ = senders.withLock { $0.insert(sender) } }
        let packet: OSCPacket
        do {
            packet = try OSCPacket.decode(Array(envelope.data.readableBytesView))
        } catch {
            session.osc.withLock { $0.malformed += 1 }
            logger.debug("malformed OSC packet from \(sender): \(error)")
            return
        }
        for (timeTag, message) in packet.messages {
            // A bundle's time tag says when its messages take effect: later ones wait.
            let delay = timeTag.map { $0.isImmediate ? 0 : $0.date.timeIntervalSinceNow } ?? 0
            if delay > 0.001, delay < 3600 {
                DispatchQueue.global(qos: .userInteractive).asyncAfter(deadline: .now() + delay) { self.dispatch(message, from: sender) }
            } else {
                dispatch(message, from: sender)
            }
        }
    }

    private func dispatch(_ message: OSCMessage, from sender: SocketAddress) {
        let message = IMPSYAddresses.translate(message) ?? message
        do {
            for command in try LiveCommand.commands(from: message) { try session.apply(command) }
        } catch {
            session.osc.withLock { $0.unknown += 1 }
            logger.debug("OSC \(message.address) from \(sender): \(error)")
        }
    }
}
