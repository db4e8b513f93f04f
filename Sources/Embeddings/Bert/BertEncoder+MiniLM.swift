import Foundation

extension BertEncoder {
    /// Registry name of all-MiniLM-L6-v2.
    public static let miniLMName = "minilm-l6"

    /// Loads all-MiniLM-L6-v2 (or another BERT sentence-transformers model with mean pooling)
    /// from a directory with `config.json`, `vocab.txt` and `model.safetensors`
    /// (`models/minilm-l6/`). Optional: `tokenizer_config.json` (`do_lower_case`,
    /// `strip_accents`, `tokenize_chinese_chars`) and `sentence_bert_config.json`
    /// (`max_seq_length`, default 256).
    ///
    /// Weights are fp32; `precision` chooses the arithmetic of the matrix products (by default
    /// bf16 where the CPU has AVX-512 BF16, which doubles the speed at a cosine ≥ 0.99996 to
    /// the fp32 reference; ``MatrixPrecision/float32`` for fp32 everywhere). No prefixes;
    /// texts longer than `max_seq_length` tokens are truncated (``LongInputPolicy/truncate``),
    /// as sentence-transformers does.
    public static func miniLM(
        directory: URL, name: String = miniLMName, precision: MatrixPrecision = .automatic,
        options: Options = Options()
    ) throws -> BertEncoder {
        func json(_ file: String, required: Bool) throws -> [String: Any]? {
            let url = directory.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else {
                if required { throw EmbeddingError.fileUnreadable(path: url.path, reason: "no such file") }
                return nil
            }
            do {
                let data = try Data(contentsOf: url)
                guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    throw EmbeddingError.invalidModelFile(path: url.path, reason: "not a JSON object")
                }
                return object
            } catch let e as EmbeddingError {
                throw e
            } catch {
                throw EmbeddingError.invalidModelFile(path: url.path, reason: "\(error)")
            }
        }
        let configPath = directory.appendingPathComponent("config.json").path
        let configuration = try json("config.json", required: true)!
        func int(_ key: String) throws -> Int {
            guard let value = configuration[key] as? Int else {
                throw EmbeddingError.invalidModelFile(path: configPath, reason: "missing integer \(key)")
            }
            return value
        }
        if let activation = configuration["hidden_act"] as? String, activation != "gelu" {
            throw EmbeddingError.unsupportedConfiguration("\(configPath): hidden_act \(activation) (only exact gelu)")
        }
        if let positionEmbedding = configuration["position_embedding_type"] as? String, positionEmbedding != "absolute" {
            throw EmbeddingError.unsupportedConfiguration("\(configPath): position_embedding_type \(positionEmbedding)")
        }
        let config = BertConfiguration(
            hiddenSize: try int("hidden_size"), layerCount: try int("num_hidden_layers"),
            headCount: try int("num_attention_heads"), intermediateSize: try int("intermediate_size"),
            vocabularySize: try int("vocab_size"), maxPositions: try int("max_position_embeddings"),
            tokenTypeCount: (configuration["type_vocab_size"] as? Int) ?? 2,
            layerNormEpsilon: Float((configuration["layer_norm_eps"] as? Double) ?? 1e-12))
        try config.validate()

        let tokConfig = try json("tokenizer_config.json", required: false) ?? [:]
        let lowercase = (tokConfig["do_lower_case"] as? Bool) ?? true
        let tokenizer = try WordPieceTokenizer(
            vocabularyFile: directory.appendingPathComponent("vocab.txt"),
            options: .init(
                lowercase: lowercase, stripAccents: tokConfig["strip_accents"] as? Bool,
                splitCJK: (tokConfig["tokenize_chinese_chars"] as? Bool) ?? true))
        let stConfig = try json("sentence_bert_config.json", required: false) ?? [:]
        let maxTokens = min((stConfig["max_seq_length"] as? Int) ?? 256, config.maxPositions)

        let st = try SafeTensors(contentsOf: directory.appendingPathComponent("model.safetensors"))
        let prefix = st.contains("bert.embeddings.word_embeddings.weight") ? "bert." : ""
        let h = config.hiddenSize
        let ff = config.intermediateSize
        func floats(_ n: String, _ shape: [Int]) throws -> [Float] {
            do {
                return try st.floats(prefix + n, expectedShape: shape)
            } catch let e as SafeTensorsError {
                switch e {
                case .tensorNotFound: throw EmbeddingError.missingTensor(path: st.path, name: prefix + n)
                default: throw EmbeddingError.tensorMismatch(path: st.path, name: prefix + n, reason: "\(e)")
                }
            }
        }
        func norm(_ p: String) throws -> LayerNormWeights {
            LayerNormWeights(gamma: try floats(p + ".weight", [h]), beta: try floats(p + ".bias", [h]))
        }
        var layers: [BertLayerWeights] = []
        for l in 0..<config.layerCount {
            let p = "encoder.layer.\(l)."
            let a = p + "attention.self."
            let qkvW = try floats(a + "query.weight", [h, h]) + floats(a + "key.weight", [h, h]) + floats(a + "value.weight", [h, h])
            let qkvB = try floats(a + "query.bias", [h]) + floats(a + "key.bias", [h]) + floats(a + "value.bias", [h])
            layers.append(
                BertLayerWeights(
                    qkv: LinearLayer(dense: qkvW, bias: qkvB, outputs: 3 * h, inputs: h, precision: precision),
                    attentionOutput: LinearLayer(
                        dense: try floats(p + "attention.output.dense.weight", [h, h]),
                        bias: try floats(p + "attention.output.dense.bias", [h]), outputs: h, inputs: h,
                        precision: precision),
                    attentionNorm: try norm(p + "attention.output.LayerNorm"),
                    intermediate: LinearLayer(
                        dense: try floats(p + "intermediate.dense.weight", [ff, h]),
                        bias: try floats(p + "intermediate.dense.bias", [ff]), outputs: ff, inputs: h,
                        precision: precision),
                    output: LinearLayer(
                        dense: try floats(p + "output.dense.weight", [h, ff]),
                        bias: try floats(p + "output.dense.bias", [h]), outputs: h, inputs: ff, precision: precision),
                    outputNorm: try norm(p + "output.LayerNorm")))
        }
        let weights = BertWeights(
            tokenEmbeddings: .dense(AlignedBuffer(try floats("embeddings.word_embeddings.weight", [config.vocabularySize, h]))),
            positionEmbeddings: AlignedBuffer(try floats("embeddings.position_embeddings.weight", [config.maxPositions, h])),
            tokenTypeEmbeddings: AlignedBuffer(try floats("embeddings.token_type_embeddings.weight", [config.tokenTypeCount, h])),
            embeddingNorm: try norm("embeddings.LayerNorm"),
            layers: layers)
        guard tokenizer.vocabularySize <= config.vocabularySize else {
            throw EmbeddingError.invalidModelFile(
                path: directory.path,
                reason: "vocab.txt has \(tokenizer.vocabularySize) entries but the embedding table only \(config.vocabularySize) rows")
        }
        return try BertEncoder(
            name: name, configuration: config, tokenizer: tokenizer, prefixes: .none, longInputPolicy: .truncate,
            maxTokens: maxTokens, options: options, weights: weights)
    }
}
