"""Every client method against a live server, error mapping, retries, and an alias swap under load."""
import asyncio
import json
import re
import threading
import urllib.request

import httpx
import pytest

from quarry_client import (AsyncQuarryClient, AuthenticationError, ConflictError, InvalidRequestError, NotFoundError,
                           QuarryClient, UnavailableError, UnprocessableError, _calls)
from conftest import PHOTOS


def test_collections_documents_and_aliases(client):
    created = client.create_collection("notes", kind="text")
    assert (created.name, created.kind, created.model, created.vectors) == ("notes", "text", "e5-small", 0)
    assert client.create_collection("notes").name == "notes"
    tuned = client.create_collection("tuned", settings={"top_k": 3})
    assert tuned.settings["top_k"] == 3 and client.delete_collection("tuned").deleted
    with pytest.raises(ConflictError) as conflict:
        client.create_collection("notes", factory="HNSW32,Flat")
    assert conflict.value.status == 409 and conflict.value.code == "collection_exists"
    stored = client.add_documents("notes", [("ivf.md", "# IVF\n\nIVF 索引把向量分到 nlist 个簇里，查询时只看 nprobe 个簇。"),
                                            {"source": "hnsw.md", "text": "# HNSW\n\nHNSW 是分层的近邻图，efSearch 越大越准。"}])
    assert [document.status for document in stored.documents] == ["stored", "stored"]
    assert "notes" in [collection.name for collection in client.list_collections()]
    assert client.get_collection("notes").documents == 2

    results = client.search("notes", "查询时看几个簇", top_k=2)
    assert results[0].source == "ivf.md" and results[0].chapter == "IVF" and results[0].score > 0
    assert results[0].page is None and results[0].rank == 1 and results[0].highlights.terms
    assert client.search("notes", "近邻图", filter={"source": "hnsw.md"})[0].source == "hnsw.md"

    assert client.set_alias("live", "notes").previous is None
    assert client.list_aliases()["live"] == "notes"
    assert client.search("live", "近邻图", top_k=1)[0].source == "hnsw.md"
    assert client.set_alias("live", "course").previous == "notes"
    with pytest.raises(ConflictError):
        client.create_collection("live")
    client.set_alias("live", "notes")
    with pytest.raises(ConflictError) as aliased:
        client.delete_collection("notes")
    assert aliased.value.code == "collection_aliased"
    assert client.delete_alias("live").collection == "notes"
    with pytest.raises(NotFoundError):
        client.delete_alias("live")

    assert client.delete_document("notes", "ivf.md").removed == 1
    assert client.delete_collection("notes").deleted
    with pytest.raises(NotFoundError) as missing:
        client.get_collection("notes")
    assert missing.value.code == "collection_not_found"


def test_files_and_batches(client, server):
    client.create_collection("uploads")
    answer = client.add_documents("uploads", files=[("brew.md", "# 冲煮\n\n手冲的水温一般在 90 到 96 摄氏度之间。".encode())])
    assert answer.documents[0].source == "brew.md" and answer.documents[0].passages >= 1
    queries = ["手冲用多少度的水", "萃取率怎么计算", {"query": "TDS", "mode": "keyword", "top_k": 2}]
    batch = client.search_batch("course", queries, top_k=3)
    assert len(batch) == 3
    for query, results in zip(queries, batch):
        single = client.search("course", **query) if isinstance(query, dict) else client.search("course", query, top_k=3)
        assert [(r.id, round(r.score, 4)) for r in results] == [(r.id, round(r.score, 4)) for r in single]
    client.delete_collection("uploads")


def test_images(client):
    answer = client.search_image("photos", PHOTOS / "chelsea.jpg", top_k=3)
    assert answer.results[0].title == "chelsea" and answer.results[0].category == "earth"
    assert answer.duplicate_of is not None and answer.duplicate_of.id == answer.results[0].id
    assert answer.duplicate_of.score == pytest.approx(1.0, abs=1e-4)
    space = client.search_image("photos", (PHOTOS / "chelsea.jpg").read_bytes(), top_k=2, category="space")
    assert len(space.results) == 2 and all(result.category == "space" for result in space.results)
    similar = client.similar("photos", answer.results[0].id, top_k=5)
    assert answer.results[0].id not in [result.id for result in similar.results] and len(similar.results) == 5
    added = client.add_images("photos", [PHOTOS / "rocket-tall.jpg"], category="space", price=12.5, title="tall rocket")
    stored = added.images[0]
    assert stored.status == "stored" and stored.id is not None
    assert client.delete_item("photos", stored.id).removed == 1


def test_errors_are_typed(client, server):
    with pytest.raises(InvalidRequestError) as bad:
        client.search("course", "水温", top_k=0)
    assert bad.value.status == 400 and bad.value.code == "invalid_request" and "top_k" in bad.value.message
    with pytest.raises(UnprocessableError) as model:
        client.create_collection("other", model="gpt-9")
    assert model.value.code == "unknown_model"
    with QuarryClient(server.base_url) as anonymous:
        with pytest.raises(AuthenticationError):
            anonymous.create_collection("other")
        assert anonymous.search("course", "水温", top_k=1)
    with pytest.raises(NotFoundError):
        client.search("missing", "水温")


def test_async_client(server):
    async def run():
        async with AsyncQuarryClient(server.base_url, token=server.token) as quarry:
            results, batch = await asyncio.gather(quarry.search("course", "萃取率怎么计算", top_k=2),
                                                  quarry.search_batch("course", ["水温", "研磨"]))
            assert len(results) == 2 and results[0].text and len(batch) == 2
            with pytest.raises(NotFoundError):
                await quarry.get_collection("missing")
            return await quarry.list_collections()
    assert {"course", "photos"} <= {collection.name for collection in asyncio.run(run())}


def test_503_is_retried_after_retry_after_then_raised():
    calls = []

    def answer(request):
        calls.append(request)
        if len(calls) <= 2:
            return httpx.Response(503, headers={"Retry-After": "0"},
                                  json={"error": {"code": "overloaded", "message": "busy"}})
        return httpx.Response(200, json={"status": "ok"})

    with QuarryClient("http://quarry.invalid", transport=httpx.MockTransport(answer), max_retries=3) as quarry:
        assert quarry.health() == {"status": "ok"} and len(calls) == 3
    calls.clear()
    with QuarryClient("http://quarry.invalid", transport=httpx.MockTransport(answer), max_retries=1) as quarry:
        with pytest.raises(UnavailableError) as refused:
            quarry.health()
    assert refused.value.code == "overloaded" and refused.value.retry_after == 0 and len(calls) == 2


def test_min_seq_is_sent_as_the_header_cluster_nodes_wait_on(server):
    seen = []

    def answer(request):
        seen.append(request.headers.get("Quarry-Min-Seq"))
        body = {"searches": [{"results": []}]} if request.url.path.endswith("/batch") else {"results": []}
        return httpx.Response(200, json=body)

    with QuarryClient("http://quarry.test", transport=httpx.MockTransport(answer)) as client:
        client.search("notes", "q", min_seq=42)
        client.search("notes", "q")
        client.search_batch("notes", ["q"], min_seq=7)
    assert seen == ["42", None, "7"]
    # A single server keeps no change log: it answers at once, and its writes report seq None.
    with QuarryClient(server.base_url, token=server.token) as live:
        assert live.search("course", "咖啡", top_k=1, min_seq=1)
        assert live.add_documents("course", [("seq.md", "# 序号\n\n单机模式的写入没有序号。")]).seq is None


def test_alias_swap_under_concurrent_searches(client, server):
    client.create_collection("course-copy")
    client.add_documents("course-copy", [("copy.md", "# 复制\n\n萃取率等于咖啡液重量乘以 TDS 再除以粉量。")])
    client.set_alias("swap", "course")
    errors, stop = [], threading.Event()

    def search():
        with QuarryClient(server.base_url, max_retries=0) as reader:
            while not stop.is_set():
                try:
                    if not reader.search("swap", "萃取率怎么计算", top_k=1):
                        errors.append("empty answer")
                except Exception as error:  # every failure counts
                    errors.append(repr(error))

    readers = [threading.Thread(target=search) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        for swap in range(100):
            client.set_alias("swap", "course-copy" if swap % 2 == 0 else "course")
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert errors == []
    client.delete_alias("swap")
    client.delete_collection("course-copy")


def test_every_call_is_an_operation_of_the_openapi_document(server):
    with urllib.request.urlopen(server.base_url + "/openapi.json") as response:
        document = json.load(response)
    operations = {(method.upper(), re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"))
                  for path, item in document["paths"].items() for method in item}
    calls = [
        _calls.health(), _calls.list_collections(), _calls.get_collection("c"),
        _calls.create_collection("c", "text", None, None, {"top_k": 3}),
        _calls.delete_collection("c"), _calls.add_documents("c", [("a.md", "a")], None), _calls.delete_document("c", "a.md"),
        _calls.delete_item("c", 1), _calls.search("c", "q", 5, "hybrid", None, None), _calls.search_batch("c", ["q"], 5, "hybrid", None),
        _calls.search_image("c", b"png", 10, None, None, None, None), _calls.similar("c", 1, 10, None, None, None, None),
        _calls.add_images("c", [("a.png", b"png")], None, None, None, None), _calls.list_aliases(), _calls.set_alias("a", "c"),
        _calls.delete_alias("a"),
    ]
    for call in calls:
        assert any(method == call.method and pattern.match(call.path) for method, pattern in operations), (call.method, call.path)
