"""`client.documents`: the customer's own documents and general documentation (R5.10)."""

from __future__ import annotations

from typing import get_args

from .._errors import InvalidInput
from ..models.utility import Document, DocumentCategory
from ._base import Resource, segment

_CATEGORIES: tuple[str, ...] = get_args(DocumentCategory)


class DocumentsResource(Resource):
    """Documents: `mine`, `general`, `forms`, `regulations`, `news`."""

    def download(self, document_id: str) -> bytes:
        """A document's PDF."""
        self._client.require("documents")
        path = f"/documents/{segment(document_id, 'document id')}/file"
        return self._client._core.request("GET", path).content

    def list(self, *, category: str | None = None) -> list[Document]:
        """The customer's own documents first, then general ones; of one category if given."""
        self._client.require("documents")
        if category is not None and category not in _CATEGORIES:
            raise InvalidInput(
                f"unknown document category {category!r} (known: {', '.join(_CATEGORIES)})",
                code="invalid_category",
            )
        return self._call_list(Document, "GET", "/documents", params={"category": category})
