import ChurnModel

/// The study's advice as rules: keep at-risk clients on the site longer and give them more
/// marketing contacts, plus the other levers the model weighs most. Each rule fires on a figure
/// of the client's, and is priced by a what-if: the model's probability with that one feature
/// moved to the typical value of clients who kept buying. Rules that would not lower the
/// probability are left out; the rest come largest effect first.
public struct Recommender: Sendable {
    /// One rule: when it fires, and what it says.
    struct Rule: Sendable {
        var action: String
        var feature: Int
        /// The figure the client's value is compared with.
        var reference: @Sendable (_ features: UnsafeBufferPointer<Double>, _ ref: FeatureReference) -> Double
        /// Fires when true for (value, reference).
        var fires: @Sendable (_ value: Double, _ reference: Double) -> Bool
        var text: @Sendable (_ value: Double, _ reference: Double, _ target: Double) -> String
    }

    typealias I = FeatureSpec.Index

    let scorer: ChurnScorer
    let reference: FeatureReference
    let spec: FeatureSpec
    let rules: [Rule]

    public init(scorer: ChurnScorer, reference: FeatureReference, spec: FeatureSpec) {
        self.scorer = scorer
        self.reference = reference
        self.spec = spec
        rules = Self.studyRules
    }

    static func figure(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    static let studyRules: [Rule] = [
        Rule(action: "more_marketing_contacts", feature: I.marketActivity6m,
             reference: { _, ref in ref.atRiskMean[I.marketActivity6m] },
             fires: { v, r in v < r },
             text: { v, r, t in
                 "\(figure(v)) marketing contacts a month over 6 months, below the at-risk average of \(figure(r)): raise them towards \(figure(t))"
             }),
        Rule(action: "keep_on_site", feature: I.minutesCurrent,
             reference: { f, _ in f[I.minutesPrevious] },
             fires: { v, r in v < r },
             text: { v, r, t in
                 "minutes on the site fell from \(figure(r)) to \(figure(v)) this month: bring the client back to the site (about \(figure(t)) minutes)"
             }),
        Rule(action: "improve_browsing", feature: I.pagesPerVisit,
             reference: { _, ref in ref.retainedTypical[I.pagesPerVisit] },
             fires: { v, r in v < r },
             text: { v, r, _ in
                 "\(figure(v)) pages per visit against \(figure(r)) for clients who kept buying: personalised recommendations to keep the visit going"
             }),
        Rule(action: "recover_unpaid_cart", feature: I.unpaidItemsQuarter,
             reference: { _, ref in ref.retainedTypical[I.unpaidItemsQuarter] },
             fires: { v, r in v > r },
             text: { v, r, _ in
                 "\(figure(v)) unpaid cart items in 90 days against \(figure(r)) typical: remind the client of the cart"
             }),
        Rule(action: "widen_categories", feature: I.categoriesPerVisit,
             reference: { _, ref in ref.retainedTypical[I.categoriesPerVisit] },
             fires: { v, r in v < r },
             text: { v, r, _ in
                 "\(figure(v)) categories per visit against \(figure(r)) typical: show related categories"
             }),
        Rule(action: "fix_service_errors", feature: I.serviceErrors,
             reference: { _, ref in ref.retainedTypical[I.serviceErrors] },
             fires: { v, r in v > r },
             text: { v, r, _ in
                 "\(figure(v)) service errors in 90 days against \(figure(r)) typical: check what went wrong for this client"
             }),
    ]

    /// Recommendations for a client with raw features `x` scored at `probability`.
    public func recommend(_ x: [Double], probability: Double) -> [Recommendation] {
        var out: [Recommendation] = []
        var z = x
        for rule in rules {
            let value = x[rule.feature]
            let ref = x.withUnsafeBufferPointer { rule.reference($0, reference) }
            guard rule.fires(value, ref) else { continue }
            let target = reference.retainedTypical[rule.feature]
            z[rule.feature] = target
            let p = z.withUnsafeBufferPointer { scorer.probability($0) }
            z[rule.feature] = value
            let effect = probability - p
            guard effect > 0 else { continue }
            out.append(Recommendation(action: rule.action, feature: spec.features[rule.feature].name, value: value,
                                      reference: ref, target: target, probabilityIf: p, effect: effect,
                                      text: rule.text(value, ref, target)))
        }
        return out.sorted { $0.effect > $1.effect || ($0.effect == $1.effect && $0.action < $1.action) }
    }
}
