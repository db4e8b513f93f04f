"""The API's HTTP calls, each built once as a `Call` and sent by the sync or the async client."""
import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union
from urllib.parse import quote

from . import models

# A file to upload: a path, or (file name, bytes).
FileInput = Union[str, os.PathLike, Tuple[str, bytes]]
# A document to add: {"source", "text", "chapter"?, "page"?, "metadata"?}, or (source, text).
DocumentInput = Union[Mapping[str, Any], Tuple[str, str]]

DEFAULT_MODELS = {"text": "e5-small", "image": "efficientnet-lite0"}


@dataclass
class Call:
    """One request and how to read its answer."""
    method: str
    path: str
    parse: Callable[[Any], Any]
    params: Optional[Dict[str, Any]] = None
    json: Any = None
    content: Optional[bytes] = None
    files: Optional[List[Tuple[str, Tuple[str, bytes]]]] = None
    data: Optional[Dict[str, str]] = None
    headers: Dict[str, str] = field(default_factory=dict)


def _segment(name: Union[str, int]) -> str:
    return quote(str(name), safe="")


def _file(item: FileInput) -> Tuple[str, bytes]:
    if isinstance(item, tuple):
        return item
    with open(item, "rb") as handle:
        return os.path.basename(os.fspath(item)), handle.read()


def _image_bytes(image: Union[FileInput, bytes]) -> bytes:
    return image if isinstance(image, (bytes, bytearray)) else _file(image)[1]


def _drop_none(values: Mapping[str, Any]) -> Dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _results(body: Any) -> List[models.SearchResult]:
    return [models.SearchResult.model_validate(result) for result in body["results"]]


def health() -> Call:
    return Call("GET", "/health", parse=lambda body: body)


def list_collections() -> Call:
    return Call("GET", "/v1/collections",
                parse=lambda body: [models.Collection.model_validate(item) for item in body["collections"]])


def get_collection(name: str) -> Call:
    return Call("GET", "/v1/collections/" + _segment(name), parse=models.Collection.model_validate)


def create_collection(name: str, kind: str, model: Optional[str], factory: Optional[str],
                      settings: Optional[Mapping[str, Any]]) -> Call:
    body = _drop_none({"kind": kind, "model": model or DEFAULT_MODELS.get(kind, ""), "factory": factory,
                       "settings": dict(settings) if settings else None})
    return Call("PUT", "/v1/collections/" + _segment(name), json=body, parse=models.Collection.model_validate)


def delete_collection(name: str) -> Call:
    return Call("DELETE", "/v1/collections/" + _segment(name), parse=models.CollectionDeleted.model_validate)


def add_documents(collection: str, documents: Optional[Sequence[DocumentInput]],
                  files: Optional[Sequence[FileInput]]) -> Call:
    path = "/v1/collections/%s/documents" % _segment(collection)
    if bool(documents) == bool(files):
        raise ValueError("give either documents (texts) or files")
    if files:
        return Call("POST", path, files=[("file", _file(item)) for item in files],
                    parse=models.DocumentsResponse.model_validate)
    entries = [{"source": item[0], "text": item[1]} if isinstance(item, tuple) else dict(item) for item in documents]
    return Call("POST", path, json={"documents": entries}, parse=models.DocumentsResponse.model_validate)


def delete_document(collection: str, source: str) -> Call:
    return Call("DELETE", "/v1/collections/%s/documents" % _segment(collection), params={"source": source},
                parse=models.Deletion.model_validate)


def delete_item(collection: str, item_id: int) -> Call:
    return Call("DELETE", "/v1/collections/%s/items/%s" % (_segment(collection), _segment(item_id)),
                parse=models.Deletion.model_validate)


def search_body(query: Union[str, Mapping[str, Any]], top_k: int, mode: str,
                filter: Optional[Mapping[str, str]], min_score: Optional[float]) -> Dict[str, Any]:
    if not isinstance(query, str):
        return dict(query)
    return _drop_none({"query": query, "top_k": top_k, "mode": mode, "filter": dict(filter) if filter else None,
                       "min_score": min_score})


def _waiting_for(min_seq: Optional[int]) -> Dict[str, str]:
    """The header a cluster node waits on until it has applied change `min_seq` (a write's `seq`)."""
    return {} if min_seq is None else {"Quarry-Min-Seq": str(min_seq)}


def search(collection: str, query: str, top_k: int, mode: str, filter: Optional[Mapping[str, str]],
           min_score: Optional[float], min_seq: Optional[int] = None) -> Call:
    return Call("POST", "/v1/collections/%s/search" % _segment(collection),
                json=search_body(query, top_k, mode, filter, min_score), parse=_results, headers=_waiting_for(min_seq))


def search_batch(collection: str, queries: Sequence[Union[str, Mapping[str, Any]]], top_k: int, mode: str,
                 filter: Optional[Mapping[str, str]], min_seq: Optional[int] = None) -> Call:
    body = {"queries": [search_body(query, top_k, mode, filter, None) for query in queries]}
    return Call("POST", "/v1/collections/%s/search/batch" % _segment(collection), json=body,
                parse=lambda answer: [_results(search) for search in answer["searches"]], headers=_waiting_for(min_seq))


def _image_filter(top_k: int, category: Optional[str], price_min: Optional[float], price_max: Optional[float],
                  nprobe: Optional[int]) -> Dict[str, Any]:
    return _drop_none({"top_k": top_k, "category": category, "price_min": price_min, "price_max": price_max,
                       "nprobe": nprobe})


def search_image(collection: str, image: Union[FileInput, bytes], top_k: int, category: Optional[str],
                 price_min: Optional[float], price_max: Optional[float], nprobe: Optional[int]) -> Call:
    return Call("POST", "/v1/collections/%s/search/image" % _segment(collection),
                params=_image_filter(top_k, category, price_min, price_max, nprobe),
                files=[("image", ("query", _image_bytes(image)))], parse=models.ImageSearchResponse.model_validate)


def similar(collection: str, item_id: int, top_k: int, category: Optional[str], price_min: Optional[float],
            price_max: Optional[float], nprobe: Optional[int]) -> Call:
    return Call("GET", "/v1/collections/%s/items/%s/similar" % (_segment(collection), _segment(item_id)),
                params=_image_filter(top_k, category, price_min, price_max, nprobe),
                parse=models.ImageSearchResponse.model_validate)


def add_images(collection: str, images: Sequence[FileInput], category: Optional[str], price: Optional[float],
               title: Optional[str], metadata: Optional[Mapping[str, Any]]) -> Call:
    fields = _drop_none({"category": category, "price": None if price is None else repr(float(price)), "title": title,
                         "metadata": None if metadata is None else json.dumps(dict(metadata))})
    return Call("POST", "/v1/collections/%s/images" % _segment(collection), data=fields,
                files=[("image", _file(item)) for item in images], parse=models.ImagesResponse.model_validate)


def list_aliases() -> Call:
    return Call("GET", "/v1/aliases",
                parse=lambda body: {entry["alias"]: entry["collection"] for entry in body["aliases"]})


def set_alias(alias: str, collection: str) -> Call:
    return Call("PUT", "/v1/aliases/" + _segment(alias), json={"collection": collection},
                parse=models.Alias.model_validate)


def delete_alias(alias: str) -> Call:
    return Call("DELETE", "/v1/aliases/" + _segment(alias), parse=models.Alias.model_validate)
