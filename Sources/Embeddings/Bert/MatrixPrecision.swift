import CQuantKernels

/// Arithmetic of the matrix products of an encoder whose weights are stored in fp32.
public enum MatrixPrecision: Sendable, Hashable {
    /// fp32 weights and activations, fp32 accumulation: agrees with PyTorch to ~1e-7.
    case float32
    /// Weights and activations rounded to bf16 for the matrix products, fp32 accumulation
    /// (LayerNorm, GELU, softmax and pooling stay fp32). Twice the speed of `float32` on
    /// CPUs with AVX-512 BF16; on all-MiniLM-L6-v2's golden fixtures the cosine to
    /// sentence-transformers is ≥ 0.99996. Without AVX-512 BF16 this runs slow portable code.
    case bfloat16
    /// `bfloat16` where the CPU has AVX-512 BF16, `float32` elsewhere.
    case automatic

    /// The precision actually used on this CPU.
    public var resolved: MatrixPrecision {
        switch self {
        case .automatic: return qk_bf16_fast() != 0 ? .bfloat16 : .float32
        default: return self
        }
    }
}
