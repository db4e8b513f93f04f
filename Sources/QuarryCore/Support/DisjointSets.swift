/// Union–find over the integers `0..<count`, with path halving and union by size.
struct DisjointSets {
    private var parents: [Int]
    private var sizes: [Int]

    init(count: Int) {
        parents = Array(0..<count)
        sizes = Array(repeating: 1, count: count)
    }

    /// The representative of `element`'s set.
    mutating func root(of element: Int) -> Int {
        var element = element
        while parents[element] != element {
            parents[element] = parents[parents[element]]
            element = parents[element]
        }
        return element
    }

    /// Joins the sets of `first` and `second`.
    mutating func union(_ first: Int, _ second: Int) {
        var (larger, smaller) = (root(of: first), root(of: second))
        guard larger != smaller else { return }
        if sizes[larger] < sizes[smaller] { swap(&larger, &smaller) }
        parents[smaller] = larger
        sizes[larger] += sizes[smaller]
    }
}
