#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<Target>/.

The seeds are committed; run this again only to change them (it rewrites every seed, and the
output is deterministic). JPEG and WebP seeds need Pillow; PNG files are written here directly so
that every colour type, bit depth and interlacing can be covered:

    python3 -m venv /tmp/fuzzvenv && /tmp/fuzzvenv/bin/pip install pillow
    /tmp/fuzzvenv/bin/python fuzz/make_seeds.py

Seeds of FuzzMultipart and FuzzDocumentReaders start with the byte that those targets read as a
choice (boundary; document mode); see the targets' sources.
"""

import io
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

from PIL import Image

CORPUS = Path(__file__).resolve().parent / "corpus"


def write(target, name, data):
    """Writes one seed, refusing any larger than 4 KiB so the corpus stays small."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    assert len(data) <= 4096, f"{target}/{name} is {len(data)} bytes"
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


# MARK: PNG, written by hand


def chunk(kind, payload):
    """One PNG chunk with its length and CRC."""
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def pack_row(samples, depth):
    """Packs one scanline's samples at 1, 2, 4, 8 or 16 bits."""
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    out, bits, used = bytearray(), 0, 0
    for s in samples:
        bits = (bits << depth) | s
        used += depth
        if used == 8:
            out.append(bits)
            bits, used = 0, 0
    if used:
        out.append(bits << (8 - used))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filtered(rows, bytes_per_pixel, cycle_filters):
    """Prefixes each packed row with a filter byte: 0 (none), or 0–4 in turn."""
    out, previous = bytearray(), bytes(len(rows[0])) if rows else b""
    for index, row in enumerate(rows):
        kind = index % 5 if cycle_filters else 0
        line = bytearray()
        for i, x in enumerate(row):
            a = row[i - bytes_per_pixel] if i >= bytes_per_pixel else 0
            b = previous[i]
            c = previous[i - bytes_per_pixel] if i >= bytes_per_pixel else 0
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            line.append((x - predictor) & 0xFF)
        out += bytes([kind]) + line
        previous = row
    return bytes(out)


def png(width, height, color_type, depth, pixel, *, interlace=False, palette=None, trns=None,
        exif=None, cycle_filters=False, split_idat=False, extra=()):
    """A PNG whose sample values come from `pixel(x, y)` (a tuple of channel values)."""
    channels = CHANNELS[color_type]
    bytes_per_pixel = max(1, channels * depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = b""
    for x0, y0, dx, dy in passes:
        xs, ys = range(x0, width, dx), range(y0, height, dy)
        if not xs or not ys:
            continue
        rows = [pack_row([s for x in xs for s in pixel(x, y)], depth) for y in ys]
        raw += filtered(rows, bytes_per_pixel, cycle_filters)
    data = zlib.compress(raw, 9)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, int(interlace)))
    for kind, payload in extra:
        out += chunk(kind, payload)
    if palette is not None:
        out += chunk(b"PLTE", bytes(c for rgb in palette for c in rgb))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    if exif is not None:
        out += chunk(b"eXIf", exif)
    if split_idat:
        half = len(data) // 2
        out += chunk(b"IDAT", data[:half]) + chunk(b"IDAT", data[half:])
    else:
        out += chunk(b"IDAT", data)
    return out + chunk(b"IEND", b"")


def tiff_orientation(value):
    """A big-endian TIFF (EXIF) block holding only the Orientation tag."""
    return b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">HHHIHHI", 1, 0x0112, 3, 1, value, 0, 0)


def png_seeds():
    t = "FuzzImageDecoder"

    def level(x, y, depth):
        return (x * 7 + y * 3) % (1 << depth)

    for depth in (1, 2, 4, 8, 16):
        write(t, f"gray{depth}.png", png(9, 5, 0, depth, lambda x, y: (level(x, y, depth),)))
        if depth <= 8:
            colours = 1 << depth
            palette = [((i * 53) % 256, (i * 97) % 256, (i * 29) % 256) for i in range(colours)]
            write(t, f"palette{depth}-trns.png", png(9, 5, 3, depth, lambda x, y: (level(x, y, depth),),
                                                     palette=palette, trns=bytes(range(0, 256, 256 // colours))[: colours // 2 + 1]))
    for depth in (8, 16):
        top = (1 << depth) - 1
        write(t, f"rgb{depth}.png", png(7, 6, 2, depth, lambda x, y: (x * top // 6, y * top // 5, (x + y) * top // 11)))
        write(t, f"gray-alpha{depth}.png", png(7, 6, 4, depth, lambda x, y: (x * top // 6, y * top // 5)))
        write(t, f"rgba{depth}.png", png(7, 6, 6, depth, lambda x, y: (x * top // 6, y * top // 5, top, (x * y) * top // 30)))
    gradient = lambda x, y: (x * 20 % 256, y * 20 % 256, (x ^ y) * 9 % 256)  # noqa: E731
    write(t, "rgb8-interlaced.png", png(11, 9, 2, 8, gradient, interlace=True))
    write(t, "gray16-interlaced.png", png(10, 10, 0, 16, lambda x, y: (x * 6000 + y * 100,), interlace=True))
    write(t, "palette2-interlaced.png", png(9, 9, 3, 2, lambda x, y: ((x + y) % 4,), interlace=True,
                                            palette=[(0, 0, 0), (255, 0, 0), (0, 255, 0), (0, 0, 255)]))
    write(t, "rgba8-interlaced-1x1.png", png(1, 1, 6, 8, lambda x, y: (1, 2, 3, 4), interlace=True))
    write(t, "gray8-trns.png", png(6, 4, 0, 8, lambda x, y: (x * 40,), trns=struct.pack(">H", 80)))
    write(t, "rgb8-trns.png", png(6, 4, 2, 8, gradient, trns=struct.pack(">HHH", 0, 0, 0)))
    write(t, "rgb8-filters.png", png(8, 10, 2, 8, gradient, cycle_filters=True))
    write(t, "rgb8-exif6.png", png(8, 3, 2, 8, gradient, exif=tiff_orientation(6)))
    write(t, "rgb8-exif8-split.png", png(5, 9, 2, 8, gradient, exif=tiff_orientation(8), split_idat=True))
    write(t, "rgb8-ancillary.png", png(4, 4, 2, 8, gradient, extra=[
        (b"gAMA", struct.pack(">I", 45455)), (b"sRGB", b"\x00"), (b"pHYs", struct.pack(">IIB", 2835, 2835, 1)),
        (b"tEXt", b"Comment\x00fuzz seed"), (b"zTXt", b"Title\x00\x00" + zlib.compress(b"seed"))]))
    whole = png(16, 8, 2, 8, gradient)
    write(t, "rgb8-truncated.png", whole[: len(whole) - 30])
    write(t, "rgb8-no-iend.png", whole[:-12])


# MARK: JPEG and WebP, with Pillow


def sample_image(mode, size):
    """A small image with edges and gradients in `mode`."""
    image = Image.new("RGB", size)
    image.putdata([((x * 37) % 256, (y * 59) % 256, ((x + y) * 23) % 256) for y in range(size[1]) for x in range(size[0])])
    image = image.convert(mode)
    if mode == "RGBA":
        image.putalpha(image.getchannel("R"))
    return image


def encoded(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def exif_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def jpeg_and_webp_seeds():
    t = "FuzzImageDecoder"
    rgb = sample_image("RGB", (16, 12))
    write(t, "baseline-420.jpg", encoded(rgb, "JPEG", quality=75))
    write(t, "baseline-444.jpg", encoded(rgb, "JPEG", quality=90, subsampling=0))
    write(t, "baseline-422-optimized.jpg", encoded(rgb, "JPEG", quality=60, subsampling=1, optimize=True))
    write(t, "progressive.jpg", encoded(rgb, "JPEG", quality=70, progressive=True))
    write(t, "gray.jpg", encoded(sample_image("L", (13, 7)), "JPEG", quality=80))
    write(t, "cmyk.jpg", encoded(sample_image("CMYK", (9, 9)), "JPEG", quality=80))
    write(t, "restart-markers.jpg", encoded(sample_image("RGB", (24, 16)), "JPEG", quality=50, restart_marker_blocks=1))
    for orientation in (3, 6, 8):
        write(t, f"exif{orientation}.jpg", encoded(sample_image("RGB", (12, 8)), "JPEG", quality=70,
                                                   exif=exif_orientation(orientation)))
    whole = encoded(sample_image("RGB", (32, 32)), "JPEG", quality=85)
    write(t, "truncated.jpg", whole[: len(whole) // 2])
    write(t, "headers-only.jpg", whole[: whole.index(b"\xff\xda")])

    write(t, "lossy.webp", encoded(rgb, "WEBP", quality=60))
    write(t, "lossless.webp", encoded(rgb, "WEBP", lossless=True))
    write(t, "lossy-alpha.webp", encoded(sample_image("RGBA", (10, 10)), "WEBP", quality=60))
    write(t, "lossless-alpha.webp", encoded(sample_image("RGBA", (10, 10)), "WEBP", lossless=True))
    write(t, "exif6.webp", encoded(sample_image("RGB", (12, 8)), "WEBP", quality=60, exif=exif_orientation(6)))
    frames = [sample_image("RGB", (8, 8)), sample_image("RGB", (8, 8)).rotate(90)]
    write(t, "animated.webp", encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100, lossless=True))
    whole = encoded(sample_image("RGB", (32, 32)), "WEBP", quality=80)
    write(t, "truncated.webp", whole[: len(whole) // 2])

    write(t, "gif-unsupported.gif", encoded(sample_image("P", (4, 4)), "GIF"))
    write(t, "not-an-image.txt", "this is not an image\n")


# MARK: Text: tokenizers, JSON, multipart


TOKENIZER_TEXTS = {
    "english.txt": "Semantic search finds passages by meaning, not by keywords.",
    "e5-prefixes.txt": "query: how hot should the water be for pour-over coffee?\npassage: 90 to 96 °C.",
    "chinese.txt": "手冲咖啡的水温应该多高？一般建议在90到96摄氏度之间。",
    "cjk-mixed.txt": "日本語のテキスト、한국어 문장, and English in 一句话里。",
    "scripts.txt": "مرحبا بالعالم — สวัสดีชาวโลก — नमस्ते दुनिया — Привет, мир — Γειά σου",
    "accents.txt": "Café naïve résumé Ångström façade coöperate Ṁ̇ a\u0301e\u0300 \u0301start",
    "compatibility.txt": "ＡＢＣ１２３ ﬁ ﬂ ① ㎏ ½ ™ Ⅻ ｶﾀｶﾅ",
    "emoji.txt": "👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️ 🧑🏿‍🚀 #️⃣",
    "specials-bert.txt": "[CLS] hello [SEP] [UNK] [MASK][PAD]x[SEP]",
    "specials-e5.txt": "<s>x</s><pad><mask> a <unk> b a<s>b <s</s>",
    "whitespace.txt": "a\u00a0b\u3000c\u200bd\ufeffe\tf\r\ng\u2028h\u0085i  \n\n  j",
    "controls.txt": "nul\x00bel\x07esc\x1bdel\x7f\u200e\u202e",
    "long-word.txt": "x" * 99 + " " + "y" * 101 + " " + "supercalifragilisticexpialidocious" * 4,
    "punctuation.txt": "!!!???... ((()))[[]]{{}} --- ''' \"\"\" «» „“ ¿¡ 。、「」",
    "numbers-code.txt": "3.14159 1,000,000 2024-05-01 def f(x): return x**2 // https://example.com/a?b=c#d",
    "empty.txt": "",
}

INVALID_UTF8 = {
    "invalid-bytes.bin": b"ok \xff\xfe bad \xc3\x28 \x80\x80",
    "overlong.bin": b"\xc0\xaf\xe0\x80\xaf slash",
    "surrogates.bin": b"\xed\xa0\x80\xed\xbf\xbf pair",
    "truncated.bin": "中文".encode("utf-8")[:-1],
}


def tokenizer_seeds():
    for target in ("FuzzWordPiece", "FuzzSentencePiece"):
        for name, text in TOKENIZER_TEXTS.items():
            write(target, name, text)
        for name, data in INVALID_UTF8.items():
            write(target, name, data)


JSON_BODIES = {
    "search-full.json": '{"query": "手冲咖啡的水温应该多高？", "top_k": 3, "mode": "hybrid", '
                        '"filter": {"source": "notes.md", "chapter": "Brewing"}, "min_score": 0.25}',
    "search-minimal.json": '{"query":"faiss ivf nprobe"}',
    "search-keyword.json": '{"query": "  padded  ", "mode": "keyword", "top_k": 50, "filter": {}}',
    "search-bad-mode.json": '{"query": "q", "mode": "fuzzy", "top_k": 0, "min_score": -1e308}',
    "search-unknown-key.json": '{"query": "q", "topk": 3}',
    "search-null.json": '{"query": null, "top_k": null, "filter": null}',
    "documents.json": '{"documents": [{"source": "notes.md", "text": "# Title\\n\\nBody text.", "chapter": "One", '
                      '"page": 2, "metadata": {"lang": "en", "tags": ["a", "b"], "score": 1.5, "draft": false, '
                      '"extra": null, "nested": {"k": [1, {"x": "y"}]}}}, {"source": "b.txt", "text": "plain"}]}',
    "documents-invalid.json": '{"documents": [{"source": " ", "text": "", "page": 0}, {"source": 7}]}',
    "documents-empty.json": '{"documents": []}',
    "reindex.json": '{"factory": "IVF64,PQ8x4fs"}',
    "reindex-opq.json": '{"factory": "OPQ16_64,IVF256_HNSW32,PQ16x8,RFlat"}',
    "reindex-pca.json": '{"factory": "PCA128,HNSW32,SQ8"}',
    "reindex-crashers.json": '{"factory": "IVF0,Flat"}',
    "reindex-null.json": '{"factory": null}',
    "reindex-empty.json": "{}",
    "text-search.json": '{"query": "hello", "top_k": 5}',
    "metadata.json": '{"brand": "Acme", "price": 12.5, "sizes": [38, 39], "limited": true}',
    "escapes.json": '{"query": "\\u0041\\ud83d\\ude00\\n\\t\\"\\\\\\/ \\ud800 lone", "top_k": 1}',
    "numbers.json": '{"query": "n", "top_k": 1e2, "min_score": -0.0E-0}',
    "big-numbers.json": '{"query": "n", "top_k": 99999999999999999999, "min_score": 1e999}',
    "deep.json": '{"documents": [{"source": "s", "text": "t", "metadata": {"a": ' + "[" * 300 + "]" * 300 + "}}]}",
    "duplicate-keys.json": '{"query": "a", "query": "b"}',
    "trailing.json": '{"query": "a"} {"query": "b"}',
    "bom.json": "\ufeff" + '{"query": "bom"}',
    "not-object.json": '["query", 1, true, null]',
}


def json_seeds():
    for name, text in JSON_BODIES.items():
        write("FuzzJSONRequest", name, text)
    write("FuzzJSONRequest", "utf16.json", '{"query": "utf-16"}'.encode("utf-16"))


def form(boundary, parts, closing=True):
    """A multipart body: each part is (header lines, content); lines end in CRLF."""
    out = b""
    for headers, content in parts:
        out += b"--" + boundary + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + content + b"\r\n"
    return out + (b"--" + boundary + b"--\r\n" if closing else b"")


BOUNDARIES = [b"B", b"----WebKitFormBoundary7MA4YWxkTrZu0gW", b"a'()+_,-./:=? z", b"x" * 70]  # FuzzMultipart's list


def multipart_seeds():
    t = "FuzzMultipart"

    def seed(name, index, body):
        write(t, name, bytes([index]) + body)

    b0, b1, b2, b3 = BOUNDARIES
    seed("one-field", 0, form(b0, [([b'Content-Disposition: form-data; name="category"'], b"Sneaker")]))
    seed("fields-and-file", 1, form(b1, [
        ([b'Content-Disposition: form-data; name="title"'], "Schuh 👟".encode()),
        ([b'Content-Disposition: form-data; name="price"'], b"49.90"),
        ([b'Content-Disposition: form-data; name="image"; filename="shoe.png"', b"Content-Type: image/png"],
         b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ([b'Content-Disposition: form-data; name="metadata"'], b'{"brand": "Acme"}'),
    ]))
    seed("file-names", 2, form(b2, [
        ([b'Content-Disposition: form-data; name="files"; filename="C:\\\\Users\\\\me\\\\notes.md"'], b"# Notes\n"),
        ([b'content-disposition: form-data; name=files; filename="../../etc/passwd"'], b"x"),
        ([b'CONTENT-DISPOSITION: form-data; name="f"; filename="a \\"quoted\\"; name.docx"'], b"PK\x03\x04"),
        ([b"Content-Disposition: form-data; name=\"g\"; filename*=UTF-8''%e2%82%ac.txt"], b"euro"),
        ([b'Content-Disposition: form-data; name="h"; filename=".."'], b""),
    ]))
    seed("longest-boundary", 3, form(b3, [([b'Content-Disposition: form-data; name="a"'], b"1")]))
    seed("empty-form", 0, b"--B--")
    seed("closing-repeated", 0, b"--B--\r\n--B--\r\n--B--")
    seed("padding", 0, b"--B \t \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--B\t--")
    seed("no-headers", 0, b"--B\r\n\r\nbody without headers\r\n--B--")
    seed("delimiter-like-content", 0, form(b0, [([b"Content-Disposition: form-data; name=\"a\""],
                                                 b"--B not a delimiter\r\n--Bx\n--B\r--B")]))
    seed("lf-only", 0, b"--B\nContent-Disposition: form-data; name=\"a\"\n\nvalue\n--B--\n")
    seed("folded-header", 1, form(b1, [([b"Content-Disposition: form-data;", b' name="a"'], b"v")]))
    seed("bad-header-name", 0, form(b0, [([b"Content Disposition: form-data", b":empty", b"X-\xff: v"], b"v")]))
    seed("unclosed", 0, form(b0, [([b'Content-Disposition: form-data; name="a"'], b"v")], closing=False))
    seed("preamble", 0, b"preamble\r\n" + form(b0, [([b"X: y"], b"v")]))
    seed("many-parts", 0, b"".join(b"--B\r\nX:%d\r\n\r\n\r\n" % i for i in range(66)) + b"--B--")
    seed("utf8-header-value", 2, form(b2, [([b'Content-Disposition: form-data; name="n\xc3\xa4me\xff"'], b"v")]))


# MARK: Documents


ZIP_DATE = (2024, 1, 1, 0, 0, 0)

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/></Types>')
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"


def rels(*relations):
    """A relationships part: (id, type's last component, target[, external])."""
    items = "".join(
        f'<Relationship Id="{r[0]}" Type="{RELATIONSHIPS}/{r[1]}" Target="{r[2]}"'
        + (' TargetMode="External"' if len(r) > 3 else "") + "/>" for r in relations)
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{items}</Relationships>'


CORE = ('<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Seed &amp; title</dc:title></cp:coreProperties>')

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'


def w_par(text, style=None, extra=""):
    props = f'<w:pPr><w:pStyle w:val="{style}"/>{extra}</w:pPr>' if style else (f"<w:pPr>{extra}</w:pPr>" if extra else "")
    return f"<w:p>{props}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


WORD_RUNS = (
    w_par("Seed document", "Title")
    + w_par("1. Introduction", "Heading1")
    + w_par("Plain paragraph with <b>escaped</b> &lt;markup&gt;.")
    + '<w:p><w:r><w:t>Before </w:t></w:r><w:hyperlink r:id="rId9"><w:r><w:t>link</w:t></w:r></w:hyperlink>'
      '<w:ins><w:r><w:t> inserted</w:t></w:r></w:ins><w:del><w:r><w:delText>deleted</w:delText></w:r></w:del>'
      '<w:fldSimple w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'
      '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK x</w:instrText></w:r>'
      '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>shown</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
      '<w:r><w:tab/><w:t>tab</w:t><w:br/><w:t>break</w:t></w:r></w:p>'
    + w_par("1.1 Details", "Heading2", '<w:pageBreakBefore/>')
    + '<w:p><w:r><w:lastRenderedPageBreak/><w:t>After a rendered break.</w:t><w:br w:type="page"/><w:t>Next page.</w:t></w:r></w:p>'
    + '<w:p><w:r><w:rPr><w:rFonts w:ascii="Courier New"/></w:rPr><w:t>let x = 1</w:t></w:r></w:p>'
    + w_par("print(x)", "SourceCode"))
WORD_BLOCKS = (
    w_par("2. Blocks", "Heading1")
    + '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr>'
      '<w:tr><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>nested</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>'
    + '<w:sdt><w:sdtContent>' + w_par("In a content control", "Heading3") + '</w:sdtContent></w:sdt>'
    + '<mc:AlternateContent><mc:Choice Requires="w14">' + w_par("Choice") + '</mc:Choice>'
      '<mc:Fallback>' + w_par("Fallback") + '</mc:Fallback></mc:AlternateContent>'
    + w_par("Outline level", extra='<w:outlineLvl w:val="0"/>')
    + w_par("Section end", extra='<w:sectPr><w:type w:val="continuous"/></w:sectPr>'))


def word_document(body):
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>'


WORD_DOCUMENT = word_document(WORD_RUNS + WORD_BLOCKS)

WORD_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><w:styles {W}>'
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Heading1"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="Überschrift 3"/><w:basedOn w:val="Loop"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Loop"><w:basedOn w:val="Heading3"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="SourceCode"><w:name w:val="Source Code"/></w:style>'
    '<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/></w:style>'
    '</w:styles>')



def word_parts(document):
    """The parts of a .docx whose main part is `document`."""
    return {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": rels(("rId1", "officeDocument", "word/document.xml"), ("rId2", "core-properties", "docProps/core.xml")),
        "word/document.xml": document,
        "word/_rels/document.xml.rels": rels(("rId1", "styles", "styles.xml"), ("rId9", "hyperlink", "https://example.com/", True)),
        "word/styles.xml": WORD_STYLES,
        "docProps/core.xml": CORE,
    }


WORD_PARTS = word_parts(WORD_DOCUMENT)

P = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
     'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"')


def p_shape(paragraphs, placeholder=None):
    ph = f'<p:nvPr><p:ph type="{placeholder}"/></p:nvPr>' if placeholder else "<p:nvPr/>"
    body = "".join(f"<a:p><a:r><a:t>{text}</a:t></a:r></a:p>" for text in paragraphs)
    return f'<p:sp><p:nvSpPr>{ph}</p:nvSpPr><p:txBody>{body}</p:txBody></p:sp>'


def slide(shapes):
    return f'<?xml version="1.0" encoding="UTF-8"?><p:sld {P}><p:cSld><p:spTree>{shapes}</p:spTree></p:cSld></p:sld>'


SECTIONS = (
    '<p:extLst><p:ext uri="{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"><p14:sectionLst '
    'xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main">'
    '<p14:section name="Part  One"><p14:sldIdLst><p14:sldId id="256"/></p14:sldIdLst></p14:section>'
    '<p14:section name="Part Two"><p14:sldIdLst><p14:sldId id="257"/></p14:sldIdLst></p14:section>'
    '</p14:sectionLst></p:ext></p:extLst>')


def presentation(sections):
    """A slide list of two slides and a missing one, with or without presentation sections."""
    return (f'<?xml version="1.0" encoding="UTF-8"?><p:presentation {P}><p:sldIdLst><p:sldId id="256" r:id="rId2"/>'
            '<p:sldId id="257" r:id="rId3"/><p:sldId id="258" r:id="rId404"/></p:sldIdLst>'
            + (SECTIONS if sections else "") + "</p:presentation>")


SLIDE1 = slide(
    p_shape(["Welcome to", "the seed"], "ctrTitle") + p_shape(["First point", "Second point"], "body")
    + p_shape(["12/05/2024"], "dt") + p_shape(["Footer"], "ftr")
    + '<p:grpSp><p:nvGrpSpPr/>' + p_shape(["Grouped text"]) + '</p:grpSp>'
    + '<p:graphicFrame><a:graphic><a:graphicData><a:tbl><a:tr><a:tc><a:txBody><a:p><a:r><a:t>h1</a:t></a:r></a:p>'
      '</a:txBody></a:tc><a:tc><a:txBody><a:p><a:r><a:t>h2</a:t></a:r></a:p></a:txBody></a:tc></a:tr>'
      '<a:tr><a:tc><a:txBody><a:p><a:fld type="slidenum"><a:t>1</a:t></a:fld><a:br/><a:r><a:t>x</a:t></a:r></a:p>'
      '</a:txBody></a:tc><a:tc/></a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame>')
SLIDE2 = slide(p_shape(["Second slide"], "title") + '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/'
               'markup-compatibility/2006"><mc:Choice Requires="p14">' + p_shape(["In a choice"]) + "</mc:Choice></mc:AlternateContent>")
NOTES = (f'<?xml version="1.0" encoding="UTF-8"?><p:notes {P}><p:cSld><p:spTree>'
         + p_shape(["slide image"], "sldImg") + p_shape(["Speaker notes here."], "body") + p_shape(["Loose note"])
         + "</p:spTree></p:cSld></p:notes>")



def powerpoint_parts(sections=True, slides=(1, 2)):
    """The parts of a .pptx: the presentation, and slide 1 (with notes) and slide 2 as chosen."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": rels(("rId1", "officeDocument", "ppt/presentation.xml"), ("rId2", "core-properties", "docProps/core.xml")),
        "ppt/presentation.xml": presentation(sections),
        "ppt/_rels/presentation.xml.rels": rels(("rId2", "slide", "slides/slide1.xml"), ("rId3", "slide", "/ppt/slides/./slide%32.xml")),
        "docProps/core.xml": CORE,
    }
    if 1 in slides:
        parts["ppt/slides/slide1.xml"] = SLIDE1
        parts["ppt/slides/_rels/slide1.xml.rels"] = rels(("rId1", "notesSlide", "../notesSlides/notesSlide1.xml"))
        parts["ppt/notesSlides/notesSlide1.xml"] = NOTES
    if 2 in slides:
        parts["ppt/slides/slide2.xml"] = SLIDE2
    return parts


POWERPOINT_PARTS = powerpoint_parts()


def zipped(parts, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = compression
            archive.writestr(info, text.encode("utf-8") if isinstance(text, str) else text)
    return buffer.getvalue()


def part_list(parts):
    """FuzzDocumentReaders' part mode: names and contents separated by NUL bytes (without
    `[Content_Types].xml`, which the readers do not read)."""
    return b"\x00".join(field.encode("utf-8") for name, text in parts.items() if name != "[Content_Types].xml"
                        for field in (name, text))


MARKDOWN = {
    "headings.md": "# Title\n\nIntro paragraph.\n\n## Section *one*\n\nText.\n\n### Deeper ###\n\n####### seven\n\n#\n\n"
                   "Setext heading\n===\n\nSecond level\n---\n\n   ## indented\n\n#no-space\n",
    "front-matter.md": '---\ntitle: "Seed: front matter"\ntags: [a, b]\n---\n\n# Heading\n\nBody.\n',
    "toml-front-matter.md": "+++\ntitle = 'TOML'\n+++\nText after.\n",
    "unclosed-front-matter.md": "---\ntitle: never closed\n\n# not a heading?\n",
    "code.md": "Text\n\n```python\ndef f():\n    return 1\n```\n\n~~~\ntilde fence\n~~~~\n\n````md\n```\nnested\n```\n````\n\n"
               "    indented code\n\n```\nunclosed fence\n",
    "tables.md": "| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |\n\nnot | a table\n\n|x|\n|-|\n",
    "comments-breaks.md": "<!-- a comment -->\nText\n\n<!--\nmulti\nline\n-->\n\n***\n\n- - -\n\n___\n\n<!-- unclosed\n",
    "lists-quotes.md": "- one\n- two\n  - nested\n1. first\n2) second\n\n> quoted\n> lines\n\n* [ ] task\n",
    "crlf.md": "# CRLF\r\n\r\nLine one\r\nline two\r\n\r\nSetext\r\n---\r\n",
    "chinese.md": "# 第一章 咖啡\n\n手冲咖啡的水温应该多高？\n\n## 1.1 水温\n\n九十度。\n",
}


def document_seeds():
    t = "FuzzDocumentReaders"
    for name, text in MARKDOWN.items():
        write(t, name, b"\x00" + text.encode("utf-8"))
    write(t, "bom.md", b"\x00\xef\xbb\xbf# BOM\n\ntext\n")
    write(t, "utf16.md", b"\x00" + "# UTF-16\n\nText ü\n".encode("utf-16"))
    write(t, "gb18030.md", b"\x00" + "# 标题\n\n中文内容。\n".encode("gb18030"))
    write(t, "latin1.md", b"\x00" + "# Caf\xe9\n\nna\xefve\n".encode("latin-1"))
    write(t, "binary.md", b"\x00# x\x00y")

    docx, pptx = zipped(WORD_PARTS), zipped(POWERPOINT_PARTS)
    write(t, "seed.docx", b"\x01" + docx)
    write(t, "seed.pptx", b"\x02" + pptx)
    write(t, "stored.docx", b"\x01" + zipped({k: WORD_PARTS[k] for k in ("_rels/.rels", "word/document.xml")}, zipfile.ZIP_STORED))
    write(t, "truncated.pptx", b"\x02" + pptx[: len(pptx) // 2])
    bad_crc = bytearray(zipped({"word/document.xml": WORD_DOCUMENT}, zipfile.ZIP_STORED))
    bad_crc[bad_crc.index(b"<w:body>") + 3] ^= 0x20
    write(t, "bad-crc.docx", b"\x01" + bytes(bad_crc))
    write(t, "not-a-zip.docx", b"\x01PK\x03\x04 not really")

    write(t, "parts-runs.docx", b"\x03" + part_list(word_parts(word_document(WORD_RUNS))))
    write(t, "parts-blocks.docx", b"\x03" + part_list(word_parts(word_document(WORD_BLOCKS))))
    write(t, "parts-slide-notes.pptx", b"\x04" + part_list(powerpoint_parts(sections=False, slides=(1,))))
    write(t, "parts-sections.pptx", b"\x04" + part_list(powerpoint_parts(sections=True, slides=(2,))))
    write(t, "parts-minimal.docx", b"\x03" + part_list({"word/document.xml": f"<w:document {W}><w:body>{w_par('x')}</w:body></w:document>"}))
    write(t, "parts-no-slide-list.pptx", b"\x04" + part_list({
        "ppt/presentation.xml": f"<p:presentation {P}/>",
        "ppt/_rels/presentation.xml.rels": rels(("rId7", "slide", "slides/slide9.xml"), ("rId8", "slide", "https://x/", True)),
        "ppt/slides/slide9.xml": slide(p_shape(["Only slide"], "title")),
    }))
    write(t, "parts-malformed-xml.docx", b"\x03" + part_list({
        "word/document.xml": f"<w:document {W}><w:body><w:p><w:r><w:t>unclosed &bogus; <![CDATA[cdata]]>"}))


def main():
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    png_seeds()
    jpeg_and_webp_seeds()
    tokenizer_seeds()
    json_seeds()
    multipart_seeds()
    document_seeds()
    for folder in sorted(CORPUS.iterdir()):
        files = list(folder.iterdir())
        print(f"{folder.name}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
