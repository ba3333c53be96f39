import Foundation

/// Renders stroke-3 drawings `(dx, dy, pen lifted after this point)` as SVG: offsets are
/// summed into positions, a lifted pen breaks the line. Several drawings are laid out in a
/// grid, each scaled to its cell.
enum StrokeSVG {
    struct Drawing {
        var points: [(Float, Float, Float)]
        /// Strokes given as a prime (drawn in a second colour).
        var primeCount = 0
    }

    static func render(_ drawings: [Drawing], yUp: Bool, cell: Double = 320, columns: Int? = nil, title: String? = nil) -> String {
        let columns = columns ?? min(drawings.count, 4)
        let rows = (drawings.count + columns - 1) / max(columns, 1)
        let header = title == nil ? 0.0 : 28
        let width = Double(columns) * cell, height = Double(rows) * cell + header
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))">
        <rect width="100%" height="100%" fill="#ffffff"/>

        """
        if let title {
            svg += "<text x=\"10\" y=\"19\" font-family=\"sans-serif\" font-size=\"14\" fill=\"#444\">\(title.replacingOccurrences(of: "<", with: "&lt;"))</text>\n"
        }
        for (index, drawing) in drawings.enumerated() {
            let ox = Double(index % columns) * cell, oy = Double(index / columns) * cell + header
            svg += paths(drawing, yUp: yUp, box: (ox + 12, oy + 12, cell - 24, cell - 24))
        }
        return svg + "</svg>\n"
    }

    /// Polylines for one drawing, fitted into `box` (x, y, width, height) keeping its aspect.
    static func paths(_ drawing: Drawing, yUp: Bool, box: (Double, Double, Double, Double)) -> String {
        var x = 0.0, y = 0.0
        var absolute: [(Double, Double, Bool)] = []
        for (dx, dy, pen) in drawing.points {
            x += Double(dx)
            y += yUp ? -Double(dy) : Double(dy)
            absolute.append((x, y, pen >= 0.5))
        }
        guard !absolute.isEmpty else { return "" }
        let xs = absolute.map(\.0), ys = absolute.map(\.1)
        let minX = xs.min()!, maxX = xs.max()!, minY = ys.min()!, maxY = ys.max()!
        let scale = min(box.2 / max(maxX - minX, 1e-9), box.3 / max(maxY - minY, 1e-9))
        let offsetX = box.0 + (box.2 - (maxX - minX) * scale) / 2, offsetY = box.1 + (box.3 - (maxY - minY) * scale) / 2
        let strokeWidth = max(1.2, min(box.2, box.3) / 160)
        var out = ""
        var current: [String] = []
        var currentIsPrime = true
        func flush() {
            if current.count >= 2 {
                out += "<polyline fill=\"none\" stroke=\"\(currentIsPrime ? "#3a7bd5" : "#1b1b1f")\" stroke-width=\(String(format: "\"%.2f\"", strokeWidth)) stroke-linecap=\"round\" stroke-linejoin=\"round\" points=\"\(current.joined(separator: " "))\"/>\n"
            }
            current = []
        }
        for (i, (px, py, lifted)) in absolute.enumerated() {
            let isPrime = i < drawing.primeCount
            if isPrime != currentIsPrime && !current.isEmpty {
                let last = current.last!
                flush()
                current = [last]
            }
            currentIsPrime = isPrime
            current.append(String(format: "%.1f,%.1f", offsetX + (px - minX) * scale, offsetY + (py - minY) * scale))
            if lifted { flush() }
        }
        flush()
        return out
    }
}
