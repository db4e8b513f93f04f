extension IndexFactory {
    /// The fewest vectors an index of type `factory` can be trained on: the largest number of
    /// k-means centroids any of its parts learns (IVF lists, 2^bits codes per product-quantizer
    /// part), 1 for parts that only learn ranges or a projection, and 0 for an index that needs
    /// no training (`Flat`, `HNSW32,Flat`, `SQfp16`).
    /// - Throws: ``FaissError/invalidFactory(_:reason:)`` when `factory` is not valid for `dimension`.
    public static func minimumTrainingVectors(_ factory: String, dimension: Int) throws(FaissError) -> Int {
        try validate(factory, dimension: dimension)
        return factory.split(separator: ",").map { component -> Int in
            let name = String(component)
            if name.hasPrefix("IVF") {
                return number(after: "IVF", in: String(name.split(separator: "_")[0])) ?? 1
            }
            if name.hasPrefix("PQ") || name.hasPrefix("OPQ") {
                let bits = name.split(separator: "x").dropFirst().first.flatMap { Int($0) } ?? 8
                return name.hasPrefix("PQ") ? 1 << bits : 1 << 8
            }
            if name.hasPrefix("PCA") || (isScalarQuantizer(name) && name != "SQfp16") { return 1 }
            return 0
        }.max() ?? 0
    }
}
