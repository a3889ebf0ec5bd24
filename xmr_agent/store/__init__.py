"""Where a catalogue lives: one LanceDB table per catalogue, owned by :class:`Catalog`.

* :mod:`.catalog` — :class:`Catalog`: write, search, indexes (the only owner of the table);
* :mod:`.specs` — :class:`VectorSpec`: how a vector column was built, kept in the table metadata;
* :mod:`.schema` — item dicts → Arrow rows in the table's schema;
* :mod:`.columns` — the names of the columns xmr-agent writes;
* :mod:`.keyframes` — which keyframe of a video item matched a query;
* :mod:`.filters` — filters and id lists built with ``lancedb.expr``;
* :mod:`.connection`, :mod:`.objectstore` — local folders and S3-compatible stores.
"""

from xmr_agent.store.catalog import Catalog
from xmr_agent.store.connection import connect
from xmr_agent.store.specs import VectorSpec

__all__ = ["Catalog", "VectorSpec", "connect"]
