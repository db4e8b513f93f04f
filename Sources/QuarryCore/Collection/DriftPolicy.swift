/// When a trained (IVF) index no longer fits its data and should be retrained:
/// the collection grew by more than a fraction since training, or its inverted
/// lists became badly unbalanced.
public struct DriftPolicy: Sendable, Equatable {
    /// Growth since training that calls for retraining (0.5 = 50% more vectors).
    public var maximumGrowth: Double
    /// FAISS's imbalance factor (1 = perfectly even lists) above which to retrain.
    public var maximumImbalance: Double

    public init(maximumGrowth: Double = 0.5, maximumImbalance: Double = 3) {
        self.maximumGrowth = maximumGrowth
        self.maximumImbalance = maximumImbalance
    }

    /// Why an index has drifted.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        case grown(trainedOn: Int, now: Int)
        case unbalanced(imbalanceFactor: Double)

        public var description: String {
            switch self {
            case .grown(let trainedOn, let now): "grown from \(trainedOn) to \(now) vectors since training"
            case .unbalanced(let imbalanceFactor): "inverted lists unbalanced (imbalance factor \(imbalanceFactor))"
            }
        }
    }
}
