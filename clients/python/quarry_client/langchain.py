"""A LangChain retriever over a Quarry text collection (extra `langchain`).

    from quarry_client import QuarryClient
    from quarry_client.langchain import QuarryRetriever
    retriever = QuarryRetriever(client=QuarryClient("http://127.0.0.1:8080"), collection="course", top_k=4)
    documents = retriever.invoke("什么是 HNSW？")
"""
from typing import Dict, List, Optional

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from .client import AsyncQuarryClient, QuarryClient
from .models import SearchResult


def document(result: SearchResult) -> Document:
    """A LangChain document of a search result: its text, with source, chapter, page, score, id and rank."""
    return Document(page_content=result.text, metadata={
        "source": result.source, "chapter": result.chapter, "page": result.page, "score": result.score,
        "id": result.id, "rank": result.rank,
    })


class QuarryRetriever(BaseRetriever):
    """Retrieves the passages of `collection` that answer a question. Async calls use
    `async_client` when given, else the blocking client on a worker thread."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    client: QuarryClient
    collection: str
    async_client: Optional[AsyncQuarryClient] = None
    top_k: int = 5
    mode: str = "hybrid"
    filter: Optional[Dict[str, str]] = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> List[Document]:
        results = self.client.search(self.collection, query, top_k=self.top_k, mode=self.mode, filter=self.filter)
        return [document(result) for result in results]

    async def _aget_relevant_documents(self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun) -> List[Document]:
        if self.async_client is None:
            return await super()._aget_relevant_documents(query, run_manager=run_manager)
        results = await self.async_client.search(self.collection, query, top_k=self.top_k, mode=self.mode, filter=self.filter)
        return [document(result) for result in results]

