import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import ChurnTraining

/// Serialized: corelibs' XMLParser wraps libxml2 and is not something to stress from parallel tests.
@Suite(.serialized)
struct ReportChartTests {
    /// True when `svg` parses as XML and its root element is `<svg>`.
    func isWellFormed(_ svg: String) -> Bool {
        final class Root: NSObject, XMLParserDelegate {
            var name: String?
            func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                        qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
                if name == nil { name = elementName }
            }
        }
        let parser = XMLParser(data: Data(svg.utf8))
        let root = Root()
        parser.delegate = root
        return parser.parse() && root.name == "svg"
    }

    func occurrences(of needle: String, in haystack: String) -> Int {
        haystack.components(separatedBy: needle).count - 1
    }

    @Test func barChartIsWellFormedWithOneBarPerLabel() {
        let svg = SVGChart.barChart(title: "Importance", labels: ["tenure", "monthly_charges", "contract"],
                                    values: [0.31, 0.12, -0.02], errors: [0.01, 0.02, 0.005],
                                    xLabel: "drop in AUC", highlight: [0])
        #expect(isWellFormed(svg))
        #expect(occurrences(of: "<rect class=\"bar\"", in: svg) == 3)
        #expect(svg.contains(">0.310<"))
        #expect(svg.contains(">-0.020<"))
        #expect(svg.contains(SVGChart.accent))
        #expect(svg.contains("viewBox=\"0 0 "))
    }

    @Test func longLabelsWidenTheLeftMargin() {
        let long = String(repeating: "x", count: 120)
        let svg = SVGChart.barChart(title: "t", labels: [long], values: [1], xLabel: "v")
        // 120 chars * 7px cannot fit in 640px alongside a plot, so the document must grow.
        #expect(!svg.contains("width=\"640\""))
        #expect(isWellFormed(svg))
    }

    @Test func specialCharactersAreEscapedEverywhere() {
        let nasty = "a<&>\"'b"
        let charts = [
            SVGChart.barChart(title: nasty, labels: [nasty], values: [0.5], xLabel: nasty),
            SVGChart.lineChart(title: nasty, series: [(name: nasty, points: [(0, 0), (1, 1)])],
                               xLabel: nasty, yLabel: nasty, diagonal: true),
            SVGChart.confusionMatrix(title: nasty, labels: [nasty, "ok"], counts: [[1, 2], [3, 4]]),
            SVGChart.scatter(title: nasty, points: [(x: 1, y: 2, highlighted: true)], xLabel: nasty,
                             yLabel: nasty, shade: (xMin: 0.5, yMin: 0.5)),
        ]
        for svg in charts {
            #expect(isWellFormed(svg))
            #expect(svg.contains("a&lt;&amp;&gt;&quot;&apos;b"))
            #expect(!svg.contains("a<&"))
        }
    }

    @Test func outputIsDeterministic() {
        let curves: [(name: String, points: [(Double, Double)])] = [
            (name: "svc", points: [(0, 0), (0.1, 0.6), (1, 1)]),
            (name: "logit", points: [(0, 0), (0.3, 0.7), (1, 1)]),
        ]
        var cloud: [(x: Double, y: Double, highlighted: Bool)] = []
        for i in 0..<50 {
            let t = Double(i)
            cloud.append((x: t / 7, y: sin(t), highlighted: i % 5 == 0))
        }
        func render() -> String {
            let roc = SVGChart.lineChart(title: "ROC", series: curves, xLabel: "FPR", yLabel: "TPR", diagonal: true)
            let dots = SVGChart.scatter(title: "s", points: cloud, xLabel: "x", yLabel: "y", shade: (xMin: 3, yMin: 0.2))
            return roc + dots
        }
        #expect(render() == render())
    }

    @Test func lineChartDrawsSeriesLegendAndDiagonal() {
        let svg = SVGChart.lineChart(title: "ROC", series: [(name: "svc", points: [(0, 0), (0.2, 0.8), (1, 1)]),
                                                            (name: "empty", points: [])],
                                     xLabel: "FPR", yLabel: "TPR", diagonal: true)
        #expect(isWellFormed(svg))
        #expect(occurrences(of: "class=\"series\"", in: svg) == 1)
        #expect(svg.contains("stroke-dasharray"))
        #expect(svg.contains(">svc<") && svg.contains(">empty<"))
        // ROC axes run exactly 0...1 with 0.2 steps.
        #expect(svg.contains(">0.0<") && svg.contains(">1.0<") && !svg.contains(">1.2<"))
    }

    @Test func confusionMatrixHasOneCellPerEntry() {
        let svg = SVGChart.confusionMatrix(title: "CM", labels: ["stay", "churn"], counts: [[50, 5], [10, 35]])
        #expect(isWellFormed(svg))
        #expect(occurrences(of: "<rect class=\"cell\"", in: svg) == 4)
        #expect(svg.contains(">actual<") && svg.contains(">predicted<"))
        #expect(svg.contains(">35<") && svg.contains(">35.0%<"))
    }

    @Test func scatterShadesAlertSegment() {
        let pts = [(x: 0.1, y: 0.2, highlighted: false), (x: 0.9, y: 0.8, highlighted: true)]
        let svg = SVGChart.scatter(title: "risk", points: pts, xLabel: "p", yLabel: "value", shade: (0.5, 0.5))
        #expect(isWellFormed(svg))
        #expect(occurrences(of: "<circle class=\"point\"", in: svg) == 2)
        #expect(svg.contains("class=\"shade\"") && svg.contains(">alert segment<"))
        let plain = SVGChart.scatter(title: "risk", points: pts, xLabel: "p", yLabel: "value", shade: nil)
        #expect(!plain.contains("alert segment"))
    }

    @Test func degenerateInputRendersNoData() {
        let charts = [
            SVGChart.barChart(title: "t", labels: [], values: [], xLabel: "x"),
            SVGChart.barChart(title: "t", labels: ["a", "b"], values: [.nan, .infinity], xLabel: "x"),
            SVGChart.lineChart(title: "t", series: [], xLabel: "x", yLabel: "y", diagonal: false),
            SVGChart.lineChart(title: "t", series: [(name: "s", points: [(.nan, 1)])], xLabel: "x", yLabel: "y",
                               diagonal: true),
            SVGChart.confusionMatrix(title: "t", labels: ["a", "b"], counts: [[1]]),
            SVGChart.scatter(title: "t", points: [], xLabel: "x", yLabel: "y", shade: (.nan, 0)),
        ]
        for svg in charts {
            #expect(isWellFormed(svg))
            #expect(svg.contains("no data"))
        }
    }

    @Test func flatAndSinglePointDataStillRender() {
        let bars = SVGChart.barChart(title: "t", labels: ["a", "b"], values: [0, 0], xLabel: "x")
        let flat = SVGChart.lineChart(title: "t", series: [(name: "s", points: [(2, 5), (2, 5)])],
                                      xLabel: "x", yLabel: "y", diagonal: false)
        let one = SVGChart.scatter(title: "t", points: [(x: 3, y: 3, highlighted: false)], xLabel: "x",
                                   yLabel: "y", shade: nil)
        for svg in [bars, flat, one] {
            #expect(isWellFormed(svg))
            #expect(!svg.contains("no data") && !svg.contains("nan") && !svg.contains("inf"))
        }
    }

    @Test func niceTicksUseOneTwoFiveSteps() {
        let a = SVGChart.axis(0, 1)
        #expect(a.ticks.count == 6 && abs(a.ticks[3] - 0.6) < 1e-12)
        #expect(a.lo == 0 && a.hi == 1 && a.decimals == 1)
        let b = SVGChart.axis(3, 97)
        #expect(b.lo == 0 && b.hi == 100 && b.ticks.count == 6)
        let c = SVGChart.axis(4, 4)
        #expect(c.lo < 4 && c.hi > 4)
    }

    @Test func markdownTableEscapesPipesAndPadsColumns() {
        let md = MarkdownTable.render(header: ["model", "auc"], rows: [["a|b", "0.91"], ["c"]], alignRight: [1])
        let lines = md.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("| model") && lines[1].contains("---:"))
        #expect(md.contains("a\\|b"))
        // Unescaped pipes delimit columns: every line has columns + 1 of them.
        for line in lines {
            let delimiters = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            #expect(delimiters == 3)
        }
        #expect(MarkdownTable.render(header: [], rows: []) == "")
    }
}
