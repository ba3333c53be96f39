import BatonCore
import Foundation

/// Standard output and error, with the small amount of terminal awareness the CLI needs.
enum Terminal {
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes to stdout immediately (streamed output must not wait for a buffer to fill).
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `error: <message> (hint: <hint>)` on one line.
    static func printError(_ error: UserFacingError) {
        writeError("error: \(error.message)" + (error.hint.isEmpty ? "" : " (hint: \(error.hint))") + "\n")
    }

    /// 75 → "1:15", 3725 → "1:02:05".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }

    /// 12345.6 → "12,346".
    static func grouped(_ value: Double) -> String {
        let n = Int(value.rounded())
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}

/// A status line on stderr: rewritten in place on a terminal, one line every few seconds
/// when redirected to a file (so logs stay readable).
final class ProgressLine {
    private let interactive = Terminal.stderrIsTerminal
    private var lastPrint = Date.distantPast
    private let interval: TimeInterval

    init(interval: TimeInterval = 0.25) { self.interval = interactive ? interval : 10 }

    func update(_ text: String, force: Bool = false) {
        let now = Date()
        guard force || now.timeIntervalSince(lastPrint) >= interval else { return }
        lastPrint = now
        if interactive {
            Terminal.writeError("\r\u{1B}[K" + text)
        } else {
            Terminal.writeError(text + "\n")
        }
    }

    /// Leaves the current line in place and moves to the next.
    func finish() {
        if interactive { Terminal.writeError("\n") }
    }
}
