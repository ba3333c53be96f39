import Foundation

/// The terminal in raw mode (no line buffering, no echo) for as long as the value lives,
/// on the alternate screen with the cursor hidden; everything is restored on `restore()`.
final class RawTerminal {
    private var original = termios()
    private var active = false

    init() throws {
        guard tcgetattr(STDIN_FILENO, &original) == 0 else {
            throw CommandLineError(message: "cannot read the terminal settings", hint: "run in a terminal")
        }
        var raw = original
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        active = true
        Terminal.write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J")
    }

    func restore() {
        guard active else { return }
        active = false
        tcsetattr(STDIN_FILENO, TCSANOW, &original)
        Terminal.write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
    }

    deinit { restore() }

    /// Columns and rows of the window (80 × 24 when unknown).
    var size: (columns: Int, rows: Int) {
        var w = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0, w.ws_row > 0 else { return (80, 24) }
        return (Int(w.ws_col), Int(w.ws_row))
    }

    enum Key: Equatable { case character(Character), up, down, left, right, escape }

    /// Keys typed within `timeout` seconds (possibly none).
    func readKeys(timeout: Double) -> [Key] {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(timeout * 1000)) > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(STDIN_FILENO, &buffer, buffer.count)
        guard n > 0 else { return [] }
        var keys: [Key] = []
        var i = 0
        while i < n {
            if buffer[i] == 0x1B, i + 2 < n, buffer[i + 1] == 0x5B {
                switch buffer[i + 2] {
                case 0x41: keys.append(.up)
                case 0x42: keys.append(.down)
                case 0x43: keys.append(.right)
                case 0x44: keys.append(.left)
                default: break
                }
                i += 3
            } else if buffer[i] == 0x1B {
                keys.append(.escape)
                i += 1
            } else {
                keys.append(.character(Character(UnicodeScalar(buffer[i]))))
                i += 1
            }
        }
        return keys
    }
}
