import Foundation
import QuarryCore

/// Makes passages of the sentences of real ones (see text-scale-bench), deterministically from a seed.
struct PassageRecombiner {
    private let sentences: [(text: String, seed: Int)]
    private let seeds: [NewPassage]
    private let noise: Float
    private var random: SplitMix64

    init(seeds: [NewPassage], noise: Float, seed: UInt64) {
        self.seeds = seeds
        self.noise = noise
        random = SplitMix64(seed: seed)
        sentences = seeds.enumerated().flatMap { offset, passage in
            Self.sentences(of: passage.text).map { (text: $0, seed: offset) }
        }
    }

    /// The next passage: sentences drawn at random up to a seed passage's length, and the
    /// vector of its first sentence's passage with noise.
    mutating func next() -> NewPassage {
        let wanted = seeds[random.below(seeds.count)].text.count
        let first = sentences[random.below(sentences.count)]
        var text = first.text
        while text.count < wanted { text += sentences[random.below(sentences.count)].text }
        let base = seeds[first.seed]
        var vector = base.vector.map { $0 + noise * random.gaussian() }
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        vector = vector.map { $0 / norm }
        return NewPassage(TextDocument.Passage(text: text, chapter: base.chapter), vector: vector)
    }

    /// The sentences of a text, each with its closing punctuation or line break.
    static func sentences(of text: String) -> [String] {
        var found: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if "。！？!?\n".contains(character) {
                if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { found.append(current) }
                current = ""
            }
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { found.append(current) }
        return found
    }
}

/// SplitMix64: a small seedable generator, so the same seed gives the same collection.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<bound.
    mutating func below(_ bound: Int) -> Int { Int(nextUInt64() % UInt64(bound)) }

    /// A standard normal value (Box–Muller).
    mutating func gaussian() -> Float {
        let u1 = Double(nextUInt64() >> 11 | 1) / Double(1 << 53)
        let u2 = Double(nextUInt64() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
}
