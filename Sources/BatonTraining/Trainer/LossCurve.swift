import Foundation

/// Draws the training and validation loss against steps as a standalone SVG.
public enum LossCurve {
    public static func svg(_ log: MetricsLog, title: String) -> String {
        let width = 720.0, height = 420.0
        let left = 64.0, right = 24.0, top = 40.0, bottom = 48.0
        let train = log.rows.compactMap { r in r.trainLoss.map { (Double(r.step), $0) } }
        let validation = log.rows.compactMap { r in r.validationLoss.map { (Double(r.step), $0) } }
        let all = train + validation
        let maxStep = max(all.map(\.0).max() ?? 1, 1)
        // Clip the first steps' very high loss so the interesting part of the curve is visible.
        let values = all.map(\.1).sorted()
        let lowest = values.first ?? 0
        let highest = values.isEmpty ? 1 : values[min(values.count - 1, Int(Double(values.count) * 0.97))]
        let yMin = max(0, floor((lowest - 0.05) * 10) / 10)
        let yMax = max(yMin + 0.1, ceil((highest + 0.05) * 10) / 10)
        func x(_ s: Double) -> Double { left + (width - left - right) * s / maxStep }
        func y(_ v: Double) -> Double { top + (height - top - bottom) * (1 - (min(v, yMax) - yMin) / (yMax - yMin)) }
        func path(_ points: [(Double, Double)]) -> String {
            points.enumerated().map { i, p in String(format: "%@%.1f,%.1f", i == 0 ? "M" : "L", x(p.0), y(p.1)) }.joined(separator: " ")
        }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="#14161c"/>
        <text x="\(left)" y="24" fill="#e8e8ee" font-size="15">\(escape(title))</text>

        """
        for i in 0...5 {
            let v = yMin + (yMax - yMin) * Double(i) / 5
            svg += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#2c303a\"/>", left, y(v), width - right, y(v))
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"#9aa0ac\" text-anchor=\"end\">%.2f</text>\n", left - 6, y(v) + 4, v)
        }
        for i in 0...4 {
            let s = maxStep * Double(i) / 4
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"#9aa0ac\" text-anchor=\"middle\">%.0f</text>\n", x(s), height - bottom + 18, s.rounded(.down))
        }
        svg += "<text x=\"\((left + width - right) / 2)\" y=\"\(height - 8)\" fill=\"#9aa0ac\" text-anchor=\"middle\">step</text>\n"
        svg += "<text x=\"16\" y=\"\((top + height - bottom) / 2)\" fill=\"#9aa0ac\" text-anchor=\"middle\" transform=\"rotate(-90 16 \((top + height - bottom) / 2))\">nats per symbol</text>\n"
        if !train.isEmpty { svg += "<path d=\"\(path(train))\" fill=\"none\" stroke=\"#4f9dff\" stroke-width=\"1.5\"/>\n" }
        if !validation.isEmpty {
            svg += "<path d=\"\(path(validation))\" fill=\"none\" stroke=\"#ff7a45\" stroke-width=\"2\"/>\n"
            for p in validation { svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#ff7a45\"/>", x(p.0), y(p.1)) }
            svg += "\n"
        }
        let best = validation.map(\.1).min()
        svg += "<text x=\"\(width - right)\" y=\"24\" fill=\"#e8e8ee\" text-anchor=\"end\"><tspan fill=\"#4f9dff\">— train</tspan>  <tspan fill=\"#ff7a45\">● validation</tspan>"
        if let best { svg += String(format: "  best %.4f", best) }
        svg += "</text>\n</svg>\n"
        return svg
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
