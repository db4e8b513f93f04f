import CFaiss

/// How an index compares vectors.
public enum Metric: String, Sendable, Codable, CaseIterable {
    /// Larger is closer; on L2-normalised vectors this is cosine similarity.
    case innerProduct = "inner_product"
    /// Squared Euclidean distance; smaller is closer.
    case l2

    init(_ raw: Int32) {
        self = raw == Int32(QF_METRIC_L2.rawValue) ? .l2 : .innerProduct
    }

    var native: QFMetric {
        switch self {
        case .innerProduct: QF_METRIC_INNER_PRODUCT
        case .l2: QF_METRIC_L2
        }
    }
}
