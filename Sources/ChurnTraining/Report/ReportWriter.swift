import ChurnModel

/// The training report: markdown plus SVG charts, as file name → text.
public enum ReportWriter {
    public static func render(_ outcome: TrainingOutcome) -> [String: String] {
        ["report.md": "# report\n"]
    }
}
