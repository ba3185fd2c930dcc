import Foundation
@testable import ChurnTraining

/// The course tables, when this machine has them (`../shared/data/one-click` from the package root).
enum ShopData {
    static let directory: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.deletingLastPathComponent().appendingPathComponent("shared/data/one-click").path
    }()

    static var available: Bool {
        FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(ShopTables.marketFile))
    }




    static let tables: ShopTables? = available ? try? ShopTables.load(directory: directory) : nil
}

import Testing

extension Trait where Self == ConditionTrait {
    /// Runs the test only where the course tables are present; says why otherwise.
    static var needsShopTables: Self {
        .enabled(if: ShopData.available, "skipped: the course tables are not at ../shared/data/one-click")
    }
}
