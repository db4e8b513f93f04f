import CQuantKernels

/// The SIMD code path of the quantised and fp32 kernels (`CQuantKernels`), chosen at run
/// time from the CPU's features.
public enum SIMDLevel: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case scalar = 0
    case avx2 = 1
    case avx512 = 2
    case avx512VNNI = 3

    /// The path in use now.
    public static var current: SIMDLevel { SIMDLevel(rawValue: Int(qk_cpu_level())) ?? .scalar }
    /// The best path this CPU supports.
    public static var detected: SIMDLevel { SIMDLevel(rawValue: Int(qk_cpu_detected_level())) ?? .scalar }

    /// Restricts the kernels to `level` or lower (for tests and comparisons); `nil` lifts the
    /// restriction. Process-wide; do not change it while encoders are running.
    public static func limit(to level: SIMDLevel?) { qk_set_max_level(Int32(level?.rawValue ?? -1)) }

    public static func < (a: SIMDLevel, b: SIMDLevel) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .scalar: return "scalar"
        case .avx2: return "avx2"
        case .avx512: return "avx512"
        case .avx512VNNI: return "avx512-vnni"
        }
    }
}
