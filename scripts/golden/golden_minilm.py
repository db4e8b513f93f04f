#!/usr/bin/env python3
"""Write Tests/EmbeddingsTests/Fixtures/minilm-l6.json (run in .venv-golden).

Reference: sentence-transformers loading the local folder models/minilm-l6
(offline: HF_HUB_OFFLINE=1), i.e. BertModel + mean pooling over the attention
mask + L2 normalisation, max_seq_length 256. Token ids: the tokenizer that
sentence-transformers itself uses (transformers BertTokenizer, fast backend,
from the shipped tokenizer.json / vocab.txt), truncation at 256 including
[CLS]/[SEP]. Cross-checks: the ids against a WordPiece tokenizer built only
from vocab.txt (tokenizers.BertWordPieceTokenizer, lowercase) and against
transformers' pure-Python BertTokenizerLegacy; the vectors against a plain
transformers BertModel + mean pooling.
"""
import hashlib
import json
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "EmbeddingsTests", "Fixtures")
MODEL_DIR = os.path.join(ROOT, "models", "minilm-l6")
sys.path.insert(0, HERE)

from fixtures_io import dump_fixture, rounded  # noqa: E402

MAX_LEN = 256


def main():
    torch.set_num_threads(2)
    from sentence_transformers import SentenceTransformer
    from tokenizers import BertWordPieceTokenizer
    from transformers import AutoModel, BertTokenizerLegacy

    with open(os.path.join(FIXTURES, "sentences.json"), encoding="utf-8") as f:
        sentences = json.load(f)["sentences"]
    st = SentenceTransformer(MODEL_DIR, device="cpu")
    assert st.max_seq_length == MAX_LEN
    tok = st.tokenizer
    plain = BertWordPieceTokenizer(os.path.join(MODEL_DIR, "vocab.txt"), lowercase=True)
    plain.enable_truncation(MAX_LEN)
    legacy = BertTokenizerLegacy(os.path.join(MODEL_DIR, "vocab.txt"), do_lower_case=True)
    bert = AutoModel.from_pretrained(MODEL_DIR).eval()

    texts = [s["text"] for s in sentences]
    vecs = st.encode(texts, batch_size=8, convert_to_numpy=True, normalize_embeddings=False)
    entries, worst, mismatch_legacy = [], 1.0, []
    for s, vec in zip(sentences, vecs):
        enc = tok(s["text"], truncation=True, max_length=MAX_LEN)
        ids = list(enc["input_ids"])
        full = len(tok(s["text"], add_special_tokens=False)["input_ids"])
        if plain.encode(s["text"]).ids != ids:
            raise SystemExit("vocab.txt-only WordPiece disagrees for %s" % s["id"])
        leg = legacy(s["text"], truncation=True, max_length=MAX_LEN)["input_ids"]
        if list(leg) != ids:
            mismatch_legacy.append(s["id"])
        # plain transformers forward + mean pooling + L2 (cross-check of the ST vector)
        with torch.no_grad():
            out = bert(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                       token_type_ids=torch.zeros(1, len(ids), dtype=torch.long)).last_hidden_state[0]
        v = out.mean(0)
        v = (v / v.norm()).numpy()
        cos = float(v @ vec / np.linalg.norm(vec))
        worst = min(worst, cos)
        assert abs(float(np.linalg.norm(vec)) - 1) < 1e-4
        entries.append({
            "id": s["id"], "text": s["text"], "ids": ids, "wordpieces": full,
            "truncated": full + 2 > MAX_LEN, "vector": rounded(vec),
        })
        print("  %-22s %4d ids (%d wordpieces)  cos(transformers, ST) %.7f" % (s["id"], len(ids), full, cos))
    if worst < 0.99999:
        raise SystemExit("sentence-transformers vs transformers cosine %.6f" % worst)
    if mismatch_legacy:
        print("note: pure-Python BertTokenizerLegacy differs on:", ", ".join(mismatch_legacy))

    with open(os.path.join(MODEL_DIR, "model.safetensors"), "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    import sentence_transformers
    import transformers
    fixture = {
        "model": "minilm-l6",
        "reference": "sentence-transformers==%s (transformers==%s, torch==%s) SentenceTransformer('models/minilm-l6')"
                     ".encode(texts) on CPU" % (sentence_transformers.__version__, transformers.__version__,
                                                torch.__version__),
        "weights_sha256": sha,
        "dimension": 384,
        "max_tokens": MAX_LEN,
        "special_ids": {"pad": 0, "unk": 100, "cls": 101, "sep": 102, "mask": 103},
        "notes": [
            "ids: [CLS] + wordpieces + [SEP], truncated to max_tokens (keep the first max_tokens - 2 wordpieces);"
            " 'wordpieces' is the untruncated wordpiece count, 'truncated' = wordpieces + 2 > max_tokens.",
            "tokenizer: BERT uncased basic tokenizer (clean text: drop U+0000, U+FFFD and control characters,"
            " whitespace -> space; spaces around CJK ideographs; lower-case; NFD + drop combining marks),"
            " split on whitespace and punctuation, then greedy longest-match-first WordPiece with '##'"
            " continuations, max 100 chars per word else [UNK]. Literal special-token strings in the text"
            " ([CLS], [SEP], [UNK], [PAD], [MASK]) are matched as special tokens by the reference tokenizer.",
            "vector: mean of the last hidden states over all ids (attention mask all ones, token_type_ids 0),"
            " L2-normalised; 384 float32 values rounded to 8 significant digits.",
        ],
        "entries": entries,
    }
    if mismatch_legacy:
        fixture["notes"].append("transformers' pure-Python BertTokenizerLegacy gives different ids for: "
                                + ", ".join(mismatch_legacy) + " (the fast tokenizer used by"
                                " sentence-transformers is the reference).")
    dump_fixture(os.path.join(FIXTURES, "minilm-l6.json"), fixture)
    print("minilm-l6.json: %d sentences; min cos(transformers, sentence-transformers) %.7f" % (len(entries), worst))


if __name__ == "__main__":
    main()
