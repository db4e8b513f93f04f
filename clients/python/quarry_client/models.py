"""Typed answers of the Quarry API (pydantic v2). Unknown fields are kept, so a newer server
never breaks an older client."""
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")


class Category(_Model):
    name: str
    count: int


class Collection(_Model):
    """A collection as `GET /v1/collections/{name}` describes it."""
    name: str
    kind: str
    model: str
    dimension: int
    metric: str
    index: str
    vectors: int
    documents: Optional[int] = None
    passages: Optional[int] = None
    images: Optional[int] = None
    nprobe: Optional[int] = None
    categories: Optional[List[Category]] = None
    settings: Dict[str, Any] = {}


class TextRange(_Model):
    start: int
    end: int


class Highlights(_Model):
    """Where a passage answers the question: its best sentence and every matched term."""
    sentence: Optional[TextRange] = None
    terms: List[TextRange] = []


class SearchResult(_Model):
    """One passage found by a text search."""
    rank: int
    id: int
    score: float
    text: str
    source: str
    chapter: str
    page: Optional[int] = None
    span: Optional[TextRange] = None
    metadata: Dict[str, Any] = {}
    highlights: Highlights = Highlights()


class SearchResponse(_Model):
    collection: str
    query: str
    mode: str
    took_ms: float
    degraded: bool
    results: List[SearchResult]


class BatchSearch(_Model):
    """One query's answer within a batch."""
    query: str
    mode: str
    results: List[SearchResult]


class BatchSearchResponse(_Model):
    collection: str
    took_ms: float
    degraded: bool
    searches: List[BatchSearch]


class ScoredImage(_Model):
    """A stored image with its score against a query."""
    id: int
    score: float
    category: str
    price: Optional[float] = None
    title: str
    image_url: str
    thumbnail_url: str
    metadata: Dict[str, Any] = {}


class ImageResult(ScoredImage):
    """One stored image found by an image search or "more like this"."""
    rank: int


class Duplicate(ScoredImage):
    """The stored image an upload nearly duplicates."""
    width: Optional[int] = None
    height: Optional[int] = None


class ImageSearchResponse(_Model):
    collection: str
    took_ms: float
    nprobe: Optional[int] = None
    degraded: bool
    duplicate_of: Optional[Duplicate] = None
    results: List[ImageResult]


class StoredDocument(_Model):
    source: str
    status: str
    passages: int


class DocumentsResponse(_Model):
    collection: str
    documents: List[StoredDocument]
    vectors: int
    # The change-log sequence number the write reached (cluster mode), for `min_seq`; None otherwise.
    seq: Optional[int] = None


class StoredImage(_Model):
    file: str
    status: str
    id: Optional[int] = None
    error: Optional[str] = None
    duplicate_of: Optional[Duplicate] = None


class ImagesResponse(_Model):
    collection: str
    images: List[StoredImage]
    vectors: int


class Deletion(_Model):
    collection: str
    removed: int
    vectors: int
    # The change-log sequence number the write reached (cluster mode), for `min_seq`; None otherwise.
    seq: Optional[int] = None


class CollectionDeleted(_Model):
    collection: str
    deleted: bool
    # The change-log sequence number the write reached (cluster mode), for `min_seq`; None otherwise.
    seq: Optional[int] = None


class Alias(_Model):
    alias: str
    collection: str
    previous: Optional[str] = None
    # The change-log sequence number the write reached (cluster mode), for `min_seq`; None otherwise.
    seq: Optional[int] = None
