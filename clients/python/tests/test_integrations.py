"""The LangChain and LlamaIndex retrievers against a live server, and the examples."""
import asyncio
import subprocess
import sys

from conftest import ROOT
from quarry_client import AsyncQuarryClient


def test_langchain_retriever(client, server):
    from quarry_client.langchain import QuarryRetriever
    retriever = QuarryRetriever(client=client, collection="course", top_k=3)
    documents = retriever.invoke("萃取率怎么计算")
    assert len(documents) == 3 and documents[0].page_content
    assert set(documents[0].metadata) == {"source", "chapter", "page", "score", "id", "rank"}
    assert documents[0].metadata["source"].endswith(".md") and documents[0].metadata["score"] > 0
    assert [d.metadata["id"] for d in asyncio.run(retriever.ainvoke("萃取率怎么计算"))] == [d.metadata["id"] for d in documents]

    async def native():
        async with AsyncQuarryClient(server.base_url) as quarry:
            both = QuarryRetriever(client=client, async_client=quarry, collection="course", top_k=3)
            return await both.ainvoke("萃取率怎么计算")
    assert [d.metadata["id"] for d in asyncio.run(native())] == [d.metadata["id"] for d in documents]


def test_llamaindex_retriever(client, server):
    from quarry_client.llamaindex import QuarryRetriever
    retriever = QuarryRetriever(client, "course", top_k=3, mode="vector")
    nodes = retriever.retrieve("萃取率怎么计算")
    assert len(nodes) == 3 and nodes[0].score >= nodes[1].score and nodes[0].node.get_content()
    assert nodes[0].node.metadata["source"].endswith(".md") and nodes[0].node.node_id == str(client.search(
        "course", "萃取率怎么计算", top_k=1, mode="vector")[0].id)

    async def native():
        async with AsyncQuarryClient(server.base_url) as quarry:
            return await QuarryRetriever(client, "course", top_k=3, mode="vector", async_client=quarry).aretrieve("萃取率怎么计算")
    assert [n.node.node_id for n in asyncio.run(native())] == [n.node.node_id for n in nodes]


def run_example(name, server):
    return subprocess.run([sys.executable, str(ROOT / "examples" / name), "--base-url", server.base_url],
                          check=True, capture_output=True, text=True, timeout=300).stdout


def test_course_qa_example(server):
    report = run_example("course_qa.py", server)
    assert report.count("\nQ") == 10, report
    assert "top_k" in report and "Hit@1" in report and "Hit@5" in report, report


def test_langchain_chain_example(server):
    output = run_example("langchain_chain.py", server)
    assert "answer:" in output and "sources:" in output and ".md" in output, output
