import Foundation

/// SplitMix64: a small, fast, seedable generator. Every random choice of the
/// benchmark comes from one of these, so a seed reproduces the data bit for bit.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    private var spareGaussian: Float?

    /// A generator for one purpose (`stream`) of one benchmark seed; different
    /// streams give independent sequences.
    init(seed: UInt64, stream: UInt64) {
        state = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound`.
    mutating func below(_ bound: Int) -> Int {
        Int(next(upperBound: UInt64(bound)))
    }

    /// A standard normal value (Box–Muller, both values of each pair used).
    mutating func gaussian() -> Float {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        let radius = (-2 * log(Double(next() >> 11 | 1) * 0x1p-53)).squareRoot()
        let angle = 2 * Double.pi * Double(next() >> 11) * 0x1p-53
        spareGaussian = Float(radius * sin(angle))
        return Float(radius * cos(angle))
    }
}
