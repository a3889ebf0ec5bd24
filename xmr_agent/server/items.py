"""Items sent to ``POST /items``, checked before they reach the table.

A new field becomes a new column of the table, so what a request may add is narrowed to what the
catalogue can filter on: field names of letters, digits and ``_``; values that are text, numbers,
true/false or null, or lists of those. Nested objects are refused (a nested value of no type
would otherwise become a column that LanceDB cannot write again).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from xmr_agent.integrations.tools import MAX_ID_CHARS, Text, valid_unicode

__all__ = ["MAX_ITEMS", "ItemIn", "Items", "items_schema"]

#: Most items in one request.
MAX_ITEMS = 1000
#: Longest text value of a field; most values in a list field.
MAX_VALUE_CHARS = 100_000
MAX_LIST_VALUES = 200
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_SCALAR_SCHEMA = [{"type": "string", "maxLength": MAX_VALUE_CHARS}, {"type": "number"}, {"type": "boolean"},
                  {"type": "null"}]
#: What the schema says of the other fields (pydantic's own says only "anything").
_METADATA_SCHEMA: dict[str, Any] = {
    "propertyNames": {"pattern": FIELD_NAME.pattern},
    "additionalProperties": {"anyOf": [*_SCALAR_SCHEMA, {"type": "array", "maxItems": MAX_LIST_VALUES,
                                                         "items": {"anyOf": _SCALAR_SCHEMA}}]}}


class ItemIn(BaseModel):
    """One item: an id, words, media (a URL, a file uploaded with the items, or a file in the media
    folder) and any other fields as metadata columns."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_METADATA_SCHEMA)

    id: Annotated[Text, Field(min_length=1, max_length=MAX_ID_CHARS)] | int
    title: Annotated[Text, Field(max_length=MAX_VALUE_CHARS)] | None = None
    text: Annotated[Text, Field(max_length=MAX_VALUE_CHARS)] | None = None
    image: Annotated[Text, Field(max_length=4096)] | None = None
    audio: Annotated[Text, Field(max_length=4096)] | None = None
    video: Annotated[Text, Field(max_length=4096)] | None = None

    @model_validator(mode="after")
    def _metadata(self) -> ItemIn:
        for name, value in (self.model_extra or {}).items():
            if not FIELD_NAME.match(name):
                raise ValueError(f"field name {name[:70]!r}: use 1–64 letters, digits or '_', starting with a letter")
            values = value if isinstance(value, list) else [value]
            if isinstance(value, list) and len(value) > MAX_LIST_VALUES:
                raise ValueError(f"field {name!r} holds {len(value)} values; at most {MAX_LIST_VALUES} are accepted")
            for inner in values:
                _check_value(name, inner)
        return self

    def row(self) -> dict[str, Any]:
        """The item as the ingest reads it (fields not given are left out)."""
        return self.model_dump(exclude_none=False, exclude_unset=True)


def _check_value(name: str, value: Any) -> None:
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            raise ValueError(f"field {name!r} is {len(value)} characters long; at most {MAX_VALUE_CHARS}")
        valid_unicode(value)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"field {name!r}: {value} is not a finite number")
    elif not isinstance(value, str | int | float | bool | None):
        raise ValueError(f"field {name!r} holds a {type(value).__name__}: values are text, numbers, true/false, "
                         "null or lists of those (no nested objects)")


class Items(RootModel[list[ItemIn]]):
    root: list[ItemIn] = Field(min_length=1, max_length=MAX_ITEMS)


def items_schema() -> dict[str, Any]:
    """The JSON schema of a ``POST /items`` body: a list of :class:`ItemIn` (inline, no references)."""
    return {"type": "array", "minItems": 1, "maxItems": MAX_ITEMS, "items": ItemIn.model_json_schema()}
