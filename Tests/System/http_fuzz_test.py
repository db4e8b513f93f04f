#!/usr/bin/env python3
"""HTTP-level fuzzer: mutated raw requests against a running Quarry server.

Schemathesis (api_fuzz_test.py) fuzzes the values of well-formed requests; this
fuzzes the bytes around them. It starts from valid seed requests to the real
routes (health, collections, text search, /text-search, image search by a small
PNG as multipart and as a raw body, "more like this", documents as JSON and as
files, image uploads, deletes and reindex with the admin token) and mutates
each one at the HTTP level: the request line (method, target, version), header
names and values (non-ASCII, oversized, thousands of them, duplicated,
folded), Content-Length against Transfer-Encoding, chunked framing (bad, huge,
negative sizes, extensions, trailers, missing terminator), multipart bodies
(mutated or mismatched boundaries, bare LF, missing CRLF, non-ASCII part
header names, thousands of parts, `--B` repeated without newline, extreme
PNGs), JSON bodies (deep nesting, combining marks, bad escapes, invalid UTF-8)
and the raw bytes (bare LF line endings, truncation, pipelined garbage).

Each request goes over its own raw socket. It fails on
  - a crash: the server refuses connections afterwards (or --server-pid is gone);
  - any 5xx answer, except 503 with code "overloaded" (load shedding), 507, 501 to a
    method no route serves or a Transfer-Encoding other than chunked, and 505 to an
    HTTP version other than 1.0 and 1.1 (the answers RFC 9110/9112 ask for);
  - a hang: no answer and no close within --timeout seconds. A request that may
    be incomplete by construction (truncated, Content-Length above its body, no
    last chunk) is half-closed after sending, so the server sees its end; any
    other request still unanswered after --timeout is half-closed too, and counts
    as "waited for more input" when the server then answers or closes within a
    second, and as a hang otherwise.

Request N is generated from random.Random(f"{seed}-{N}") alone, so a failure is
reproduced with --seed S --replay N against a server with the same collections
and token. The run writes: it adds documents and images, may delete items and
rebuild the text collection's index. Run it last against a shared server.

    python3 Tests/System/http_fuzz_test.py --base-url http://127.0.0.1:8080 [--seconds 60] [--seed 1]

Prints the seed, requests sent, a status histogram, hangs and 5xx, and the
failing raw requests (repr, truncated). Standard library only.
"""

import argparse
import json
import os
import random
import select
import socket
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from collections import Counter, deque

CRLF = b"\r\n"
# Methods some Quarry route answers; 501 is a fair answer to any other.
ROUTED_METHODS = (b"GET", b"HEAD", b"POST", b"DELETE")
FACTORIES = ["IVF0,Flat", "HNSW0,Flat", "PQ0", "OPQ0,Flat", "NSG32,Flat", "IVF-1,Flat", "HNSW99999", "PQ7", "Flat,Flat",
             "", "IVF99999999999999999999,Flat", "PCA0,Flat", "IVF1,PQ0", "LSH0", "RFlat", "IDMap,Flat", "Flat\x00"]


def png(width, height, seed=0):
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    rng = random.Random(seed)
    if width * height <= 4096:
        raw = b"".join(b"\x00" + bytes(rng.randrange(256) for _ in range(width)) for _ in range(height))
        data = zlib.compress(raw)
    else:
        compressor = zlib.compressobj(6)
        row = b"\x00" + bytes(width)
        batch = max(1, (4 << 20) // len(row))
        parts, left = [], height
        while left:
            parts.append(compressor.compress(row * min(batch, left)))
            left -= min(batch, left)
        data = b"".join(parts) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


# Extreme PNGs, built once (a few KB each).
EXTREME_PNGS = {}


def extreme_png(rng):
    size = rng.choice([(1_000_000, 1), (1, 1_000_000), (20_000, 1), (10_000, 8_000), (0, 0), (1, 0), (65_535, 65_535)])
    if size not in EXTREME_PNGS:
        if size in ((65_535, 65_535), (0, 0), (1, 0)):
            # Only the header claims the size; the pixel data is a single row.
            image = png(1, 1)
            header = struct.pack(">IIBBBBB", size[0], size[1], 8, 0, 0, 0, 0)
            ihdr = struct.pack(">I", 13) + b"IHDR" + header + struct.pack(">I", zlib.crc32(b"IHDR" + header) & 0xFFFFFFFF)
            EXTREME_PNGS[size] = image[:8] + ihdr + image[33:]
        else:
            EXTREME_PNGS[size] = png(*size)
    return EXTREME_PNGS[size]


class Request:
    """A request as parts, so that mutations can work on each; `raw()` gives its bytes."""

    def __init__(self, label, method, target, headers, body=b"", host=b"127.0.0.1"):
        self.label = label
        self.method = method
        self.target = target
        self.version = b"HTTP/1.1"
        self.headers = [[b"Host", host]] + [[k, v] for k, v in headers]
        self.body = body
        if body or method in (b"POST", b"PUT"):
            self.headers.append([b"Content-Length", str(len(body)).encode()])
        self.line_end = CRLF
        self.separator = b" "
        self.prefix = b""
        self.suffix = b""
        self.incomplete = False   # may end before the server can know the request is complete
        self.head_only = method == b"HEAD"
        self.mutations = []
        self.post = []            # raw-byte mutations, applied by raw()

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def set_header(self, name, value):
        self.remove_header(name)
        self.headers.append([name, value])

    def remove_header(self, name):
        self.headers = [h for h in self.headers if h[0].lower() != name.lower()]

    def set_body(self, body, fix_length=True):
        self.body = body
        if fix_length and self.header(b"Content-Length") is not None:
            self.set_header(b"Content-Length", str(len(body)).encode())

    def head(self):
        line = self.method + self.separator + self.target + self.separator + self.version
        return self.prefix + line + self.line_end + b"".join(k + b": " + v + self.line_end for k, v in self.headers) + self.line_end

    def raw(self):
        data = self.head() + self.body + self.suffix
        for mutation in self.post:
            data = mutation(data)
        return data


def multipart_body(parts, boundary):
    body = b""
    for field, filename, content_type, data in parts:
        disposition = b'form-data; name="' + field + b'"' + (b'; filename="' + filename + b'"' if filename else b"")
        body += b"--" + boundary + CRLF + b"Content-Disposition: " + disposition + CRLF
        if content_type:
            body += b"Content-Type: " + content_type + CRLF
        body += CRLF + data + CRLF
    return body + b"--" + boundary + b"--" + CRLF


class Seeds:
    """The valid requests every mutated one starts from."""

    def __init__(self, host, text, image, token):
        self.host, self.text, self.image, self.token = host, text, image, token

    def auth(self):
        return [(b"Authorization", b"Bearer " + self.token.encode())] if self.token else []

    def make(self, rng):
        choices = [
            (1.0, self.health), (0.3, self.ready), (0.4, self.collections), (0.3, self.web), (0.2, self.metrics),
            (3.0, self.text_search), (2.0, self.seed_text_search), (3.0, self.image_search_form), (1.5, self.image_search_raw),
            (1.0, self.similar), (0.4, self.item), (1.5, self.documents_json), (1.5, self.documents_form),
            (1.5, self.images_form), (0.5, self.reindex), (0.4, self.delete_document), (0.4, self.delete_item),
        ]
        if not self.text:
            choices = [c for c in choices if c[1] not in (self.text_search, self.documents_json, self.documents_form,
                                                          self.reindex, self.delete_document)]
        if not self.image:
            choices = [c for c in choices if c[1] not in (self.image_search_form, self.image_search_raw, self.similar,
                                                          self.item, self.images_form, self.delete_item)]
        total = sum(w for w, _ in choices)
        pick = rng.uniform(0, total)
        for weight, build in choices:
            pick -= weight
            if pick <= 0:
                return build(rng)
        return choices[-1][1](rng)

    def req(self, label, method, target, headers=(), body=b""):
        return Request(label, method, target.encode() if isinstance(target, str) else target, list(headers), body, self.host)

    def json(self, label, target, payload, headers=()):
        body = json.dumps(payload, ensure_ascii=False).encode()
        return self.req(label, b"POST", target, [(b"Content-Type", b"application/json")] + list(headers), body)

    def health(self, rng):
        return self.req("health", rng.choice([b"GET", b"HEAD"]), "/health")

    def ready(self, rng):
        return self.req("ready", b"GET", "/ready")

    def collections(self, rng):
        return self.req("collections", b"GET", rng.choice(["/v1/collections", f"/v1/collections/{self.text or self.image}"]))

    def web(self, rng):
        return self.req("web", rng.choice([b"GET", b"HEAD"]), rng.choice(["/", "/openapi.json"]))

    def metrics(self, rng):
        return self.req("metrics", b"GET", "/metrics")

    def query(self, rng):
        words = "espresso grind extraction water temperature crema roast 萃取 水温 咖啡 bloom ratio".split()
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))

    def text_search(self, rng):
        payload = {"query": self.query(rng), "top_k": rng.randint(1, 10)}
        if rng.random() < 0.3:
            payload["mode"] = rng.choice(["hybrid", "vector", "keyword"])
        return self.json("search", f"/v1/collections/{self.text}/search", payload)

    def seed_text_search(self, rng):
        return self.json("text-search", "/text-search", {"query": self.query(rng), "top_k": rng.randint(1, 10)})

    def small_png(self, rng):
        return png(rng.choice([8, 16, 28]), rng.choice([8, 16, 28]), seed=rng.randrange(1 << 30))

    def image_search_form(self, rng):
        boundary = b"fz" + str(rng.randrange(10 ** 9)).encode()
        body = multipart_body([(b"image", b"query.png", b"image/png", self.small_png(rng))], boundary)
        return self.req("search/image form", b"POST", f"/v1/collections/{self.image}/search/image?top_k={rng.randint(1, 10)}",
                        [(b"Content-Type", b"multipart/form-data; boundary=" + boundary)], body)

    def image_search_raw(self, rng):
        return self.req("search/image raw", b"POST", f"/v1/collections/{self.image}/search/image",
                        [(b"Content-Type", b"image/png")], self.small_png(rng))

    def similar(self, rng):
        return self.req("similar", b"GET", f"/v1/collections/{self.image}/items/{rng.randint(1, 50)}/similar?top_k=3")

    def item(self, rng):
        return self.req("item", b"GET", f"/v1/collections/{self.image}/items/{rng.randint(1, 50)}"
                        + rng.choice(["", "/image", "/thumbnail"]))

    def documents_json(self, rng):
        number = rng.randrange(10 ** 6)
        payload = {"documents": [{"source": f"fuzz/{number}.md", "text": f"# Fuzz {number}\n\n{self.query(rng)}."}]}
        return self.json("documents json", f"/v1/collections/{self.text}/documents", payload, self.auth())

    def documents_form(self, rng):
        boundary = b"fz" + str(rng.randrange(10 ** 9)).encode()
        number = rng.randrange(10 ** 6)
        text = f"# Fuzz file {number}\n\n{self.query(rng)}.\n".encode()
        body = multipart_body([(b"file", f"fuzz-{number}.md".encode(), b"text/markdown", text)], boundary)
        return self.req("documents form", b"POST", f"/v1/collections/{self.text}/documents",
                        [(b"Content-Type", b"multipart/form-data; boundary=" + boundary)] + self.auth(), body)

    def images_form(self, rng):
        boundary = b"fz" + str(rng.randrange(10 ** 9)).encode()
        parts = [(b"image", b"fuzz.png", b"image/png", self.small_png(rng)), (b"category", None, None, b"Fuzz")]
        if rng.random() < 0.3:
            parts.append((b"price", None, None, str(rng.randint(0, 500)).encode()))
        body = multipart_body(parts, boundary)
        return self.req("images form", b"POST", f"/v1/collections/{self.image}/images",
                        [(b"Content-Type", b"multipart/form-data; boundary=" + boundary)] + self.auth(), body)

    def reindex(self, rng):
        payload = rng.choice([{}, {"factory": "Flat"}, {"factory": rng.choice(FACTORIES)}])
        return self.json("reindex", f"/v1/collections/{self.text}/reindex", payload, self.auth())

    def delete_document(self, rng):
        return self.req("delete document", b"DELETE", f"/v1/collections/{self.text}/documents?source=fuzz%2Fnone-{rng.randrange(10 ** 6)}.md",
                        self.auth())

    def delete_item(self, rng):
        return self.req("delete item", b"DELETE", f"/v1/collections/{self.image}/items/{rng.randint(10 ** 8, 10 ** 9)}", self.auth())


# MARK: - mutations: each changes a Request in place

def m_method(rng, r):
    r.method = rng.choice([b"GET", b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"TRACE", b"CONNECT", b"HEAD", b"post",
                           b"G\x00T", b"X" * rng.randint(1, 20_000), b"", b"PRI", b"GET POST", b"\xff\xfe", b"PROPFIND"])
    r.head_only = r.method == b"HEAD"


def m_target(rng, r):
    target = r.target
    path, _, query = target.partition(b"?")
    choice = rng.randrange(16)
    if choice == 0:
        path += b"/"
    elif choice == 1:
        path = path.replace(b"/", b"//")
    elif choice == 2:
        path = b"".join(b"%%%02X" % c if rng.random() < 0.3 else bytes([c]) for c in path)
    elif choice == 3:
        path += b"/../" * rng.randint(1, 50) + b"etc/passwd"
    elif choice == 4:
        path += rng.choice([b"%00", b"%zz", b"%", b"%c0%ae", b"%ff"])
    elif choice == 5:
        path += b"/" + b"a" * rng.randint(1_000, 120_000)
    elif choice == 6:
        path += bytes(rng.randrange(128, 256) for _ in range(rng.randint(1, 20)))
    elif choice == 7:
        query += b"&" + b"&".join(rng.choice([b"top_k=-1", b"top_k=1e9", b"top_k=99999999999999999999", b"nprobe=0",
                                              b"nprobe=99999999999", b"category=" + b"x" * 5_000, b"price_min=nan",
                                              b"price_max=-inf", b"top_k=", b"=", b"&&&", b"top_k=%zz"])
                                   for _ in range(rng.randint(1, 5)))
    elif choice == 8:
        query += b"&top_k=3" * rng.randint(100, 5_000)
    elif choice == 9:
        path = b"http://127.0.0.1" + path
    elif choice == 10:
        path, query = b"*", b""
    elif choice == 11:
        path, query = b"", b""
    elif choice == 12:
        path = path.replace(b"/", b" /", 1)
    elif choice == 13:
        path += b"#fragment"
    elif choice == 14:
        path = path.upper()
    else:
        path = path.replace(b"/v1/", b"/v1/./")
    r.target = path + (b"?" + query if query else b"")


def m_version(rng, r):
    r.version = rng.choice([b"HTTP/1.0", b"HTTP/2.0", b"HTTP/0.9", b"HTTP/1.2", b"HTTP/9.9", b"HTTP/1", b"http/1.1",
                            b"HTTP/1.1.1", b"", b"HTTP/" + b"1" * 1_000, b"HTTP/1.1 extra", b"HTTP/3"])


def m_line_spacing(rng, r):
    choice = rng.randrange(4)
    if choice == 0:
        r.separator = rng.choice([b"  ", b"\t", b" \t "])
    elif choice == 1:
        r.prefix = CRLF * rng.randint(1, 5)
    elif choice == 2:
        r.prefix = b" "
    else:
        r.line_end = rng.choice([b"\n", b"\r", b"\n\r"])
        r.incomplete = True


def m_drop_header(rng, r):
    if r.headers:
        r.headers.pop(rng.randrange(len(r.headers)))
        r.incomplete = True  # e.g. without its Content-Length the body reads as a following request


def m_duplicate_header(rng, r):
    if r.headers:
        name, value = rng.choice(r.headers)
        other = value if rng.random() < 0.5 else rng.choice([b"0", b"1", value + b"0", b"", b"chunked", b"text/plain"])
        r.headers.insert(rng.randrange(len(r.headers) + 1), [name, other])
        r.incomplete = True


def m_oversized_header(rng, r):
    size = rng.choice([8_192, 16_385, 65_536, 100_000, 300_000])
    if rng.random() < 0.5 and r.headers:
        header = rng.choice(r.headers)
        header[1] = header[1] + b"x" * size
    else:
        r.headers.append([b"X-Big", b"y" * size])


def m_many_headers(rng, r):
    count = rng.choice([100, 1_000, 5_000, 20_000])
    r.headers += [[b"X-F-%d" % i, b"v"] for i in range(count)]


def m_bad_header_name(rng, r):
    name = rng.choice([b"X-\xff\xfe", "Ünïcödé".encode(), b"X Space", b"", b"X-Tab\t", b"X:Colon", b"X-\x00", b"(",
                       b"X-" + bytes(rng.randrange(128, 256) for _ in range(8)), b"\x7f"])
    r.headers.insert(rng.randrange(len(r.headers) + 1), [name, b"value"])


def m_bad_header_line(rng, r):
    choice = rng.randrange(5)
    position = rng.randrange(len(r.headers) + 1)
    if choice == 0:
        r.headers.insert(position, [b" folded", b"continuation"])   # obs-fold: a line starting with white space
    elif choice == 1:
        r.headers.insert(position, [b"X-No-Colon-Here", b""])
        r.post.append(lambda data: data.replace(b"X-No-Colon-Here: ", b"X-No-Colon-Here", 1))
    elif choice == 2:
        r.headers.insert(position, [b"X-Value", rng.choice([b"\x00", b"a\rb", b"\xff\xfe", b"a\nb", "é".encode()])])
        r.incomplete = True
    elif choice == 3:
        r.headers.insert(position, [b"X-Spaced ", b"value"])
    else:
        r.headers.insert(position, [b"Content-Length ", b"5"])


def m_content_length(rng, r):
    length = len(r.body)
    value = rng.choice([b"-1", b"+%d" % length, b" %d" % length, b"0x10", b"1e3", b"9223372036854775807",
                        b"18446744073709551616", b"99999999999999999999999", b"", b"abc", b"%d, %d" % (length, length),
                        b"00%d" % length, b"0", b"%d" % max(0, length - rng.randint(1, 10)), b"%d" % (length + rng.randint(1, 1_000)),
                        b"%d" % (length * 2 + 10), b"\xff"])
    r.set_header(b"Content-Length", value)
    r.incomplete = True


def to_chunks(rng, body):
    out, position = b"", 0
    while position < len(body):
        size = rng.randint(1, max(1, min(len(body) - position, rng.choice([1, 7, 100, 4_096, 1 << 20]))))
        out += b"%x" % size + CRLF + body[position:position + size] + CRLF
        position += size
    return out + b"0" + CRLF + CRLF


def m_chunked(rng, r):
    """Chunked framing, well-formed or not, with or without a conflicting Content-Length."""
    encoding = rng.choice([b"chunked", b"chunked", b"Chunked", b" chunked", b"chunked, identity", b"gzip, chunked", b"gzip",
                           b"identity", b"chunked\x00", b"chunked;q=1", b"xchunked"])
    if rng.random() < 0.7:
        r.remove_header(b"Content-Length")
    else:
        r.set_header(b"Content-Length", str(rng.choice([0, 5, len(r.body)])).encode())
    r.set_header(b"Transfer-Encoding", encoding)
    if rng.random() < 0.15:
        r.headers.append([b"Transfer-Encoding", rng.choice([b"chunked", b"identity"])])
    body = to_chunks(rng, r.body)
    choice = rng.randrange(14)
    if choice == 0:
        body = b"zz" + CRLF + body
    elif choice == 1:
        body = b"-1" + CRLF + body
    elif choice == 2:
        body = b"FFFFFFFFFFFFFFFFFF" + CRLF + body
    elif choice == 3:
        body = b"1" + b"0" * 30 + CRLF + body
    elif choice == 4:
        body = body.replace(CRLF, b";ext=" + b"e" * rng.choice([10, 5_000, 200_000]) + CRLF, 1)
    elif choice == 5:
        body = body.replace(CRLF, b" " + CRLF, 1)
    elif choice == 6:
        body = body[:-5]                                  # no last chunk
        r.incomplete = True
    elif choice == 7:
        body = b"fffff" + CRLF + b"abc"                   # a chunk longer than its data
        r.incomplete = True
    elif choice == 8:
        body = body.replace(CRLF, b"\n")
        r.incomplete = True
    elif choice == 9:
        body = body[:-2] + b"X-Trailer: 1" + CRLF + b"Content-Length: 5" + CRLF + CRLF
    elif choice == 10:
        body = b"".join(b"1" + CRLF + bytes([c]) + CRLF for c in r.body[:20_000]) + b"0" + CRLF + CRLF
    elif choice == 11:
        body = b"0x" + body
    elif choice == 12:
        body = body.replace(CRLF, b"", 2)
        r.incomplete = True
    r.incomplete = r.incomplete or encoding != b"chunked"
    r.set_body(body, fix_length=False)


def multipart_boundary(r):
    content_type = r.header(b"Content-Type") or b""
    if b"boundary=" not in content_type:
        return None
    return content_type.split(b"boundary=", 1)[1].split(b";")[0].strip(b'"')


def m_multipart(rng, r):
    boundary = multipart_boundary(r)
    if boundary is None:
        # Make it multipart first.
        boundary = b"fzB"
        r.set_header(b"Content-Type", b"multipart/form-data; boundary=fzB")
        r.set_body(multipart_body([(b"image", b"x.png", b"image/png", png(8, 8))], boundary))
    body = r.body
    delimiter = b"--" + boundary
    choice = rng.randrange(20)
    if choice == 0:
        body = body.replace(CRLF + CRLF, b"\n" + CRLF, 1)              # the crash of issue #15: part header ends in a bare LF
    elif choice == 1:
        body = body.replace(CRLF, b"\n")
    elif choice == 2:
        body = body.replace(CRLF + CRLF, CRLF, 1)                      # no blank line after the part headers
    elif choice == 3:
        body = body[:body.rfind(delimiter)]                            # no closing delimiter
    elif choice == 4:
        r.set_header(b"Content-Type", b"multipart/form-data; boundary=" + boundary + b"x")
    elif choice == 5:
        r.set_header(b"Content-Type", rng.choice([b"multipart/form-data", b"multipart/form-data; boundary=",
                                                  b'multipart/form-data; boundary=""', b"multipart/form-data; boundary=" + b"b" * 5_000,
                                                  b"multipart/form-data; boundary=a; boundary=b", b"multipart/form-data; boundary= ",
                                                  b"multipart/mixed; boundary=" + boundary, b"multipart/form-data;boundary=\xff"]))
    elif choice == 6:
        body = b"preamble garbage\r\n" * rng.randint(1, 100) + body + b"epilogue" * rng.randint(1, 100)
    elif choice == 7:
        parts = rng.choice([1_000, 5_000, 20_000])
        body = (delimiter + CRLF + b'Content-Disposition: form-data; name="f"' + CRLF + CRLF + b"v" + CRLF) * parts + delimiter + b"--" + CRLF
    elif choice == 8:
        body = body.replace(b"Content-Disposition", "Cöntent-Dispösition".encode(), 1)
    elif choice == 9:
        body = body.replace(CRLF + CRLF, CRLF + b"X-\xff\xfe: v" + CRLF + CRLF, 1)
    elif choice == 10:
        body = delimiter * rng.choice([1_000, 40_000, 160_000])        # the quadratic guard of issue #15
    elif choice == 11:
        body = body.replace(b'filename="', b'filename="../../../../etc/', 1)
    elif choice == 12:
        body = body.replace(CRLF + CRLF, CRLF + b"X-Long: " + b"h" * rng.choice([10_000, 200_000]) + CRLF + CRLF, 1)
    elif choice == 13:
        body = body[:rng.randrange(max(1, len(body)))]                 # truncated anywhere (Content-Length fixed below)
    elif choice == 14:
        start = body.find(b"\x89PNG")
        if start >= 0:
            end = body.find(CRLF + delimiter, start)
            body = body[:start] + extreme_png(rng) + body[end:]
    elif choice == 15:
        start = body.find(b"\x89PNG")
        if start >= 0:
            data = bytearray(body)
            for _ in range(rng.randint(1, 20)):
                position = rng.randrange(start, len(data))
                data[position] = rng.randrange(256)
            body = bytes(data)
    elif choice == 16:
        body = body.replace(b'Content-Disposition: form-data; name="', b"Content-Disposition: attachment; x=\"", 1)
    elif choice == 17:
        body = body.replace(CRLF + CRLF, CRLF + b"Content-Type: multipart/mixed; boundary=inner" + CRLF + CRLF, 1)
    elif choice == 18:
        body = body.replace(delimiter + CRLF, delimiter + b"\r\r\n", 1)
    else:
        body = body.replace(b"\r\n", b"\r", 3)
    r.set_body(body)


def m_json(rng, r):
    content_type = r.header(b"Content-Type") or b""
    if b"json" not in content_type:
        r.set_header(b"Content-Type", b"application/json")
    choice = rng.randrange(18)
    body = r.body
    if choice == 0 and body:
        data = bytearray(body)
        for _ in range(rng.randint(1, 5)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        body = bytes(data)
    elif choice == 1:
        body = body[:rng.randrange(max(1, len(body)))]
    elif choice == 2:
        depth = rng.choice([100, 1_000, 100_000])
        body = b'{"query": ' + b"[" * depth + b"]" * depth + b"}"
    elif choice == 3:
        body = b'{"query": "a", "top_k": ' + rng.choice([b"1e999999", b"-1", b"1e20", b"0", b"3.5", b"null", b"\"3\"", b"9" * 400]) + b"}"
    elif choice == 4:
        body = json.dumps({"query": "q" * rng.choice([1_001, 10_000, 500_000]), "top_k": 3}).encode()
    elif choice == 5:
        body = json.dumps({"query": "a" + "\u0301" * rng.choice([1_000, 50_000, 200_000]), "top_k": 3}, ensure_ascii=False).encode()
    elif choice == 6:
        body = b'{"query": "\\ud800\\udc00\\ud800 x", "top_k": 3}'
    elif choice == 7:
        body = b'{"query": "a\x00b", "top_k": 3}'
    elif choice == 8:
        body = b'{"query": "\xff\xfe\xc0\xaf", "top_k": 3}'
    elif choice == 9:
        body = b'{"query": "a", "query": "b", "top_k": 3}'
    elif choice == 10:
        body = rng.choice([b"", b"null", b"[]", b"{}", b"\"x\"", b"{", b"}", b"\xef\xbb\xbf{\"query\": \"a\"}", b" " * 10_000])
    elif choice == 11:
        body = json.dumps({"query": rng.choice([123, None, [], {}, True, ""]), "top_k": 3}).encode()
    elif choice == 12:
        body = json.dumps({"factory": rng.choice(FACTORIES)}).encode()
    elif choice == 13:
        body = json.dumps({"factory": "A" * rng.choice([1_000, 10_240, 500_000])}).encode()
    elif choice == 14:
        body = json.dumps({"documents": [{"source": s, "text": "x"} for s in
                                         rng.choice([["../../etc/passwd"], [""], ["a" * 10_000], ["x.md"] * 50, ["\u0000.md"]])]}).encode()
    elif choice == 15:
        body = json.dumps({"documents": [{"source": "fuzz/big.md", "text": "word " * rng.choice([100, 1_000])}]}).encode()
    elif choice == 16:
        body = json.dumps({"query": "espresso " * 120, "top_k": 5, "filter": {"source": "x" * 10_000}, "min_score": -1e308}).encode()
    else:
        body = b'{"query": "' + "水温".encode() * rng.choice([500, 5_000]) + b'", "top_k": 5}'
    r.set_body(body)


def m_semantic_header(rng, r):
    choice = rng.randrange(9)
    if choice == 0:
        r.set_header(b"Expect", rng.choice([b"100-continue", b"100-Continue", b"garbage", b"200-ok"]))
    elif choice == 1:
        r.set_header(b"Connection", rng.choice([b"close", b"keep-alive", b"upgrade", b"Upgrade, HTTP2-Settings", b"te, close"]))
        if rng.random() < 0.5:
            r.set_header(b"Upgrade", rng.choice([b"websocket", b"h2c", b"HTTP/2.0"]))
            r.set_header(b"HTTP2-Settings", b"AAMAAABkAARAAAAAAAIAAAAA")
    elif choice == 2:
        r.set_header(b"Authorization", rng.choice([b"Bearer", b"Bearer ", b"bearer x", b"Basic YTpi", b"Bearer " + b"t" * 100_000,
                                                   b"Bearer \xff\xfe", b"Bearer  " + (r.header(b"Authorization") or b"")[7:]]))
    elif choice == 3:
        r.set_header(b"Content-Type", rng.choice([b"application/json; charset=utf-16", b"text/plain", b"", b"image/png",
                                                  b"application/octet-stream", b"x" * 10_000, b"application/json\x00",
                                                  b"image/webp", b"image/jpeg; q=1"]))
    elif choice == 4:
        r.remove_header(b"Host")
        if rng.random() < 0.5:
            r.headers.append([b"Host", b"evil.example"])
            r.headers.append([b"Host", b"127.0.0.1"])
    elif choice == 5:
        r.set_header(b"Accept-Encoding", rng.choice([b"gzip", b"br, deflate", b"*;q=0", b"x" * 5_000]))
    elif choice == 6:
        r.set_header(b"Range", rng.choice([b"bytes=0-1", b"bytes=-1", b"bytes=99999999999-", b"bytes=0-1,2-3" * 500]))
    elif choice == 7:
        r.set_header(b"Origin", rng.choice([b"https://evil.example", b"null", b"\xff"]))
    else:
        r.set_header(b"Content-Encoding", rng.choice([b"gzip", b"deflate", b"br", b"identity"]))


def m_raw(rng, r):
    choice = rng.randrange(7)
    if choice == 0:
        r.post.append(lambda data: data.replace(CRLF, b"\n"))
        r.incomplete = True
    elif choice == 1:
        r.post.append(lambda data, n=rng.randrange(1 << 30): data[:n % max(1, len(data))])
        r.incomplete = True
    elif choice == 2:
        r.post.append(lambda data: data + data)
    elif choice == 3:
        r.post.append(lambda data, junk=bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))): data + junk)
        r.incomplete = True
    elif choice == 4:
        def insert(data, n=rng.randrange(1 << 30), byte=bytes([rng.randrange(256)])):
            head_end = data.find(CRLF + CRLF)
            position = n % max(1, head_end if head_end > 0 else len(data))
            return data[:position] + byte + data[position:]
        r.post.append(insert)
        r.incomplete = True
    elif choice == 5:
        def delete(data, n=rng.randrange(1 << 30)):
            head_end = data.find(CRLF + CRLF)
            position = n % max(1, head_end if head_end > 0 else len(data))
            return data[:position] + data[position + 1:]
        r.post.append(delete)
        r.incomplete = True
    else:
        r.post.append(lambda data: data.replace(CRLF + CRLF, CRLF + b"\r" + CRLF, 1))
        r.incomplete = True


MUTATIONS = [
    (1.0, m_method), (2.0, m_target), (1.0, m_version), (0.7, m_line_spacing), (1.0, m_drop_header), (1.2, m_duplicate_header),
    (1.0, m_oversized_header), (0.6, m_many_headers), (1.0, m_bad_header_name), (1.0, m_bad_header_line),
    (1.5, m_content_length), (2.5, m_chunked), (3.5, m_multipart), (2.5, m_json), (1.5, m_semantic_header), (1.5, m_raw),
]


def generate(seeds, seed, number):
    """Request `number` of the run with `seed`, from its own generator."""
    rng = random.Random(f"{seed}-{number}")
    request = seeds.make(rng)
    if rng.random() < 0.08:
        return request                       # valid traffic too
    total = sum(w for w, _ in MUTATIONS)
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        pick = rng.uniform(0, total)
        for weight, mutation in MUTATIONS:
            pick -= weight
            if pick <= 0:
                break
        mutation(rng, request)
        request.mutations.append(mutation.__name__[2:])
    return request


# MARK: - sending

class Outcome:
    def __init__(self):
        self.status = None        # the final status code, if an answer came
        self.body = b""
        self.closed = False       # the server closed without (a complete) answer
        self.reset = False
        self.refused = False
        self.waited = False       # answered only after our half-close
        self.hang = False
        self.slow = None          # seconds, when an answer came late
        self.seconds = 0.0
        self.error = None


def exchange(host, port, data, incomplete, head_only, timeout):
    """Sends `data` on a fresh connection and waits for the first final answer or a close.

    Waits `timeout` seconds (1 s for a request that may be incomplete), then half-closes
    and waits `timeout` more; no answer and no close by then is a hang."""
    outcome = Outcome()
    start = time.monotonic()
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as error:
        outcome.refused = True
        outcome.error = f"connect: {error}"
        return outcome
    buffer = b""
    half_close_at = None
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # Send while reading: the server may answer (and stop reading) before it has everything.
        sock.setblocking(False)
        sent = 0
        while sent < len(data) and time.monotonic() - start < timeout:
            readable, writable, _ = select.select([sock], [sock], [], 0.5)
            if readable:
                chunk = sock.recv(65536)
                if not chunk:
                    outcome.closed = True
                    break
                buffer += chunk
                if final_status(buffer) is not None:
                    break
            if writable:
                try:
                    sent += sock.send(data[sent:sent + 262144])
                except BlockingIOError:
                    pass
        sock.setblocking(True)
        deadline = time.monotonic() + (min(1.0, timeout) if incomplete else timeout)
        while not outcome.closed:
            status = final_status(buffer)
            if status is not None and response_complete(buffer, head_only):
                break
            left = deadline - time.monotonic()
            if left <= 0:
                if status is not None:
                    break  # the status came; the rest of the body does not matter here
                if half_close_at is None:
                    # Nothing yet: maybe the server still waits for bytes that will never come.
                    sock.shutdown(socket.SHUT_WR)
                    half_close_at = time.monotonic()
                    deadline = half_close_at + timeout
                    continue
                outcome.hang = True
                break
            sock.settimeout(left)
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                outcome.closed = True
                break
            buffer += chunk
    except (ConnectionResetError, BrokenPipeError):
        outcome.reset = True
    except OSError as error:
        outcome.error = str(error)
    finally:
        sock.close()
        outcome.seconds = time.monotonic() - start
    status = final_status(buffer)
    if status is not None:
        outcome.status = status
        outcome.body = buffer.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in buffer else b""
        outcome.closed = outcome.reset = False
    if half_close_at is not None and not incomplete and not outcome.hang:
        # A request that looked complete was answered only once the server saw the end of our bytes.
        after = (start + outcome.seconds) - half_close_at
        outcome.waited = after <= 1.0
        if after > 1.0:
            outcome.slow = outcome.seconds
    return outcome


def final_status(buffer):
    """The first non-1xx status code in `buffer`, or None."""
    while b"\r\n\r\n" in buffer:
        head, buffer = buffer.split(b"\r\n\r\n", 1)
        parts = head.split(b"\r\n", 1)[0].split()
        if len(parts) < 2 or not parts[1].isdigit():
            return -1   # not HTTP: count it as an answer of its own kind
        status = int(parts[1])
        if status >= 200 or status < 100:
            return status
    return None


def response_complete(buffer, head_only):
    """Whether the final answer in `buffer` is complete (by Content-Length), so reading can stop before a close."""
    while b"\r\n\r\n" in buffer:
        head, rest = buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        parts = lines[0].split()
        if len(parts) >= 2 and parts[1].isdigit() and 100 <= int(parts[1]) < 200:
            buffer = rest
            continue
        if head_only:
            return True
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length" and value.strip().isdigit():
                return len(rest) >= int(value.strip())
        return False
    return False


def allowed_5xx(outcome, request):
    if outcome.status in (507,):
        return True
    if outcome.status == 503:
        try:
            body = outcome.body
            body = body[body.find(b"{"):]
            return json.loads(body[:body.rfind(b"}") + 1])["error"]["code"] == "overloaded"
        except (ValueError, KeyError, TypeError):
            return False
    encodings = [v.strip().lower() for k, v in request.headers if k.lower() == b"transfer-encoding"]
    if outcome.status == 501 and ((encodings and encodings != [b"chunked"]) or request.method not in ROUTED_METHODS):
        return True
    if outcome.status == 505 and request.version not in (b"HTTP/1.0", b"HTTP/1.1"):
        return True
    return False


def show(data, limit=1_500):
    if len(data) <= limit:
        return repr(data)
    return f"{data[:limit - 300]!r} … [{len(data) - limit + 300:,} bytes] … {data[-300:]!r}"


class Fuzzer:
    def __init__(self, arguments, seeds, host, port):
        self.arguments, self.seeds, self.host, self.port = arguments, seeds, host, port
        self.lock = threading.Lock()
        self.next_number = 0
        self.stop = threading.Event()
        self.statuses = Counter()
        self.labels = Counter()
        self.mutation_counts = Counter()
        self.failures = []      # (kind, number, request, outcome)
        self.waited = []
        self.recent = deque(maxlen=24)
        self.sent = 0
        self.crashed = None

    def take(self):
        with self.lock:
            number = self.next_number
            self.next_number += 1
            return number

    def alive(self):
        if self.arguments.server_pid:
            try:
                os.kill(self.arguments.server_pid, 0)
            except ProcessLookupError:
                return False
            except PermissionError:
                pass
        for _ in range(3):
            try:
                socket.create_connection((self.host, self.port), timeout=5).close()
                return True
            except ConnectionRefusedError:
                time.sleep(0.5)
            except OSError:
                return True   # a timeout: busy, not gone
        return False

    def worker(self, deadline):
        while not self.stop.is_set() and time.monotonic() < deadline:
            number = self.take()
            request = generate(self.seeds, self.arguments.seed, number)
            data = request.raw()
            entry = {"number": number, "request": request, "data": data, "answer": None}
            with self.lock:
                self.recent.append(entry)
            outcome = exchange(self.host, self.port, data, request.incomplete, request.head_only, self.arguments.timeout)
            entry["answer"] = outcome.status if outcome.status is not None else (
                "hang" if outcome.hang else "reset" if outcome.reset else "refused" if outcome.refused else "closed")
            self.record(number, request, data, outcome)

    def record(self, number, request, data, outcome):
        with self.lock:
            self.sent += 1
            self.labels[request.label] += 1
            self.mutation_counts.update(request.mutations or ["(none)"])
            kind = None
            if outcome.status is not None:
                self.statuses[outcome.status] += 1
                if outcome.status >= 500 and not allowed_5xx(outcome, request):
                    kind = f"{outcome.status} answer"
            elif outcome.hang:
                self.statuses["hang"] += 1
                kind = f"hang (no answer or close within {self.arguments.timeout:g} s, nor after a half-close)"
            elif outcome.refused:
                self.statuses["refused"] += 1
            elif outcome.reset:
                self.statuses["reset"] += 1
            elif outcome.closed:
                self.statuses["closed"] += 1
            else:
                self.statuses["error"] += 1
            if outcome.slow is not None and kind is None:
                kind = f"slow: answered {outcome.slow:.1f} s after sending, only after a half-close"
            if outcome.waited:
                self.waited.append((number, request, data, outcome))
            if kind:
                self.failures.append((kind, number, request, data, outcome))
        if outcome.refused or outcome.reset or (outcome.closed and outcome.status is None):
            if not self.alive():
                with self.lock:
                    if self.crashed is None:
                        self.crashed = (number, list(self.recent))
                self.stop.set()

    def run(self):
        deadline = time.monotonic() + self.arguments.seconds
        threads = [threading.Thread(target=self.worker, args=(deadline,), daemon=True) for _ in range(self.arguments.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self.crashed is None and not self.alive():
            self.crashed = (self.next_number - 1, list(self.recent))


def discover(host, port):
    """(text collection, image collection) of the server, preferring `course` and `fashion`."""
    sock = socket.create_connection((host, port), timeout=10)
    sock.sendall(b"GET /v1/collections HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    data = b""
    sock.settimeout(10)
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    if b"chunked" in head.lower():
        decoded, rest = b"", body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            decoded, rest = decoded + rest[:size], rest[size + 2:]
        body = decoded
    collections = json.loads(body)["collections"]
    text = [c["name"] for c in collections if c.get("kind") == "text"]
    image = [c["name"] for c in collections if c.get("kind") == "image"]
    pick = lambda names, preferred: preferred if preferred in names else (names[0] if names else None)  # noqa: E731
    return pick(text, "course"), pick(image, "fashion")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=None, help="default: a random one (printed)")
    parser.add_argument("--token", default=os.environ.get("QUARRY_ADMIN_TOKEN"), help="admin bearer token (default: $QUARRY_ADMIN_TOKEN)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds a request may go unanswered")
    parser.add_argument("--workers", type=int, default=4, help="requests in flight at once")
    parser.add_argument("--server-pid", type=int, help="the server's process id, to tell a crash from a refusal")
    parser.add_argument("--replay", type=int, nargs="+", metavar="N", help="send only requests N … of --seed, printing each")
    arguments = parser.parse_args()
    if arguments.seed is None:
        arguments.seed = random.SystemRandom().randrange(1, 10 ** 9)

    url = urllib.parse.urlsplit(arguments.base_url)
    host, port = url.hostname, url.port or 80
    text, image = discover(host, port)
    seeds = Seeds(f"{host}:{port}".encode(), text, image, arguments.token)
    print(f"http_fuzz_test: seed {arguments.seed}, {arguments.seconds:g} s, {arguments.workers} workers, timeout "
          f"{arguments.timeout:g} s, {arguments.base_url} (text collection {text!r}, image collection {image!r}, "
          f"token {'given' if arguments.token else 'none'})", flush=True)

    if arguments.replay:
        failed = False
        for number in arguments.replay:
            request = generate(seeds, arguments.seed, number)
            data = request.raw()
            outcome = exchange(host, port, data, request.incomplete, request.head_only, arguments.timeout)
            answer = outcome.status if outcome.status is not None else (
                "hang" if outcome.hang else "reset" if outcome.reset else "refused" if outcome.refused else "closed")
            print(f"request {number} ({request.label}; {', '.join(request.mutations) or 'unmutated'}): {answer} in "
                  f"{outcome.seconds:.2f} s{' after a half-close' if outcome.waited else ''}\n  {show(data)}\n  answer body: {outcome.body[:300]!r}")
            failed |= outcome.hang or (outcome.status is not None and outcome.status >= 500 and not allowed_5xx(outcome, request))
        return 1 if failed else 0

    fuzzer = Fuzzer(arguments, seeds, host, port)
    started = time.monotonic()
    fuzzer.run()
    seconds = time.monotonic() - started
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(fuzzer.statuses.items(), key=lambda item: str(item[0])))
    print(f"requests sent: {fuzzer.sent} in {seconds:.0f} s; answers: {statuses}")
    print("seeds: " + ", ".join(f"{k} {v}" for k, v in fuzzer.labels.most_common()))
    print("mutations: " + ", ".join(f"{k} {v}" for k, v in fuzzer.mutation_counts.most_common()))
    hangs = [f for f in fuzzer.failures if f[0].startswith("hang") or f[0].startswith("slow")]
    errors_5xx = [f for f in fuzzer.failures if f[0].endswith("answer")]
    print(f"hangs: {len(hangs)}; 5xx: {len(errors_5xx)}; waited for more input (answered within 1 s of a half-close): "
          f"{len(fuzzer.waited)}; crash: {'YES' if fuzzer.crashed else 'no'}")
    for number, request, data, outcome in fuzzer.waited[:3]:
        print(f"  waited: request {number} ({request.label}; {', '.join(request.mutations)}): {show(data, 400)}")
    shown = Counter()
    for kind, number, request, data, outcome in fuzzer.failures:
        key = (kind, request.label)
        shown[key] += 1
        if shown[key] > 1 or len(shown) > 10:
            continue
        print(f"FAILURE {kind}: request {number} ({request.label}; mutations {', '.join(request.mutations) or 'none'}), "
              f"{outcome.seconds:.2f} s\n  sent: {show(data, 800)}\n  answer body: {outcome.body[:200]!r}")
    if len(fuzzer.failures) > sum(1 for n in shown.values() if n):
        kinds = Counter(kind for kind, *_ in fuzzer.failures)
        print(f"  ({len(fuzzer.failures)} failures in all: " + ", ".join(f"{k} ×{v}" for k, v in kinds.most_common()) + ")")
    if fuzzer.crashed:
        number, recent = fuzzer.crashed
        suspects = [e for e in recent if not isinstance(e["answer"], int)]
        print(f"FAILURE crash: the server stopped accepting connections (noticed after request {number}); of the last "
              f"{len(recent)} requests these got no answer, and one of them is likely the cause:")
        for entry in suspects:
            request = entry["request"]
            print(f"  request {entry['number']} ({request.label}; mutations {', '.join(request.mutations) or 'none'}; "
                  f"{entry['answer'] or 'in flight'}): {show(entry['data'], 600)}")
        print("  reproduce: --seed %d --replay %s" % (arguments.seed, " ".join(str(e["number"]) for e in suspects)))
    if fuzzer.failures or fuzzer.crashed:
        print(f"http_fuzz_test: FAILED (reproduce one request: --seed {arguments.seed} --replay N)")
        return 1
    print("http_fuzz_test: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
