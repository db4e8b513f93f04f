"""`QuarryClient` (blocking) and `AsyncQuarryClient` (asyncio), on httpx. Both offer the same
methods: the async client's return awaitables."""
import asyncio
import time
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import httpx

from . import _calls, models
from ._calls import Call, DocumentInput, FileInput
from .errors import TransportError, error_for

# Statuses answered when the server refused the request before doing anything, so a retry is safe.
RETRIED_STATUSES = (503,)


class _API:
    """The API's methods, each building its `Call` and handing it to the client's `_send`."""

    def __init__(self, base_url: str, token: Optional[str], timeout: float, max_retries: int, backoff: float):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff

    def _send(self, call: Call) -> Any:
        raise NotImplementedError

    # Collections and aliases

    def health(self) -> Dict[str, Any]:
        """`GET /health`: build, collections and vector counts."""
        return self._send(_calls.health())

    def list_collections(self) -> List[models.Collection]:
        return self._send(_calls.list_collections())

    def get_collection(self, name: str) -> models.Collection:
        return self._send(_calls.get_collection(name))

    def create_collection(self, name: str, kind: str = "text", model: Optional[str] = None,
                          factory: Optional[str] = None, settings: Optional[Mapping[str, Any]] = None) -> models.Collection:
        """Creates an empty collection (model: e5-small for text, efficientnet-lite0 for images unless
        given; `settings`: top_k, nprobe, ef_search, duplicate_threshold); an identical existing one
        is returned as it is, a different one raises ConflictError."""
        return self._send(_calls.create_collection(name, kind, model, factory, settings))

    def delete_collection(self, name: str) -> models.CollectionDeleted:
        return self._send(_calls.delete_collection(name))

    def list_aliases(self) -> Dict[str, str]:
        """Every alias with the collection it names."""
        return self._send(_calls.list_aliases())

    def set_alias(self, alias: str, collection: str) -> models.Alias:
        """Points `alias` at `collection`, creating it or moving it in one atomic step."""
        return self._send(_calls.set_alias(alias, collection))

    def delete_alias(self, alias: str) -> models.Alias:
        return self._send(_calls.delete_alias(alias))

    # Text

    def add_documents(self, collection: str, documents: Optional[Sequence[DocumentInput]] = None,
                      files: Optional[Sequence[FileInput]] = None) -> models.DocumentsResponse:
        """Adds or replaces documents: texts as {"source", "text", …} or (source, text), or files
        (paths or (name, bytes)) in any format the server reads."""
        return self._send(_calls.add_documents(collection, documents, files))

    def delete_document(self, collection: str, source: str) -> models.Deletion:
        return self._send(_calls.delete_document(collection, source))

    def search(self, collection: str, query: str, top_k: int = 5, mode: str = "hybrid",
               filter: Optional[Mapping[str, str]] = None, min_score: Optional[float] = None,
               min_seq: Optional[int] = None) -> List[models.SearchResult]:
        """The passages that answer `query`, best first; `filter` takes `source` and `chapter`. In
        cluster mode, `min_seq` (a write's `seq`) makes any node answer only once it holds that write."""
        return self._send(_calls.search(collection, query, top_k, mode, filter, min_score, min_seq))

    def search_batch(self, collection: str, queries: Sequence[Union[str, Mapping[str, Any]]], top_k: int = 5,
                     mode: str = "hybrid", filter: Optional[Mapping[str, str]] = None,
                     min_seq: Optional[int] = None) -> List[List[models.SearchResult]]:
        """Several searches in one request (up to 64), their questions embedded together; one result
        list per query, in order. A query may also be a whole search body (dict). `min_seq` as in `search`."""
        return self._send(_calls.search_batch(collection, queries, top_k, mode, filter, min_seq))

    # Images

    def search_image(self, collection: str, image: Union[FileInput, bytes], top_k: int = 10,
                     category: Optional[str] = None, price_min: Optional[float] = None,
                     price_max: Optional[float] = None, nprobe: Optional[int] = None) -> models.ImageSearchResponse:
        """The stored images most like `image` (a path or bytes), with the one it nearly duplicates."""
        return self._send(_calls.search_image(collection, image, top_k, category, price_min, price_max, nprobe))

    def similar(self, collection: str, item_id: int, top_k: int = 10, category: Optional[str] = None,
                price_min: Optional[float] = None, price_max: Optional[float] = None,
                nprobe: Optional[int] = None) -> models.ImageSearchResponse:
        """The stored images most like stored image `item_id` (itself left out)."""
        return self._send(_calls.similar(collection, item_id, top_k, category, price_min, price_max, nprobe))

    def add_images(self, collection: str, images: Sequence[FileInput], category: Optional[str] = None,
                   price: Optional[float] = None, title: Optional[str] = None,
                   metadata: Optional[Mapping[str, Any]] = None) -> models.ImagesResponse:
        """Adds image files (paths or (name, bytes)), each with the same category, price, title and metadata."""
        return self._send(_calls.add_images(collection, images, category, price, title, metadata))

    def delete_item(self, collection: str, item_id: int) -> models.Deletion:
        """Deletes one passage or image by id."""
        return self._send(_calls.delete_item(collection, item_id))

    # Sending

    def _headers(self) -> Dict[str, str]:
        return {"Authorization": "Bearer " + self.token} if self.token else {}

    def _request(self, call: Call) -> Dict[str, Any]:
        return {"method": call.method, "url": call.path, "params": call.params, "json": call.json,
                "content": call.content, "files": call.files, "data": call.data, "headers": call.headers}

    def _retry_delay(self, response: httpx.Response, attempt: int) -> Optional[float]:
        """Seconds to wait before retrying `response`, or None when it is not retried."""
        if response.status_code not in RETRIED_STATUSES or attempt >= self.max_retries:
            return None
        retry_after = _retry_after(response)
        return retry_after if retry_after is not None else min(self.backoff * 2 ** attempt, 30.0)

    @staticmethod
    def _result(call: Call, response: httpx.Response) -> Any:
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = None
        if response.status_code >= 400:
            raise error_for(response.status_code, body, _retry_after(response))
        return call.parse(body)


def _retry_after(response: httpx.Response) -> Optional[float]:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


class QuarryClient(_API):
    """A blocking client of one Quarry server. Writes need `token` (the server's admin token).
    A 503 is retried up to `max_retries` times, after its Retry-After or an exponential backoff."""

    def __init__(self, base_url: str, token: Optional[str] = None, timeout: float = 30.0, max_retries: int = 3,
                 backoff: float = 0.5, transport: Optional[httpx.BaseTransport] = None):
        super().__init__(base_url, token, timeout, max_retries, backoff)
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, headers=self._headers(), transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "QuarryClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _send(self, call: Call) -> Any:
        attempt = 0
        while True:
            try:
                response = self._http.request(**self._request(call))
            except httpx.HTTPError as error:
                raise TransportError(0, "transport_error", str(error)) from error
            delay = self._retry_delay(response, attempt)
            if delay is None:
                return self._result(call, response)
            time.sleep(delay)
            attempt += 1


class AsyncQuarryClient(_API):
    """The asyncio client: the same methods as `QuarryClient`, to be awaited."""

    def __init__(self, base_url: str, token: Optional[str] = None, timeout: float = 30.0, max_retries: int = 3,
                 backoff: float = 0.5, transport: Optional[httpx.AsyncBaseTransport] = None):
        super().__init__(base_url, token, timeout, max_retries, backoff)
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, headers=self._headers(),
                                       transport=transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "AsyncQuarryClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def _send(self, call: Call) -> Any:
        attempt = 0
        while True:
            try:
                response = await self._http.request(**self._request(call))
            except httpx.HTTPError as error:
                raise TransportError(0, "transport_error", str(error)) from error
            delay = self._retry_delay(response, attempt)
            if delay is None:
                return self._result(call, response)
            await asyncio.sleep(delay)
            attempt += 1
