import BatonCore

/// The text's last symbols and restarts, so a page that connects mid-performance — a
/// projector window opened late, a reload on stage — shows the writing at once instead of
/// a blank screen that takes a minute to fill. Bounded: at most `capacity` Unicode scalars
/// are kept (consecutive symbols by one model fold into one run).
public final class RecentText: Sendable {
    /// A run of the kept text: what one model wrote, or a restart.
    public enum Piece: Sendable, Equatable {
        /// Text written by one model (its index), one or more symbols long.
        case text(String, model: Int)
        /// A restart from this context (empty: from nothing).
        case prime(String)
        /// Text the performer fed mid-stream.
        case fed(String)

        var characters: Int {
            switch self {
            case .text(let text, _), .prime(let text), .fed(let text): return text.unicodeScalars.count
            }
        }
    }

    /// Unicode scalars kept unless the server asks otherwise (about a screenful).
    public static let defaultCapacity = 1_500

    /// The most Unicode scalars kept.
    public let capacity: Int
    private struct State {
        var pieces: [Piece] = []
        var characters = 0
    }
    private let state = Locked(State())

    /// Keeps at most `capacity` scalars (at least 1).
    public init(capacity: Int = RecentText.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Keeps what an event adds to the text; other events are ignored. Quick: it runs on
    /// the publishing thread (an `EventHub` listener).
    public func record(_ event: LiveEvent) {
        switch event {
        case .symbol(let text, let model, _): add(text, model: model)
        case .prime(let text): add(.prime(Self.dropFirst(text.unicodeScalars.count - capacity, of: text)))
        case .fed(let text): add(.fed(Self.dropFirst(text.unicodeScalars.count - capacity, of: text)))
        default: return
        }
    }

    /// The kept text, oldest first.
    public var pieces: [Piece] { state.withLock { $0.pieces } }

    private func add(_ text: String, model: Int) {
        state.withLock { s in
            if case .text(let run, let owner)? = s.pieces.last, owner == model {
                s.pieces[s.pieces.count - 1] = .text(run + text, model: model)
            } else {
                s.pieces.append(.text(text, model: model))
            }
            s.characters += text.unicodeScalars.count
            trim(&s)
        }
    }

    /// A restart or a feed: a piece of its own.
    private func add(_ piece: Piece) {
        state.withLock { s in
            s.pieces.append(piece)
            s.characters += piece.characters
            trim(&s)
        }
    }

    /// Drops the oldest pieces (cutting the start of the oldest one that remains) once the
    /// text is a quarter over capacity, so trimming is rare however fast the text runs.
    private func trim(_ s: inout State) {
        guard s.characters > capacity + capacity / 4 else { return }
        var drop = 0
        while drop < s.pieces.count - 1, s.characters - s.pieces[drop].characters >= capacity {
            s.characters -= s.pieces[drop].characters
            drop += 1
        }
        s.pieces.removeFirst(drop)
        let excess = s.characters - capacity
        guard excess > 0, let first = s.pieces.first else { return }
        switch first {
        case .text(let text, let model): s.pieces[0] = .text(Self.dropFirst(excess, of: text), model: model)
        case .prime(let text): s.pieces[0] = .prime(Self.dropFirst(excess, of: text))
        case .fed(let text): s.pieces[0] = .fed(Self.dropFirst(excess, of: text))
        }
        s.characters -= excess
    }

    /// `text` without its first `n` Unicode scalars (all of it when n ≤ 0).
    static func dropFirst(_ n: Int, of text: String) -> String {
        guard n > 0 else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(n)))
    }
}

extension RecentText {
    /// `{"type":"recent","pieces":[{"text":"…","model":0},{"prime":"…"},{"fed":"…"},…]}`, oldest first:
    /// sent to a WebSocket client as it connects, after the status.
    public var json: String { WireJSON.encode(RecentWire(pieces: pieces.map(PieceWire.init))) }

    struct RecentWire: Encodable {
        let type = "recent"
        var pieces: [PieceWire]
    }

    struct PieceWire: Encodable {
        var text: String?
        var model: Int?
        var prime: String?
        var fed: String?

        init(_ piece: Piece) {
            switch piece {
            case .text(let text, let model): self.text = text; self.model = model
            case .prime(let text): prime = text
            case .fed(let text): fed = text
            }
        }
    }
}
