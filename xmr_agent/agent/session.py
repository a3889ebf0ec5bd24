"""Conversations: a :class:`Session` keeps what the user said, liked and was shown, so each
message refines the same query instead of starting over, and survives restarts.

    session = Session.open(agent, "alice", store=SessionStore(".xmr-sessions"))
    session.send("a calm piano song under $2")
    session.send("cheaper")                       # price < the top item's price
    session.send("more like the second one")      # its stored vectors join the query
    session.send("something that sounds like this", attachments=["clip.wav"])

State (:class:`SessionState`) is plain data, saved as one JSON file per session after every
turn (written to a temporary file and renamed, so a crash never leaves half a file). Items
already shown are not offered again unless asked ("show me the first one again").
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from pathlib import Path

from xmr_agent.agent.columns import kind_columns
from xmr_agent.agent.critique import SAME, Critique, besides_bounds, definite, parse_critique, tone
from xmr_agent.agent.filters import compile_where
from xmr_agent.agent.mentioned import narrowed
from xmr_agent.agent.mentions import named_items, only_titles
from xmr_agent.agent.order import against, like_kinds
from xmr_agent.agent.pipeline import Agent, Answer
from xmr_agent.agent.query import (
    CrossModalQuery,
    Filter,
    SubQuery,
    audience_note,
    guessed_note,
    loose_note,
    titled_note,
)
from xmr_agent.agent.rules import has_subject
from xmr_agent.agent.state import SessionState, SessionStore, Turn, past_bounds
from xmr_agent.agent.topic import (
    AMEND,
    ASKED,
    COMPARED,
    COUNTED,
    ELSE,
    NEXT,
    ONE,
    OTHER,
    REFINE,
    THOSE,
    fresh_topic,
    held,
    new_subject,
    packed,
    says_a_thing,
    variants,
)
from xmr_agent.encoders.base import well_formed
from xmr_agent.errors import ConfigError, LLMError, ModalityError

#: Earlier request phrases kept in the query (most recent last).
TOPIC_TURNS = 2
#: Share of a user's profile (liked items' vectors) in each turn's query.
PROFILE_WEIGHT = 0.5
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
#: What a session keeps, most recent last, so its file stays small however long it runs: turns
#: (user and assistant), earlier request phrases, item ids per list, attachments, filters.
MAX_TURNS, MAX_TOPICS, MAX_KEPT_IDS, MAX_ATTACHMENTS, MAX_SESSION_FILTERS = 100, 8, 500, 20, 32


class Session:
    """A conversation with an :class:`~xmr_agent.agent.pipeline.Agent` over one catalogue."""

    def __init__(self, agent: Agent, state: SessionState, store: SessionStore | None = None,
                 profile: CrossModalQuery | None = None) -> None:
        self.agent, self.state, self.store, self.profile = agent, state, store, profile

    @classmethod
    def open(cls, agent: Agent, session_id: str | None = None, *, store: SessionStore | None = None,
             k: int = 5, profile: CrossModalQuery | None = None) -> Session:
        """Resume ``session_id`` from ``store`` if it is there, else start it (a new id if ``None``).
        ``profile`` (:func:`~xmr_agent.agent.users.profile_query`) blends a user's taste into
        every turn at half weight."""
        session_id = session_id or uuid.uuid4().hex[:12]
        state = store.load(session_id) if store is not None else None
        if state is None:
            state = SessionState(id=session_id, table=agent.catalog.name, k=k)
        elif state.table and state.table != agent.catalog.name:
            raise ConfigError(f"session {session_id!r} belongs to table {state.table!r}, not {agent.catalog.name!r}")
        return cls(agent, state, store, profile)

    def send(self, message: str, *, attachments: Sequence[str] = ()) -> Answer:
        """One user turn → recommendations; the state is updated and saved. A turn that cannot be
        answered (an empty message, a photo the table cannot search, nothing said yet) answers
        with a message that says why and what to do, and the session goes on."""
        message = well_formed(message)  # a byte that was no UTF-8 (a terminal's "\xff") is no crash, no lost state
        try:
            if not message.strip() and not attachments:
                raise ConfigError("the message is empty: say what you are looking for, or attach a file")
            answer = self._turn(message, attachments)
        except (ConfigError, ModalityError, LLMError) as e:
            answer = Answer(message, CrossModalQuery(), None, [], message=str(e))
        self._remember(message, attachments, answer)
        return answer

    def _turn(self, message: str, attachments: Sequence[str]) -> Answer:
        shown = self.agent.catalog.get(self.state.last) if self.state.last else []
        looked_up = [r for r in shown if str(r["id"]) in self.state.looked_up]
        critique = parse_critique(message, [] if NEXT.search(message) and not SAME.search(message) else shown,  # "还有备用电池，
                                  self.agent.facets, typical=looked_up or None)  # 便宜点的": cheap batteries, not cheaper than the pad
        if critique.reset:
            self.state = SessionState(id=self.state.id, table=self.state.table, turns=self.state.turns, k=self.state.k)
        heard = self._hear(attachments)
        words = f"{critique.rest} {heard}".strip()
        spans = [span for span, _ in self.agent.titles().spans(words)] if words else []
        request = self.agent.rewriter.rewrite(words, k=None, named=spans) if words else None
        compared = bool(critique.filters)
        besides_bounds(critique, request)  # "cheaper, under $400": under $400
        if request is not None and request.order is not None and \
                any(f.column == request.order.column for f in critique.filters):  # "bit pricey, anything cheaper?"
            request = request.model_copy(update={"order": None})
        request = definite(message, request, those=bool(THOSE.search(message)))  # "der günstigere": the cheapest of them
        request, sized = packed(message, request, self.agent)  # "the bigger bag": of those shown
        if request is not None and request.order is not None and request.order.mode in ("less", "more"):
            column, request = request.order.column, against(request, critique.anchor)  # "moins cher": than what was shown
            if request.order is None:  # a comparison like "cheaper": read as the critique it is
                bound = [f for f in request.filters if f.column == column and f.op in ("<", ">")]
                critique.filters += bound
                request = request.model_copy(update={"filters": tuple(f for f in request.filters if f not in bound)})
                compared = True
        if (compared or critique.disliked) and not ELSE.search(message):  # "cheaper than the green one", "not the tomato one": the others just
            anchor = str((critique.anchor or {}).get("id"))  # shown may be the answer
            critique.again += [i for i in self.state.last if i != anchor and i not in {*critique.again, *critique.disliked}]
        if critique.reset and request is None and not attachments:
            return Answer(message, CrossModalQuery(), None, [], message="Started over: what are you looking for?")
        if new_subject(self.state, message, request, critique, self.agent, shown):
            self.state = fresh_topic(self.state)
        before = list(self.state.filters)
        self._named(message, {str(r["id"]) for r in shown})
        self._update(critique, request, attachments)
        if any(f not in before for f in self.state.filters) and not ELSE.search(message):
            # "under 100 euros", "an all-season one instead", "not JR Farm though": an item shown may meet it
            critique.again += [i for i in self.state.shown if i not in critique.again]
        if any(o is not None and o.mode == "sort" for o in (request.order if request else None, critique.order)):  # "the lightest"
            critique.again += [i for i in self.state.shown if i not in critique.again]
        if request is not None and request.queries and any(p.search(message) for p in (REFINE, ONE, AMEND, ASKED)) and not (
                compared or critique.like_ids or critique.unlike_ids or critique.liked or critique.disliked
                or OTHER.search(message) or COMPARED.search(message)):
            # "actually we need one that folds up": the travel cot just shown may be the one
            critique.again += [i for i in self.state.last if i not in critique.again]
        query = held(self._query(request, critique.again), critique, self.agent.facets)
        those = THOSE.search(message)
        if query is not None and query.order is not None and query.order.mode == "sort" and self.state.last \
                and (those and (COUNTED.search(message) or not any(f.hard for f in query.filters if f not in query.guessed()))
                     or sized):  # "which of those is the lightest?": one of them; of those that meet the conditions said, the
            # lightest of them all ("not scubapro" … "the cheapest of those"); "the cheaper of the two": of the two shown
            within = variants(shown) if sized else list(self.state.last)  # "the bigger bag": of the one product's
            query = query.model_copy(update={"within_ids": tuple(within), "k": 1 if sized and COMPARED.search(message)
                                              and len(within) == 2 else query.k, "filters": tuple(  # the bigger of two
                f for f in query.filters if f not in query.guessed()),  # not kinds "cuál de esas" names by meaning
                "exclude_ids": tuple(i for i in query.exclude_ids if i not in within)})
        if query is not None and compared and critique.anchor and self.agent.rewriter.hard_categories:
            query = like_kinds(query, [critique.anchor], self.agent.facets, limit=1)  # "cheaper": the same kind
        elif query is not None and shown and not query.within_ids and self.agent.rewriter.hard_categories and not any(
                f.hard for f in self.state.filters) and \
                request is not None and not request.queries and request.order is not None and request.order.mode == "sort":
            query = like_kinds(query, shown[:1], self.agent.facets, limit=1)  # "el más barato": of the kind shown first
        if query is None:
            return Answer(message, CrossModalQuery(), None, [], message="nothing to search for yet: say what you are "
                          "looking for (for example \"a red mug under $15\"), or attach a photo")
        answer = self.agent.run(query, " ".join([*self.state.subject(TOPIC_TURNS), *self.state.boost]))
        if not shown and critique.order is not None:
            answer.message = (f"Nothing was shown yet, so these are the items with the "
                              f"{'lowest' if critique.order.mode in ('less', 'low') else 'highest'} "
                              f"{critique.order.column}: say what you are looking for.")
        return self._relaxed(answer, query, request, critique, before, bool(attachments), message)

    def _relaxed(self, answer: Answer, query: CrossModalQuery, request: CrossModalQuery | None, critique: Critique,
                 before: list[Filter], attached: bool, message: str = "") -> Answer:
        """An empty answer tried again with the items already shown, then without the conditions that emptied it (the
        critique's, then earlier turns'), each step noted in the trace; still empty, a message says what to try."""
        if not answer.recommendations and self.state.shown and not OTHER.search(message):  # every item that fits was
            # shown already ("what about varnish for an outside door?" after three varnishes)
            retry = self.agent.run(self._shown_again(query), " ".join(self.state.subject(TOPIC_TURNS)))
            if retry.recommendations:
                retry.trace.append({"step": "relax", "dropped": ["items already shown"],
                                    "reason": "nothing new meets this request: showing items shown before"})
                return retry
        kinds = kind_columns(self.agent.facets)
        earlier = [f for f in before if f.hard and f.column not in kinds and f not in critique.filters]
        for n in range(1, len(earlier) + 1) if not answer.recommendations and critique.filters else ():
            dropped = earlier[-n:]  # "bit pricey, anything cheaper?" after "something organic?": the price wins
            self.state.filters = [f for f in self.state.filters if f not in dropped]
            answer = self.agent.run(self._query(request, critique.again) or query, " ".join(self.state.subject(TOPIC_TURNS)))
            answer.trace.append({"step": "relax", "dropped": [str(f) for f in dropped],
                                 "reason": f"nothing meets {'; '.join(str(f) for f in critique.filters)} together with "
                                           f"earlier conditions ({'; '.join(str(f) for f in dropped)}); they were dropped"})
            if answer.recommendations:
                return answer
        kind_filters = [f for f in self.state.filters if f.column.lower() in kinds]
        if not answer.recommendations and kind_filters and any(n.startswith("the same brand") for n in critique.notes):
            self.state.filters = [f for f in self.state.filters if f not in kind_filters]  # "anything else from the same
            answer = self.agent.run(self._query(request, critique.again) or query,  # brand?": its other kinds
                                    " ".join(self.state.subject(TOPIC_TURNS)))
            answer.trace.append({"step": "relax", "dropped": [str(f) for f in kind_filters],
                                 "reason": "nothing else of that kind from the brand: its other items"})
            if answer.recommendations:
                return answer
        loose = [f.model_copy(update={"op": f"{f.op}="}) for f in critique.filters if f.op in ("<", ">")]
        if not answer.recommendations and loose and self.state.shown:  # nothing cheaper than the cheapest shown: it
            self.state.filters = [*before, *loose]
            answer = self.agent.run(self._shown_again(self._query(request, critique.again) or query),
                                    " ".join(self.state.subject(TOPIC_TURNS)))
            answer.trace.append({"step": "relax", "dropped": [str(f) for f in critique.filters],
                                 "reason": f"no other item meets {'; '.join(str(f) for f in critique.filters)}: "
                                           f"showing those that meet {'; '.join(str(f) for f in loose)}"})
            self.state.filters = before  # later turns are not held to it
        if not answer.recommendations and critique.filters:
            self.state.filters = before
            answer = self.agent.run(self._query(request, critique.again) or query, " ".join(self.state.subject(TOPIC_TURNS)))
            answer.trace.append({"step": "relax", "dropped": [str(f) for f in critique.filters],
                                 "reason": f"no other item meets {'; '.join(str(f) for f in critique.filters)}: "
                                           "showing the closest instead"})
        stated = {str(f) for f in [*(request.filters if request else ()), *critique.filters]}
        inherited = [f for f in self.state.filters if f.hard and str(f) not in stated]
        for n in range(1, len(inherited) + 1) if not answer.recommendations and (request is not None or attached) else ():
            # A new request (or photo) that no item meets together with earlier turns' conditions: the
            # new request wins, and the earlier conditions are dropped from the session, the latest first.
            dropped = inherited[-n:]  # an item shown before may meet what is left ("one with a battery" after "cheaper")
            self.state.filters = [f for f in self.state.filters if f not in dropped]
            answer = self.agent.run(self._shown_again(self._query(request, critique.again) or query),
                                    " ".join([*self.state.subject(TOPIC_TURNS), *self.state.boost]))
            answer.trace.append({"step": "relax", "dropped": [str(f) for f in dropped],
                                 "reason": f"nothing meets this request together with earlier conditions "
                                           f"({'; '.join(str(f) for f in dropped)}); they were dropped"})
            if answer.recommendations:
                break
        if not answer.recommendations and not answer.message:
            conditions = "; ".join(str(f) for f in self.state.filters if f.hard)
            answer.message = f"no item meets {conditions}: try fewer conditions" if conditions else \
                "nothing matches: try other words"
        return answer

    def _shown_again(self, query: CrossModalQuery) -> CrossModalQuery:
        """``query`` that may answer with the items shown before (not those disliked or named)."""
        disliked = set(self.state.disliked) | set(self.state.mentioned)
        return query.model_copy(update={"exclude_ids": tuple(i for i in query.exclude_ids if i in disliked)})

    def feedback(self, item_id: str, *, liked: bool) -> None:
        """A like or dislike given outside a message (e.g. a button); saved at once."""
        (self.state.liked if liked else self.state.disliked).append(item_id)
        (self.state.like_ids if liked else self.state.unlike_ids).append(item_id)
        self._save()

    # -- state -------------------------------------------------------------------------------
    def _hear(self, attachments: Sequence[str]) -> str:
        audio = [a for a in attachments if Path(a).suffix.lower() not in IMAGE_SUFFIXES]
        return " ".join(self.agent.transcribe(a) for a in audio)

    def _named(self, message: str, shown: set[str]) -> None:
        """Catalogue items the message names by title (not ones just shown): never offered back,
        and used as seeds; liked or disliked by the message's tone."""
        named = [i for i in self.agent.titles().find(message) if i not in shown]
        self.state.looked_up = []
        if named and self.agent.rewriter.hard_categories and not named_items(self.agent.titles(), message, (), seeds=False)[1] \
                and (only_titles(self.agent.titles(), message, self.agent.catalog.get) or tone(message) == "neutral"):
            self.state.looked_up = named  # "the Felt Cat Cave Bed" in a shop: show it; "cheaper" is than it
            return
        if not named:
            return
        s = self.state
        s.mentioned = list(dict.fromkeys([*s.mentioned, *named]))
        feeling = tone(message)
        if feeling == "like":
            s.liked += [i for i in named if i not in s.liked]
            s.like_ids += [i for i in named if i not in s.like_ids]
        elif feeling == "dislike":
            s.disliked += [i for i in named if i not in s.disliked]
            s.unlike_ids += [i for i in named if i not in s.unlike_ids]

    def _update(self, critique: object, request: CrossModalQuery | None, attachments: Sequence[str]) -> None:
        s, c = self.state, critique
        guessed = _by_meaning(request)  # kinds found by meaning: for this turn's words only, never kept
        c.filters, s.filters = past_bounds(c.filters, s.filters)  # type: ignore[attr-defined]  # "under 500", "pricier?"
        new = [*(f for f in (request.filters if request else ()) if f not in guessed), *c.filters]  # type: ignore[attr-defined]
        if _changes_subject(s.filters, new, kind_columns(self.agent.facets)):  # "now a book" after music: a new subject
            s.topic, s.boost, s.like_ids, s.unlike_ids, s.order, s.kinds = [], [], [], [], None, []
            s.filters = [f for f in s.filters if f.hard and self._still_met(f, new)]
        said = " ".join(q.text for q in request.queries) if request else ""  # "lieber einen, an dem ich stehen kann"
        s.filters = list(narrowed(tuple(_replace(s.filters, new)), said))  # after a desk: the standing desks alone
        s.loose = list(dict.fromkeys([*s.loose, *(n for f in request.gives_way() for n in (audience_note(f), loose_note(f))
                                                  if n in request.notes)] if request else s.loose))[-MAX_TOPICS:]
        order = (request.order if request else None) or c.order  # type: ignore[attr-defined]
        s.order = order or s.order
        s.exclude_words = list(dict.fromkeys([*s.exclude_words, *(request.exclude_words if request else ())]))
        s.avoid = list(dict.fromkeys([*s.avoid, *c.avoid, *(request.avoid if request else ())]))  # type: ignore[attr-defined]
        s.boost = list(dict.fromkeys([*s.boost, *c.boost]))[-4:]  # type: ignore[attr-defined]
        for name in ("liked", "disliked", "like_ids", "unlike_ids"):
            getattr(s, name).extend(i for i in getattr(c, name) if i not in getattr(s, name))
        s.like_ids = [i for i in s.like_ids if i not in s.disliked]
        words = request.queries[0].text if request and request.queries else ""
        if has_subject(words):
            same = bool(s.topic)
            s.topic.append(words)  # "anything under 300?" next stays with roof boxes; "que se pueda doblar" with mats
            s.kinds = (s.kinds if same else []) or [f for f in guessed if f.hard]  # the subject's kind stays: "要OO比例的"
        s.k = request.k if request and request.k != 10 else s.k
        s.attachments = [*s.attachments, *attachments]

    def _still_met(self, earlier: Filter, new: Sequence[Filter]) -> bool:
        """Whether an ``earlier`` condition (not on a kind) is one some item of the ``new`` kind meets:
        "size S" for a helmet, then "same brand but a lock", is no condition on locks."""
        kinds = kind_columns(self.agent.facets)
        named = [f for f in new if f.hard and f.op == "=" and f.column.lower() in kinds]
        if not named or earlier.column.lower() in kinds:
            return True
        where, _ = compile_where([*named, earlier], self.agent.facets)
        return bool(self.agent.catalog.sorted_ids(None, where=where, k=1))

    def _query(self, request: CrossModalQuery | None, again: Sequence[str]) -> CrossModalQuery | None:
        s = self.state
        text = " ".join([*s.subject(TOPIC_TURNS), *s.boost])
        subs = [SubQuery(text=text)] if text.strip() else []
        latest = s.topic[-1] if request and request.queries and len(s.subject(TOPIC_TURNS)) > 1 else ""
        if latest and latest == request.queries[0].text:  # type: ignore[union-attr]
            subs.append(SubQuery(text=latest))  # "more like that but for kids": the new words count on their own too
        subs += [q for q in (request.queries[1:] if request else ()) if q.modality == "text"]
        images = [a for a in s.attachments[-1:] if Path(a).suffix.lower() in IMAGE_SUFFIXES]
        subs += [SubQuery(file=a, modality="image") for a in images]
        if self.profile is not None:
            subs += [q.model_copy(update={"weight": q.weight * PROFILE_WEIGHT}) for q in self.profile.queries]
        if not subs and not s.like_ids and not s.order and not any(f.hard for f in s.filters):
            return None
        exclude = [i for i in [*s.shown, *s.disliked, *s.mentioned] if i not in again or i in s.disliked]  # "not that one"
        own = _by_meaning(request) if request and request.queries and says_a_thing(request.queries[0].text, self.agent) else []
        topic = [] if images or s.looked_up else (s.kinds or self._topic_kinds())  # a photo, a named item: for itself
        own = [f for f in own if f.column not in {k.column for k in s.kinds} or f in s.kinds]  # the subject's kind
        guessed = [*own, *(f for f in topic if f.column not in {g.column for g in own})]  # "one for my face"
        filters = [*s.filters, *(f for f in guessed if f.column not in {g.column for g in s.filters})]
        return CrossModalQuery(queries=tuple(subs), filters=tuple(filters), avoid=tuple(s.avoid), k=s.k,
                               order=s.order, exclude_words=tuple(s.exclude_words),
                               notes=(*s.loose, *(guessed_note(f) for f in guessed if f in filters)),
                               exclude_ids=tuple(dict.fromkeys(exclude)), like_ids=tuple(s.like_ids[-3:]),
                               unlike_ids=tuple(s.unlike_ids[-10:]),
                               seed_ids=tuple(dict.fromkeys([*s.mentioned, *s.like_ids, *s.liked]))[-10:])

    def _topic_kinds(self) -> list[Filter]:
        """A message that describes no kind of its own ("under 100 euros", "cheaper", "one for my face")
        keeps the kinds the conversation's subject describes by meaning ("a tent": camping), as preferences."""
        meanings = self.agent.meanings() if self.state.topic else None
        if meanings is None:
            return []
        found = meanings.preferences(" ".join(self.state.subject(TOPIC_TURNS)), {f.column for f in self.state.filters})
        return [f.model_copy(update={"hard": False}) for f in found]  # a guess carried over: never a condition

    def _remember(self, message: str, attachments: Sequence[str], answer: Answer) -> None:
        ids = [r.id for r in answer.recommendations]
        self.state.turns.append(Turn(role="user", text=message, attachments=list(attachments)))
        self.state.turns.append(Turn(role="assistant", text=f"{len(ids)} recommendations", items=ids,
                                     explanations={r.id: r.explanation for r in answer.recommendations},
                                     evidence={r.id: r.evidence.to_dict() for r in answer.recommendations}))
        self.state.last = ids or self.state.last  # an empty answer keeps "the second one" meaningful
        self.state.shown = list(dict.fromkeys([*self.state.shown, *ids]))
        self._save()

    def _trim(self) -> None:
        """Keep the most recent part of every list (see :data:`MAX_TURNS` and the limits beside it)."""
        s = self.state
        s.turns, s.topic, s.attachments = s.turns[-MAX_TURNS:], s.topic[-MAX_TOPICS:], s.attachments[-MAX_ATTACHMENTS:]
        s.filters, s.avoid = s.filters[-MAX_SESSION_FILTERS:], s.avoid[-MAX_SESSION_FILTERS:]
        for name in ("shown", "mentioned", "liked", "disliked", "like_ids", "unlike_ids"):
            setattr(s, name, getattr(s, name)[-MAX_KEPT_IDS:])

    def _save(self) -> None:
        self._trim()
        if self.store is not None:
            self.store.save(self.state)


def _key(f: Filter) -> tuple[str, str]:
    """Filters of one key say the same kind of thing: a bound one way, a single-valued column's value, one of a list's."""
    direction = {"<": "<", "<=": "<", ">": ">", ">=": ">", "=": "=", "!=": f"!={f.value}"}.get(f.op, f"{f.op}:{f.value}")
    return f.column, direction


def _replace(old: Sequence[Filter], new: Sequence[Filter]) -> list[Filter]:
    """Earlier filters less those a new one restates or denies; a value in place of a condition's is one ("Berlin instead")."""
    fresh, hard = {_key(f) for f in new}, {(f.column, str(f.value)) for f in old if f.hard and f.op == "="}
    new = [f.model_copy(update={"hard": True}) if not f.hard and f.op == "=" and any(
        c == f.column and v != str(f.value) for c, v in hard) else f for f in new]
    flipped = {(f.column, {"=": "!=", "!=": "="}[f.op], str(f.value).lower()) for f in new if f.op in ("=", "!=")}
    return [*(f for f in old if _key(f) not in fresh and (f.column, f.op, str(f.value).lower()) not in flipped), *new]


def _changes_subject(old: Sequence[Filter], new: Sequence[Filter], kinds: Collection[str]) -> bool:  # another kind
    before = {f.column: f.value for f in old if f.op == "=" and f.hard and f.column.lower() in kinds}  # not wood
    return any(f.op == "=" and f.hard and f.column in before and before[f.column] != f.value for f in new)


def _by_meaning(request: CrossModalQuery | None) -> list[Filter]:
    """The kinds found by meaning in this turn's words (not one the titles name: "a flash" → lighting)."""
    return [f for f in request.guessed() if titled_note(f) not in request.notes] if request else []
