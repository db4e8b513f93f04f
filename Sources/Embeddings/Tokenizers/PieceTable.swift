/// An immutable hash table from byte strings (UTF-8 token spellings) to token ids.
///
/// Keys are compared byte for byte. (`String` keys would not do: Swift compares strings by
/// canonical equivalence, so `"é"` and `"e\u{301}"` would collide although they are
/// different vocabulary entries.) Lookups never allocate.
struct PieceTable: Sendable {
    /// All spellings, concatenated.
    private let blob: [UInt8]
    /// `starts[i] ..< starts[i + 1]` is entry i's spelling in `blob`.
    private let starts: [Int32]
    private let ids: [Int32]
    /// Open addressing: entry index + 1, or 0 for an empty slot.
    private let slots: [Int32]
    private let hashes: [UInt32]
    private let mask: Int

    /// Builds the table from separate spellings. Later duplicates of a spelling are ignored
    /// (the first id wins).
    init(spellings: [[UInt8]], ids: [Int32]) {
        precondition(spellings.count == ids.count)
        var blob: [UInt8] = []
        blob.reserveCapacity(spellings.reduce(0) { $0 + $1.count })
        var starts: [Int32] = [0]
        starts.reserveCapacity(spellings.count + 1)
        for s in spellings {
            blob.append(contentsOf: s)
            starts.append(Int32(blob.count))
        }
        self.init(blob: blob, starts: starts, ids: ids)
    }

    /// Builds the table from concatenated spellings: entry `e` is
    /// `blob[starts[e] ..< starts[e + 1]]` with id `ids[e]`. Entries for which `include`
    /// returns false are left out. Later duplicates of a spelling are ignored.
    init(blob: [UInt8], starts: [Int32], ids: [Int32], include: (Int) -> Bool = { _ in true }) {
        precondition(starts.count == ids.count + 1)
        let n = ids.count
        var capacity = 16
        while capacity < n * 2 { capacity <<= 1 }
        var slots = [Int32](repeating: 0, count: capacity)
        var hashes = [UInt32](repeating: 0, count: capacity)
        let mask = capacity - 1
        blob.withUnsafeBufferPointer { b in
            for e in 0..<n where include(e) {
                let lo = Int(starts[e])
                let hi = Int(starts[e + 1])
                let h = PieceTable.hash(UnsafeBufferPointer(rebasing: b[lo..<hi]))
                var i = Int(h) & mask
                var duplicate = false
                while slots[i] != 0 {
                    let other = Int(slots[i]) - 1
                    if hashes[i] == h,
                        Int(starts[other + 1] - starts[other]) == hi - lo,
                        b[Int(starts[other])..<Int(starts[other + 1])].elementsEqual(b[lo..<hi])
                    {
                        duplicate = true
                        break
                    }
                    i = (i + 1) & mask
                }
                if !duplicate {
                    slots[i] = Int32(e + 1)
                    hashes[i] = h
                }
            }
        }
        self.blob = blob
        self.starts = starts
        self.ids = ids
        self.slots = slots
        self.hashes = hashes
        self.mask = mask
    }

    /// 32-bit FNV-1a.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    /// Continues an FNV-1a hash with more bytes.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, continuing h0: UInt32) -> UInt32 {
        var h = h0
        for b in bytes { h = (h ^ UInt32(b)) &* 16_777_619 }
        return h
    }

    static let emptyHash: UInt32 = 2_166_136_261

    /// The id of `bytes`, or nil. `hash` must be `PieceTable.hash(bytes)`.
    @inline(__always)
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt32) -> Int32? {
        var i = Int(h) & mask
        while true {
            let e = Int(slots[i])
            if e == 0 { return nil }
            if hashes[i] == h {
                let lo = Int(starts[e - 1])
                let hi = Int(starts[e])
                if hi - lo == bytes.count {
                    let equal = blob.withUnsafeBufferPointer { b in
                        memcmpEqual(b.baseAddress! + lo, bytes.baseAddress, bytes.count)
                    }
                    if equal { return ids[e - 1] }
                }
            }
            i = (i + 1) & mask
        }
    }

    /// The id of `bytes`, or nil.
    func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        lookup(bytes, hash: PieceTable.hash(bytes))
    }

    /// The id of a string's UTF-8 spelling, or nil.
    func lookup(_ s: String) -> Int32? {
        var s = s
        return s.withUTF8 { lookup($0) }
    }
}

@inline(__always)
private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, _ n: Int) -> Bool {
    guard n > 0, let b else { return true }
    for i in 0..<n where a[i] != b[i] { return false }
    return true
}
