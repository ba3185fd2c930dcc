import Foundation
import Testing
@testable import ChurnModel

@Suite struct ScalerTests {
    @Test func standardUsesMeanAndPopulationSD() {
        // Mean 5; population sd exactly 2 (sample sd would be 2.138…).
        let s = Scaler.fit(.standard, columns: [[2, 4, 4, 4, 5, 5, 7, 9], [1, 2, 3, 4]])
        #expect(s.kind == .standard)
        #expect(s.offset == [5, 2.5])
        #expect(s.scale[0] == 2)
        #expect(abs(s.scale[1] - 1.25.squareRoot()) <= 1e-15)
    }

    @Test func standardConstantColumnGetsScaleOne() {
        let s = Scaler.fit(.standard, columns: [[3.5, 3.5, 3.5], [7]])
        #expect(s.offset == [3.5, 7])
        #expect(s.scale == [1, 1])
        let enc = FeatureEncoder(spec: oneNumericSpec, scaler: Scaler(kind: .standard, offset: [s.offset[0]], scale: [s.scale[0]]))
        #expect(enc.encode([3.5]) == [0])
    }

    @Test func minmaxUsesMinAndRange() {
        let s = Scaler.fit(.minmax, columns: [[3, -1, 7, 0], [2, 2], [-5, -10]])
        #expect(s.kind == .minmax)
        #expect(s.offset == [-1, 2, -10])
        #expect(s.scale == [8, 1, 5])
    }

    @Test(arguments: ScalerKind.allCases)
    func emptyColumnDoesNotProduceNaN(kind: ScalerKind) {
        let s = Scaler.fit(kind, columns: [[]])
        #expect(s.offset.count == 1 && s.scale.count == 1)
        #expect(s.offset[0].isFinite)
        #expect(s.scale[0] == 1)
    }

    @Test func fitOnNumericColumnsOfRows() {
        var rng = SplitMix64(seed: 11)
        let rows = (0..<50).map { _ in Fixtures.rawVector(&rng) }
        let columns = FeatureEncoder.numericColumns(of: rows, spec: .standard)
        #expect(columns.count == 13)
        for (c, raw) in FeatureSpec.standard.numericIndices.enumerated() {
            #expect(columns[c] == rows.map { $0[raw] })
        }
        // Fitted on the training rows, a standard scaler makes every numeric column mean 0, sd 1.
        let enc = FeatureEncoder(spec: .standard, scaler: Scaler.fit(.standard, columns: columns))
        let encoded = rows.map { enc.encode($0) }
        for c in 0..<13 {
            let v = encoded.map { $0[c] }
            let mean = v.reduce(0, +) / Double(v.count)
            let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)
            #expect(abs(mean) <= 1e-12)
            #expect(abs(variance - 1) <= 1e-12)
        }
    }

    let oneNumericSpec = FeatureSpec(features: [Feature(name: "a", source: "t:a", kind: .numeric, description: "a")],
                                     promoLevelCut: 0.5)
}

@Suite struct FeatureEncoderTests {
    let spec = FeatureSpec.standard
    /// Encoded column of the first kept level of each categorical input of the standard spec.
    static let serviceTypeColumn = 13, allowMessagingColumn = 14, promoLevelColumn = 15, popularCategoryColumn = 16

    func encoder(seed: UInt64 = 5) -> FeatureEncoder {
        var rng = SplitMix64(seed: seed)
        return FeatureEncoder(spec: spec, scaler: Fixtures.scaler(&rng))
    }

    @Test func widthIs21() {
        #expect(spec.count == 17)
        #expect(spec.encodedWidth == 21)
        let enc = encoder()
        #expect(enc.width == 21)
        var rng = SplitMix64(seed: 1)
        #expect(enc.encode(Fixtures.rawVector(&rng)).count == 21)
    }

    @Test func numericIndicesOfStandardSpec() {
        #expect(spec.numericIndices == [2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16])
    }

    @Test func numericsAreScaledInOrder() {
        let enc = encoder()
        var rng = SplitMix64(seed: 2)
        for _ in 0..<100 {
            let raw = Fixtures.rawVector(&rng, scaler: enc.scaler)
            let x = enc.encode(raw)
            for (c, r) in spec.numericIndices.enumerated() {
                #expect(x[c] == (raw[r] - enc.scaler.offset[c]) / enc.scaler.scale[c], "column \(c) from raw \(r)")
            }
        }
    }

    @Test func numericColumnTracksOnlyItsRawInput() {
        // Changing one numeric raw input changes exactly its encoded column.
        let enc = encoder()
        var rng = SplitMix64(seed: 3)
        let raw = Fixtures.rawVector(&rng, scaler: enc.scaler)
        let base = enc.encode(raw)
        for (c, r) in spec.numericIndices.enumerated() {
            var changed = raw
            changed[r] += 1
            let x = enc.encode(changed)
            for j in 0..<21 {
                if j == c {
                    #expect(abs(x[j] - base[j] - 1 / enc.scaler.scale[c]) <= 1e-12)
                } else {
                    #expect(x[j] == base[j], "raw \(r) moved column \(j)")
                }
            }
        }
    }

    @Test func oneHotDropsFirstCategory() {
        let enc = encoder()
        var rng = SplitMix64(seed: 4)
        let cases: [(raw: Int, column: Int, levels: Int)] = [
            (FeatureSpec.Index.serviceType, Self.serviceTypeColumn, 1),
            (FeatureSpec.Index.allowMessaging, Self.allowMessagingColumn, 1),
            (FeatureSpec.Index.promoLevel, Self.promoLevelColumn, 1),
            (FeatureSpec.Index.popularCategory, Self.popularCategoryColumn, 5),
        ]
        for c in cases {
            #expect(spec.features[c.raw].categories.count == c.levels + 1)
            for level in 0...c.levels {
                var raw = Fixtures.rawVector(&rng, scaler: enc.scaler)
                raw[c.raw] = Double(level)
                let block = Array(enc.encode(raw)[c.column..<(c.column + c.levels)])
                var expected = [Double](repeating: 0, count: c.levels)
                if level > 0 { expected[level - 1] = 1 }
                #expect(block == expected, "\(spec.features[c.raw].name) = \(level)")
            }
        }
    }

    @Test func allCategoricalBlocksTogether() {
        let enc = encoder()
        var raw = [Double](repeating: 10, count: 17)
        raw[FeatureSpec.Index.serviceType] = 1
        raw[FeatureSpec.Index.allowMessaging] = 0
        raw[FeatureSpec.Index.promoLevel] = 1
        raw[FeatureSpec.Index.popularCategory] = 3
        #expect(Array(enc.encode(raw)[13...]) == [1, 0, 1, 0, 0, 1, 0, 0])
    }

    @Test(arguments: [6.0, 7, -1, 2.5, 1e300, -1e300, .nan, .infinity, -.infinity])
    func outOfRangeCategoryEncodesAsReferenceLevel(value: Double) {
        let enc = encoder()
        var raw = [Double](repeating: 50, count: 17)
        raw[FeatureSpec.Index.serviceType] = 1
        raw[FeatureSpec.Index.popularCategory] = value
        let x = enc.encode(raw)
        #expect(Array(x[16..<21]) == [0, 0, 0, 0, 0])
        // The other blocks are untouched.
        #expect(x[13] == 1)
        var reference = raw
        reference[FeatureSpec.Index.popularCategory] = 0
        #expect(x == enc.encode(reference))
    }

    @Test func outOfRangeCategoryTouchesNoOtherColumn() {
        // One past the last category, negative, fractional and non-finite indices, for every categorical
        // input and with every other block at its reference or at a kept level.
        let enc = encoder()
        var rng = SplitMix64(seed: 8)
        for (i, f) in spec.features.enumerated() where f.kind == .categorical {
            let n = Double(f.categories.count)
            for bad in [n, n + 1, -1, -2, 0.5, n - 0.5, 1e300, .nan, .infinity, -.infinity] {
                for _ in 0..<4 {
                    var raw = Fixtures.rawVector(&rng, scaler: enc.scaler)
                    raw[i] = bad
                    var reference = raw
                    reference[i] = 0
                    #expect(enc.encode(raw) == enc.encode(reference), "\(f.name) = \(bad)")
                }
            }
        }
    }

    @Test func encodeIntoReusedBufferOverwritesEveryColumn() {
        let enc = encoder()
        var rng = SplitMix64(seed: 9)
        var buffer = [Double](repeating: 99, count: 21)
        for _ in 0..<50 {
            let raw = Fixtures.rawVector(&rng, scaler: enc.scaler)
            raw.withUnsafeBufferPointer { r in buffer.withUnsafeMutableBufferPointer { enc.encode(r, into: $0) } }
            #expect(buffer == enc.encode(raw))
        }
        // A stale 1 from a previous category does not survive.
        var raw = [Double](repeating: 0, count: 17)
        raw[FeatureSpec.Index.popularCategory] = 5
        raw.withUnsafeBufferPointer { r in buffer.withUnsafeMutableBufferPointer { enc.encode(r, into: $0) } }
        raw[FeatureSpec.Index.popularCategory] = 0
        raw.withUnsafeBufferPointer { r in buffer.withUnsafeMutableBufferPointer { enc.encode(r, into: $0) } }
        #expect(Array(buffer[16..<21]) == [0, 0, 0, 0, 0])
    }

    @Test func encodedNamesCountAndOrder() {
        let names = spec.encodedNames
        #expect(names.count == 21)
        #expect(names == [
            "market_activity_6m", "market_activity_current", "tenure_days", "promo_share",
            "categories_per_visit", "unpaid_items_quarter", "service_errors", "pages_per_visit",
            "revenue_before_previous", "revenue_previous", "revenue_current", "minutes_previous", "minutes_current",
            "service_type=standard", "allow_messaging=no", "promo_level=high",
            "popular_category=Косметика и аксесуары", "popular_category=Кухонная посуда",
            "popular_category=Мелкая бытовая техника и электроника",
            "popular_category=Техника для красоты и здоровья", "popular_category=Товары для детей",
        ])
        #expect(Set(names).count == names.count)
    }

    @Test func encodedNamesMatchEncoderLayout() throws {
        // Setting category k of a categorical sets exactly the column named "feature=category_k".
        let enc = encoder()
        let names = spec.encodedNames
        for (i, f) in spec.features.enumerated() where f.kind == .categorical {
            for (k, category) in f.categories.enumerated().dropFirst() {
                var raw = [Double](repeating: 0, count: 17)
                for (c, r) in spec.numericIndices.enumerated() { raw[r] = enc.scaler.offset[c] }
                raw[i] = Double(k)
                let x = enc.encode(raw)
                let column = try #require(names.firstIndex(of: "\(f.name)=\(category)"))
                #expect(x[column] == 1)
                #expect(x.enumerated().allSatisfy { $0.offset == column || $0.element == 0 })
            }
        }
    }

    @Test func indexConstantsMatchSpec() {
        let s = spec
        #expect(s.index(of: "service_type") == FeatureSpec.Index.serviceType)
        #expect(s.index(of: "allow_messaging") == FeatureSpec.Index.allowMessaging)
        #expect(s.index(of: "market_activity_6m") == FeatureSpec.Index.marketActivity6m)
        #expect(s.index(of: "market_activity_current") == FeatureSpec.Index.marketActivityCurrent)
        #expect(s.index(of: "tenure_days") == FeatureSpec.Index.tenureDays)
        #expect(s.index(of: "promo_share") == FeatureSpec.Index.promoShare)
        #expect(s.index(of: "promo_level") == FeatureSpec.Index.promoLevel)
        #expect(s.index(of: "popular_category") == FeatureSpec.Index.popularCategory)
        #expect(s.index(of: "categories_per_visit") == FeatureSpec.Index.categoriesPerVisit)
        #expect(s.index(of: "unpaid_items_quarter") == FeatureSpec.Index.unpaidItemsQuarter)
        #expect(s.index(of: "service_errors") == FeatureSpec.Index.serviceErrors)
        #expect(s.index(of: "pages_per_visit") == FeatureSpec.Index.pagesPerVisit)
        #expect(s.index(of: "revenue_before_previous") == FeatureSpec.Index.revenueBeforePrevious)
        #expect(s.index(of: "revenue_previous") == FeatureSpec.Index.revenuePrevious)
        #expect(s.index(of: "revenue_current") == FeatureSpec.Index.revenueCurrent)
        #expect(s.index(of: "minutes_previous") == FeatureSpec.Index.minutesPrevious)
        #expect(s.index(of: "minutes_current") == FeatureSpec.Index.minutesCurrent)
        #expect(s.index(of: "nope") == nil)
        #expect(s.promoLevel(forShare: 0.5) == 0)
        #expect(s.promoLevel(forShare: 0.51) == 1)
    }
}
