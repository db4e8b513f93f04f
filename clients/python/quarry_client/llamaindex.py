"""A LlamaIndex retriever over a Quarry text collection (extra `llamaindex`).

    from quarry_client import QuarryClient
    from quarry_client.llamaindex import QuarryRetriever
    retriever = QuarryRetriever(QuarryClient("http://127.0.0.1:8080"), "course", top_k=4)
    nodes = retriever.retrieve("什么是 HNSW？")
"""
from typing import Any, Dict, List, Optional

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from .client import AsyncQuarryClient, QuarryClient
from .models import SearchResult


def node(result: SearchResult) -> NodeWithScore:
    """A LlamaIndex node of a search result, scored, with source, chapter, page and rank as metadata."""
    text = TextNode(text=result.text, id_=str(result.id), metadata={
        "source": result.source, "chapter": result.chapter, "page": result.page, "rank": result.rank,
    })
    return NodeWithScore(node=text, score=result.score)


class QuarryRetriever(BaseRetriever):
    """Retrieves the passages of `collection` that answer a question. Async calls use
    `async_client` when given, else the blocking client."""

    def __init__(self, client: QuarryClient, collection: str, top_k: int = 5, mode: str = "hybrid",
                 filter: Optional[Dict[str, str]] = None, async_client: Optional[AsyncQuarryClient] = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.client = client
        self.async_client = async_client
        self.collection = collection
        self.top_k = top_k
        self.mode = mode
        self.filter = filter

    def _retrieve(self, query_bundle: QueryBundle) -> List[NodeWithScore]:
        results = self.client.search(self.collection, query_bundle.query_str, top_k=self.top_k, mode=self.mode,
                                     filter=self.filter)
        return [node(result) for result in results]

    async def _aretrieve(self, query_bundle: QueryBundle) -> List[NodeWithScore]:
        if self.async_client is None:
            return self._retrieve(query_bundle)
        results = await self.async_client.search(self.collection, query_bundle.query_str, top_k=self.top_k,
                                                 mode=self.mode, filter=self.filter)
        return [node(result) for result in results]
