"""Python client for the Quarry semantic search server.

    from quarry_client import QuarryClient
    with QuarryClient("http://127.0.0.1:8080", token="…") as quarry:
        for result in quarry.search("course", "什么是 IVF 索引？", top_k=3):
            print(result.score, result.source, result.chapter, result.text[:60])

Retrievers for LangChain and LlamaIndex are in `quarry_client.langchain` and
`quarry_client.llamaindex` (extras `langchain` and `llamaindex`).
"""
from .client import AsyncQuarryClient, QuarryClient
from .errors import (AuthenticationError, ConflictError, InvalidRequestError, NotFoundError, QuarryError, ServerError,
                     TransportError, UnavailableError, UnprocessableError)
from .models import (Alias, BatchSearchResponse, Collection, CollectionDeleted, Deletion, DocumentsResponse, Duplicate,
                     ImageResult, ImageSearchResponse, ImagesResponse, SearchResponse, SearchResult)

__all__ = [
    "QuarryClient", "AsyncQuarryClient",
    "QuarryError", "InvalidRequestError", "AuthenticationError", "NotFoundError", "ConflictError", "UnprocessableError",
    "UnavailableError", "ServerError", "TransportError",
    "Alias", "BatchSearchResponse", "Collection", "CollectionDeleted", "Deletion", "DocumentsResponse", "Duplicate",
    "ImageResult", "ImageSearchResponse", "ImagesResponse", "SearchResponse", "SearchResult",
]
__version__ = "0.1.0"
