import ChurnModel

/// The training report: `report.md` plus the SVG charts it links, as file name → text.
/// Deterministic: the same outcome gives the same bytes.
public enum ReportWriter {
    public static func render(_ o: TrainingOutcome) -> [String: String] {
        let a = o.artifact
        let spec = a.featureSpec
        let m = a.training.testMetrics
        var files: [String: String] = [:]

        // CV F1 per family (best scaler and hyperparameters of each).
        let families = ModelFamily.all.map(\.name)
        let bestPerFamily = families.compactMap { f in
            o.cvTable.filter { $0.family == f }.max { $0.cvF1 < $1.cvF1 }
        }
        files["cv_f1.svg"] = SVGChart.barChart(
            title: "Cross-validated F1 (best per family, \(a.training.folds)-fold on the training split)",
            labels: bestPerFamily.map { "\($0.family) (\($0.scaler.rawValue))" },
            values: bestPerFamily.map(\.cvF1), errors: bestPerFamily.map(\.cvF1Sd), xLabel: "F1",
            highlight: Set(bestPerFamily.indices.filter { bestPerFamily[$0].family == ModelFamily.svc.name }))
        files["roc.svg"] = SVGChart.lineChart(
            title: "ROC curve on the test split (AUC \(fmt(m.rocAuc)))",
            series: [(name: "svc", points: Metrics.rocCurve(scores: o.testDecision, actual: o.testActual))],
            xLabel: "false positive rate", yLabel: "true positive rate", diagonal: true)
        files["confusion.svg"] = SVGChart.confusionMatrix(
            title: "Confusion matrix on the test split", labels: ["kept buying", "dropped"],
            counts: [[m.trueNegatives, m.falsePositives], [m.falseNegatives, m.truePositives]])
        let order = o.importance.indices.sorted { o.importance[$0] > o.importance[$1] }
        let top5 = Array(order.prefix(5))
        files["importance.svg"] = SVGChart.barChart(
            title: "Mean |contribution to probability| over the test split",
            labels: order.map { spec.features[$0].name }, values: order.map { o.importance[$0] },
            xLabel: "mean |Shapley value|", highlight: Set(0..<min(5, order.count)))
        let t = a.thresholds
        files["segment.svg"] = SVGChart.scatter(
            title: "Profit vs probability of lower activity (all clients)",
            points: zip(o.clients, o.allProbabilities).map { c, p in
                (x: p, y: c.profit, highlighted: p >= t.probability && c.profit >= t.profit)
            },
            xLabel: "probability of lower activity", yLabel: "monthly profit",
            shade: (xMin: t.probability, yMin: t.profit))

        var md = "# Churn model report\n\n"
        md += "Model: SVC (rbf, C=\(fmt(a.svc.c, digits: 4)), gamma=\(fmt(a.svc.gamma, digits: 6)) from \"scale\", \(a.scaler.kind.rawValue) scaler), \(a.svc.supportVectors.count) support vectors, libsvm \(a.training.libsvmVersion), seed \(a.training.seed).\n"
        md += "Split: \(a.training.trainIds.count) training and \(a.training.testIds.count) test clients, stratified.\n\n"
        md += "One split's test figures move by about ±0.02 from split to split; `churn evaluate --repeats N` gives the mean and spread to compare with.\n\n"
        md += "## Cleaning\n\n"
        md += MarkdownTable.render(header: ["step", "count", "detail"],
                                   rows: a.training.cleaning.map { [$0.step, String($0.count), $0.detail] }, alignRight: [1])
        md += "\n## Model selection\n\n![CV F1](cv_f1.svg)\n\n"
        md += MarkdownTable.render(
            header: ["family", "scaler", "best hyperparameters", "CV F1", "sd over folds"],
            rows: o.cvTable.map { [$0.family, $0.scaler.rawValue, Trainer.formatParams($0.params), fmt($0.cvF1), fmt($0.cvF1Sd)] },
            alignRight: [3, 4])
        md += "\nExported: the best SVC, \(a.training.selected.scaler.rawValue) scaler, \(Trainer.formatParams(a.training.selected.params)) (CV F1 \(fmt(a.training.selected.cvF1))).\n\n"
        md += "## Test split\n\n"
        md += MarkdownTable.render(header: ["F1", "precision", "recall", "ROC-AUC", "Brier"],
                                   rows: [[fmt(m.f1), fmt(m.precision), fmt(m.recall), fmt(m.rocAuc), fmt(m.brier)]],
                                   alignRight: [0, 1, 2, 3, 4])
        md += "\n![ROC](roc.svg)\n\n![Confusion matrix](confusion.svg)\n\n"
        md += "### Calibration (are the probabilities what they say?)\n\n"
        md += MarkdownTable.render(
            header: ["probability bin", "clients", "mean predicted", "observed rate"],
            rows: m.calibration.map { ["[\(fmt($0.lower, digits: 1)), \(fmt($0.upper, digits: 1)))", String($0.count), fmt($0.meanPredicted), fmt($0.observedRate)] },
            alignRight: [1, 2, 3])
        md += "\n## Feature importance\n\n![Importance](importance.svg)\n\n"
        md += MarkdownTable.render(
            header: ["rank", "this model", "the study (SHAP)"],
            rows: (0..<5).map { [String($0 + 1), $0 < top5.count ? spec.features[top5[$0]].name : "", Trainer.studyTopFive[$0]] })
        let shared = Set(top5.map { spec.features[$0].name }).intersection(Trainer.studyTopFive).count
        md += "\n\(shared) of the study's top 5 are in this model's top 5.\n\n"
        md += "## Alert segment\n\n![Segment](segment.svg)\n\n"
        md += "Alert when profit ≥ \(fmt(t.profit)) (mean profit of the cleaned clients) and probability ≥ \(fmt(t.probability)) (smallest cut with out-of-fold precision ≥ \(fmt(t.targetPrecision, digits: 2)) on the training split: precision \(fmt(t.precisionAtCut)), recall \(fmt(t.recallAtCut))).\n"
        let inSegment = zip(o.clients, o.allProbabilities).filter { $0.1 >= t.probability && $0.0.profit >= t.profit }.count
        md += "\(inSegment) of \(o.clients.count) clients are in the segment today: keep them on the site longer (time on the site and pages per visit weigh most) and give them more marketing contacts.\n"
        files["report.md"] = md
        return files
    }
}
