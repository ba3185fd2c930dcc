import Foundation

/// A tiny, dependency-free SVG chart renderer for the training report.
///
/// Every function is pure (returns the document as a `String`, no I/O) and deterministic: numbers are printed
/// with a fixed number of decimals through the C locale, so identical input yields byte-identical output.
/// Degenerate input (empty, mismatched, all non-finite) renders a framed chart carrying a "no data" note.
///
/// Element classes that callers and tests may rely on: `bar` (bar chart rects), `series` (line polylines),
/// `cell` (confusion-matrix rects), `point` (scatter circles), `no-data` (the empty-chart note).
public enum SVGChart {
    /// Default document width in px.
    public static let defaultWidth = 640.0

    static let palette = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#72b7b2", "#9d755d", "#eeca3b", "#ff9da6"]
    static let accent = "#e45756"
    /// Approximate advance of a 12px sans-serif glyph; there is no text measurement in SVG-as-string.
    static let charWidth = 7.0

    // MARK: - Charts

    /// Horizontal bar chart: one bar per label, the value printed (3 decimals) at the end of each bar.
    /// - Parameters:
    ///   - errors: optional half-widths drawn as whiskers around each value (non-finite entries are skipped).
    ///   - highlight: indices of bars drawn in the accent colour.
    ///   - width: minimum document width; it grows when the longest label would not otherwise fit.
    public static func barChart(title: String, labels: [String], values: [Double], errors: [Double]? = nil,
                                xLabel: String, highlight: Set<Int> = [], width: Double = defaultWidth) -> String {
        let width = sane(width)
        let n = min(labels.count, values.count)
        let finite = values.prefix(n).filter(\.isFinite)
        guard n > 0, !finite.isEmpty else { return noData(title: title, width: width) }
        func err(_ i: Int) -> Double {
            guard let e = errors, i < e.count, e[i].isFinite else { return 0 }
            return abs(e[i])
        }
        let ends = (0..<n).filter { values[$0].isFinite }.flatMap { [values[$0] - err($0), values[$0] + err($0)] }
        let x = axis(min(0, ends.min() ?? 0), max(0, ends.max() ?? 0))
        let left = max(40, Double(labels.prefix(n).map(\.count).max() ?? 0) * charWidth + 20)
        let right = 64.0, top = 40.0, pitch = 26.0, barH = 18.0
        let docW = max(width, left + 200 + right)
        let plot = Plot(left: left, top: top, w: docW - left - right, h: Double(n) * pitch + 8, x: x, y: axis(0, 1))
        var out = [header(title: title, width: docW, height: plot.top + plot.h + 50)]
        out += xGrid(plot, label: xLabel)
        for i in 0..<n {
            let cy = top + 4 + Double(i) * pitch + pitch / 2
            out.append(text(left - 8, cy + 4, labels[i], anchor: "end"))
            let v = values[i]
            guard v.isFinite else {
                out.append(text(plot.px(0) + 4, cy + 4, "n/a", anchor: "start", fill: "#888"))
                continue
            }
            let x0 = plot.px(min(0, v)), x1 = plot.px(max(0, v))
            let colour = highlight.contains(i) ? accent : palette[0]
            out.append("<rect class=\"bar\" x=\"\(f(x0))\" y=\"\(f(cy - barH / 2))\" width=\"\(f(x1 - x0))\" "
                       + "height=\"\(f(barH))\" fill=\"\(colour)\"/>")
            let e = err(i)
            if e > 0 {
                let lo = plot.px(v - e), hi = plot.px(v + e)
                out.append(line(lo, cy, hi, cy, stroke: "#333"))
                out.append(line(lo, cy - 5, lo, cy + 5, stroke: "#333"))
                out.append(line(hi, cy - 5, hi, cy + 5, stroke: "#333"))
            }
            // Right of the bar and its whisker; negative bars label right of zero so text never hits the labels.
            out.append(text(plot.px(max(0, v + e)) + 4, cy + 4, fmt(v, 3), anchor: "start", size: 11))
        }
        out.append(line(plot.px(0), top, plot.px(0), top + plot.h, stroke: "#333"))
        return finish(out)
    }

    /// Line chart with a legend (e.g. ROC curves). Points are joined in the given order.
    /// - Parameter diagonal: draw a dashed y = x reference line; both axes then include 0...1.
    public static func lineChart(title: String, series: [(name: String, points: [(Double, Double)])],
                                 xLabel: String, yLabel: String, diagonal: Bool,
                                 width: Double = defaultWidth) -> String {
        let width = sane(width)
        let clean = series.map { s in (s.name, s.points.filter { $0.0.isFinite && $0.1.isFinite }) }
        let all = clean.flatMap(\.1)
        guard !all.isEmpty else { return noData(title: title, width: width) }
        let pad = diagonal ? [0.0, 1.0] : []
        let xs = all.map(\.0) + pad, ys = all.map(\.1) + pad
        let plot = Plot(left: 64, top: 40, w: width - 84, h: 380,
                        x: axis(xs.min() ?? 0, xs.max() ?? 1), y: axis(ys.min() ?? 0, ys.max() ?? 1))
        var out = [header(title: title, width: width, height: plot.top + plot.h + 50)]
        out += xGrid(plot, label: xLabel) + yGrid(plot, label: yLabel)
        if diagonal {
            // y = x clipped to the part of the line that lies inside both axis ranges.
            let a = max(plot.x.lo, plot.y.lo), b = min(plot.x.hi, plot.y.hi)
            if b > a { out.append(line(plot.px(a), plot.py(a), plot.px(b), plot.py(b), stroke: "#999", dash: true)) }
        }
        for (i, s) in clean.enumerated() where !s.1.isEmpty {
            let pts = s.1.map { "\(f(plot.px($0.0))),\(f(plot.py($0.1)))" }.joined(separator: " ")
            out.append("<polyline class=\"series\" points=\"\(pts)\" fill=\"none\" "
                       + "stroke=\"\(palette[i % palette.count])\" stroke-width=\"2\"/>")
            // A single distinct point is a zero-length line, invisible without a marker.
            if let p = s.1.first, s.1.allSatisfy({ $0 == p }) {
                out.append("<circle cx=\"\(f(plot.px(p.0)))\" cy=\"\(f(plot.py(p.1)))\" r=\"3\" "
                           + "fill=\"\(palette[i % palette.count])\"/>")
            }
        }
        out += frame(plot)
        out += legend(plot, entries: clean.enumerated().map { ($0.element.0, palette[$0.offset % palette.count]) })
        return finish(out)
    }

    /// Confusion-matrix heat map: rows are actual classes, columns predicted; each cell shows its count and
    /// share of the total. `counts` must be `labels.count` x `labels.count`, otherwise "no data" is rendered.
    public static func confusionMatrix(title: String, labels: [String], counts: [[Int]],
                                       width: Double = defaultWidth) -> String {
        let width = sane(width)
        let n = labels.count
        guard n > 0, counts.count == n, counts.allSatisfy({ $0.count == n }) else {
            return noData(title: title, width: width)
        }
        let total = counts.joined().reduce(0, +), peak = max(1, counts.joined().max() ?? 1)
        let labelW = Double(labels.map(\.count).max() ?? 0) * charWidth, top = 44.0
        let cell = min(110, max(44, (width - labelW - 74) / Double(n)))
        let docW = max(width, labelW + 74 + Double(n) * cell)
        let left = max(labelW + 44, (docW - Double(n) * cell) / 2)  // centred unless labels need the room
        let height = top + Double(n) * cell + 60
        var out = [header(title: title, width: docW, height: height)]
        for r in 0..<n {
            let y = top + Double(r) * cell
            out.append(text(left - 8, y + cell / 2 + 4, labels[r], anchor: "end"))
            for c in 0..<n {
                let x = left + Double(c) * cell, count = counts[r][c]
                let t = Double(max(0, count)) / Double(peak)
                // Blend white-ish -> dark blue; switch text to white once the cell gets dark.
                let rgb = zip([247.0, 251, 255], [8.0, 81, 156]).map { Int(($0 + ($1 - $0) * t).rounded()) }
                let fill = String(format: "#%02x%02x%02x", rgb[0], rgb[1], rgb[2])
                let ink = t > 0.5 ? "#fff" : "#222"
                out.append("<rect class=\"cell\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(cell))\" "
                           + "height=\"\(f(cell))\" fill=\"\(fill)\" stroke=\"#fff\"/>")
                out.append(text(x + cell / 2, y + cell / 2 + 2, "\(count)", size: 16, fill: ink, bold: true))
                let share = total > 0 ? fmt(100 * Double(count) / Double(total), 1) + "%" : "-"
                out.append(text(x + cell / 2, y + cell / 2 + 18, share, size: 10, fill: ink))
            }
        }
        for c in 0..<n { out.append(text(left + (Double(c) + 0.5) * cell, top + Double(n) * cell + 18, labels[c])) }
        out.append(text(left + Double(n) * cell / 2, height - 14, "predicted", bold: true))
        let midY = top + Double(n) * cell / 2
        out.append(text(left - labelW - 26, midY, "actual", bold: true, rotate: true))
        return finish(out)
    }

    /// Scatter plot of small circles; highlighted points are drawn in the accent colour on top.
    /// - Parameter shade: if given, the region x >= xMin, y >= yMin is shaded with dashed threshold lines
    ///   and a legend entry "alert segment"; both axes are extended to include the thresholds.
    public static func scatter(title: String, points: [(x: Double, y: Double, highlighted: Bool)],
                               xLabel: String, yLabel: String, shade: (xMin: Double, yMin: Double)?,
                               width: Double = defaultWidth) -> String {
        let width = sane(width)
        let pts = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard !pts.isEmpty else { return noData(title: title, width: width) }
        let zone = shade.flatMap { $0.xMin.isFinite && $0.yMin.isFinite ? $0 : nil }
        let xs = pts.map(\.x) + (zone.map { [$0.xMin] } ?? []), ys = pts.map(\.y) + (zone.map { [$0.yMin] } ?? [])
        let plot = Plot(left: 64, top: 40, w: width - 84, h: 380,
                        x: axis(xs.min() ?? 0, xs.max() ?? 1), y: axis(ys.min() ?? 0, ys.max() ?? 1))
        var out = [header(title: title, width: width, height: plot.top + plot.h + 50)]
        out += xGrid(plot, label: xLabel) + yGrid(plot, label: yLabel)
        if let z = zone {
            let x0 = plot.px(z.xMin), y0 = plot.py(z.yMin), xr = plot.left + plot.w
            out.append("<rect class=\"shade\" x=\"\(f(x0))\" y=\"\(f(plot.top))\" width=\"\(f(xr - x0))\" "
                       + "height=\"\(f(y0 - plot.top))\" fill=\"\(accent)\" fill-opacity=\"0.12\"/>")
            out.append(line(x0, plot.top, x0, plot.top + plot.h, stroke: accent, dash: true))
            out.append(line(plot.left, y0, xr, y0, stroke: accent, dash: true))
        }
        // Stable partition so highlighted points are never hidden under ordinary ones.
        for p in pts.filter({ !$0.highlighted }) + pts.filter(\.highlighted) {
            out.append("<circle class=\"point\" cx=\"\(f(plot.px(p.x)))\" cy=\"\(f(plot.py(p.y)))\" r=\"3\" "
                       + "fill=\"\(p.highlighted ? accent : palette[0])\" fill-opacity=\"0.75\"/>")
        }
        out += frame(plot)
        if zone != nil { out += legend(plot, entries: [("alert segment", accent)], translucent: true) }
        return finish(out)
    }

    // MARK: - Building blocks

    /// Axis range snapped outwards to a 1-2-5 tick step.
    struct Axis {
        let lo: Double, hi: Double, ticks: [Double], decimals: Int
    }

    /// Plot area in px plus the data ranges it maps.
    struct Plot {
        let left: Double, top: Double, w: Double, h: Double, x: Axis, y: Axis
        func px(_ v: Double) -> Double { left + (v - x.lo) / (x.hi - x.lo) * w }
        func py(_ v: Double) -> Double { top + h - (v - y.lo) / (y.hi - y.lo) * h }
    }

    /// Nice ticks: step is 1, 2 or 5 times a power of ten, ~`target` intervals; degenerate ranges get padded.
    static func axis(_ rawLo: Double, _ rawHi: Double, target: Double = 5) -> Axis {
        var lo = rawLo.isFinite ? rawLo : 0, hi = rawHi.isFinite ? rawHi : 1
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 { let p = lo == 0 ? 1 : abs(lo) * 0.1; lo -= p; hi += p }
        if !(hi - lo).isFinite { lo = 0; hi = 1 }
        let raw = (hi - lo) / target, mag = pow(10, (log10(raw)).rounded(.down)), fr = raw / mag
        let step = (fr < 1.5 ? 1 : fr < 3 ? 2 : fr < 7 ? 5 : 10) * mag
        // The epsilon keeps e.g. 1.0 / 0.2 = 4.9999... from adding a whole extra tick.
        let k0 = (lo / step + 1e-9).rounded(.down), k1 = (hi / step - 1e-9).rounded(.up)
        let ticks = stride(from: k0, through: k1, by: 1).map { $0 * step }
        return Axis(lo: k0 * step, hi: k1 * step, ticks: ticks, decimals: max(0, Int(-log10(step).rounded(.down))))
    }

    static func header(title: String, width: Double, height: Double) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width, 0))" height="\(f(height, 0))" \
        viewBox="0 0 \(f(width, 0)) \(f(height, 0))" font-family="sans-serif" font-size="12" role="img" \
        aria-label="\(escape(title))">
        <rect width="100%" height="100%" fill="#fff"/>
        \(text(width / 2, 24, title, size: 15, bold: true))
        """
    }

    /// Keeps the layout sane for silly widths (NaN, negative, too narrow for axes and labels).
    static func sane(_ width: Double) -> Double { width.isFinite ? max(320, width) : defaultWidth }

    static func finish(_ parts: [String]) -> String { (parts + ["</svg>"]).joined(separator: "\n") + "\n" }

    /// The framed empty chart used for every degenerate input.
    static func noData(title: String, width: Double) -> String {
        finish([header(title: title, width: width, height: 200),
                "<rect x=\"20\" y=\"40\" width=\"\(f(width - 40))\" height=\"140\" fill=\"none\" stroke=\"#ccc\"/>",
                "<text class=\"no-data\" x=\"\(f(width / 2))\" y=\"114\" text-anchor=\"middle\" fill=\"#888\">no data</text>"])
    }

    /// Vertical grid lines, tick labels under the plot and the x-axis title.
    static func xGrid(_ p: Plot, label: String) -> [String] {
        let bottom = p.top + p.h
        return p.x.ticks.flatMap { t in
            [line(p.px(t), p.top, p.px(t), bottom, stroke: "#e5e5e5"),
             text(p.px(t), bottom + 16, fmt(t, p.x.decimals), size: 11, fill: "#444")]
        } + [line(p.left, bottom, p.left + p.w, bottom, stroke: "#333"),
             text(p.left + p.w / 2, bottom + 38, label)]
    }

    /// Horizontal grid lines, tick labels left of the plot and the rotated y-axis title.
    static func yGrid(_ p: Plot, label: String) -> [String] {
        p.y.ticks.flatMap { t in
            [line(p.left, p.py(t), p.left + p.w, p.py(t), stroke: "#e5e5e5"),
             text(p.left - 6, p.py(t) + 4, fmt(t, p.y.decimals), anchor: "end", size: 11, fill: "#444")]
        } + [line(p.left, p.top, p.left, p.top + p.h, stroke: "#333"),
             text(18, p.top + p.h / 2, label, rotate: true)]
    }

    static func frame(_ p: Plot) -> [String] {
        ["<rect x=\"\(f(p.left))\" y=\"\(f(p.top))\" width=\"\(f(p.w))\" height=\"\(f(p.h))\" fill=\"none\" stroke=\"#333\"/>"]
    }

    /// Legend box anchored at the bottom-right of the plot (where ROC curves and scatters are usually empty).
    static func legend(_ p: Plot, entries: [(String, String)], translucent: Bool = false) -> [String] {
        guard !entries.isEmpty else { return [] }
        let w = Double(entries.map(\.0.count).max() ?? 0) * charWidth + 34, h = Double(entries.count) * 18 + 8
        let x = p.left + p.w - w - 8, y = p.top + p.h - h - 8
        var out = ["<rect class=\"legend\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(h))\" "
                   + "fill=\"#fff\" fill-opacity=\"0.9\" stroke=\"#ccc\"/>"]
        for (i, e) in entries.enumerated() {
            let ey = y + 6 + Double(i) * 18
            out.append("<rect x=\"\(f(x + 8))\" y=\"\(f(ey + 2))\" width=\"14\" height=\"10\" fill=\"\(e.1)\""
                       + (translucent ? " fill-opacity=\"0.25\" stroke=\"\(e.1)\" stroke-dasharray=\"3 2\"/>" : "/>"))
            out.append(text(x + 28, ey + 11, e.0, anchor: "start", size: 11))
        }
        return out
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                     dash: Bool = false) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\""
            + (dash ? " stroke-dasharray=\"5 4\"/>" : "/>")
    }

    static func text(_ x: Double, _ y: Double, _ s: String, anchor: String = "middle", size: Int = 12,
                     fill: String = "#222", bold: Bool = false, rotate: Bool = false) -> String {
        var attrs = "x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" fill=\"\(fill)\""
        if bold { attrs += " font-weight=\"bold\"" }
        if rotate { attrs += " transform=\"rotate(-90 \(f(x)) \(f(y)))\"" }
        return "<text \(attrs)>\(escape(s))</text>"
    }

    /// Escapes the five XML special characters so any label is safe in text and attribute positions.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // C0 controls other than tab/newline are illegal in XML 1.0 even when escaped.
            case _ where ch.asciiValue.map({ $0 < 0x20 }) == true: out += " "
            default: out.append(ch)
            }
        }
        return out
    }

    /// Fixed-decimal, locale-independent number (C-locale `printf`); never prints "-0.00".
    static func fmt(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return "n/a" }
        let scale = pow(10, Double(decimals))
        return String(format: "%.\(decimals)f", (v * scale).rounded() == 0 ? 0 : v)
    }

    /// Coordinate formatting: one decimal is plenty at screen resolution and keeps files small.
    static func f(_ v: Double, _ decimals: Int = 1) -> String { fmt(v, decimals) }
}
