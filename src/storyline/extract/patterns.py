"""Every text pattern the news-structure rules use, in one place, per language.

Why one module: the same phrase ("READ ALSO:", "LÆS OGSÅ:") shows up in HTML pages, in
plain-text pages and in tests; keeping the wording here means a new language or a new
publisher habit is one edit, and the rules in ``structure.py`` stay about structure.

Patterns are anchored at the start of a block and need a separator (``:``, a dash, a
bracket) or a whole-block match, so that a sentence that merely *mentions* "read more"
or starts with the word "Update" is never taken for a label. English and Danish are
covered fully; Swedish, Norwegian and German forms are added where they are the same
idea in a word or two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.model import SectionKind

_I = re.IGNORECASE

# A date or time: something a label like "Update (19 Nov, 14:30):" may carry.
_MONTHS = (
    r"jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|marts|märz|apr(?:il)?|maj|may|mai|"
    r"jun[ie]?|june|jul[iy]?|aug(?:ust)?|sep(?:t(?:ember)?)?|okt(?:ober)?|oct(?:ober)?|"
    r"nov(?:ember)?|de[cz](?:ember)?"
)
_DAYS = (
    r"mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|today|yesterday|i dag|i går"
)
_ZONES = r"gmt|utc|cet|cest|bst|et|est|edt|ct|cst|cdt|pt|pst|pdt|z"
_WHEN_TOKEN = (
    rf"(?:\d{{1,4}}(?:[:./\-]\d{{1,4}})*(?:st|nd|rd|th)?|(?:{_MONTHS})\.?|{_DAYS}|at|on|kl\.?|"
    rf"den|a\.?m\.?|p\.?m\.?|{_ZONES})"
)
_WHEN = rf"(?:{_WHEN_TOKEN}(?:[\s,]+{_WHEN_TOKEN})*)"

_UPDATE_WORDS = (
    r"update[ds]?|updating|latest update|opdateret|opdatering|opdateringer|seneste nyt|"
    r"uppdaterad|uppdatering|oppdatert|oppdatering|aktualisiert|aktualisierung"
)
_SEP = r"\s*+(?::|(?<=\s)[-–—|]|[-–—|]\s)\s*+"

# ``UPDATE: text``, ``Update (19 Nov, 14:30): text``, ``Updated at 3pm — text``,
# ``Opdateret kl. 14.30: text``. A date after the word needs a separator too.
UPDATE_LABEL = re.compile(
    rf"^\s*\[?(?P<label>(?:{_UPDATE_WORDS})"
    rf"(?:\s*\((?P<when1>[^)]{{1,80}})\)|\s++(?:at|on|kl\.?|den|am|um|,)?\s*+(?P<when2>{_WHEN}))?)"
    rf"\]?(?:{_SEP}(?P<rest>.*)|\s*$)",
    _I | re.S,
)

# A block that is nothing but a dateline: "Updated 18 November 2019", "Published 3:45 PM ET".
DATELINE = re.compile(
    rf"^\s*(?:last\s+)?(?:updated?|published|posted|opdateret|publiceret|udgivet|"
    rf"veröffentlicht|aktualisiert)\s*+:?\s*+(?=[^\n]*\d){_WHEN}\s*$",
    _I,
)

# Headline labels: the headline keeps its text, the label goes into Article.labels.
HEADLINE_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("UPDATE", re.compile(rf"^\s*\[?(?:{_UPDATE_WORDS})(?:\s*\d+)?\]?{_SEP}", _I)),
    ("LIVE", re.compile(rf"^\s*\[?(?:live|live blog|liveblog|direkte){_SEP}", _I)),
    ("BREAKING", re.compile(rf"^\s*\[?(?:breaking(?: news)?|seneste nyt|breaking nu){_SEP}", _I)),
    ("CORRECTED", re.compile(rf"^\s*\[?(?:corrected|correction|rettet|rettelse){_SEP}", _I)),
    ("EXCLUSIVE", re.compile(rf"^\s*\[?(?:exclusive|eksklusivt){_SEP}", _I)),
)

# The earlier text of an updated article: a whole-block marker or a labelled paragraph.
ORIGINAL_MARKER = re.compile(
    r"^\s*(?P<label>original (?:story|article|post|report|text)(?: follows| below)?|"
    r"the original (?:story|article)(?: follows| below)?|earlier(?: story| report)?|"
    r"previously|oprindelig(?:e)? (?:artikel|historie|tekst)|den oprindelige artikel|"
    r"tidligere|ursprünglicher artikel|ursprüngliche meldung)"
    r"\s*(?:[:.\-–—]\s*(?P<rest>.*))?$",
    _I | re.S,
)

# Navigation inside the text: it points at other text rather than saying anything.
NAVIGATION_TO_ORIGINAL = re.compile(
    r"^\s*(?:read more about (?:the|this) story below|read (?:the )?(?:original|full|earlier) "
    r"(?:story|article|report) below|(?:the )?original (?:story|article) (?:follows|below)|"
    r"scroll down (?:for|to read) the (?:original|earlier) (?:story|article)|"
    r"(?:see|read) (?:the )?(?:earlier|previous|original) (?:version|story) below|"
    r"læs mere om (?:sagen|historien) (?:herunder|nedenfor)|"
    r"læs (?:den oprindelige|hele) (?:artikel|historie)(?:n)? (?:herunder|nedenfor))"
    r"\s*[.:!]?\s*$",
    _I,
)
NAVIGATION = re.compile(
    r"^\s*(?:advertisement|annonce|anzeige|reklame|skip to (?:main )?content|back to top|"
    r"(?:view|show|read|see|load|hide) (?:all )?\d*\s*comments?|comments? \(\d+\)|"
    r"\d+\s+comments?|leave a (?:comment|reply)|vis kommentarer|til toppen|"
    r"continue reading(?: (?:the )?(?:main )?(?:story|article))?|story continues below|"
    r"article continues below(?: advertisement)?|artiklen fortsætter (?:under|nedenfor)|"
    r"(?:filed under|tags?|tagged(?: with)?|categor(?:y|ies)|posted in|emner|kategori)\s*:"
    r"[^.!?]{0,120}?)\s*+[.:!…|]?\s*+$",
    _I,
)

# In-body promos, by kind. Anchored at the start and followed by a separator, so a
# sentence like "Read more about it in the report, he said." stays in the body.
_PROMO_SEP = r"(?:\s*+(?::|(?<=\s)[-–—|»›>]|[»›>])|[^\S\n]*+\n)\s*"
PROMO_PREFIXES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "read_also",
        re.compile(
            rf"^\s*+[\[(]?\s*+(?:read also|also read|read more|more reading|read next|see also|"
            rf"related(?: (?:article|story|stories|post|content|coverage|link|reading))?|"
            rf"recommended(?: reading)?|more on this(?: story| topic)?|more from [\w ]{{2,30}}|"
            rf"læs også|læs mere|se også|relateret|mere om emnet|"
            rf"läs också|läs mer|les også|les mer|lesen sie auch|mehr zum thema|auch interessant)"
            rf"{_PROMO_SEP}(?P<rest>.+)$",
            _I | re.S,
        ),
    ),
    (
        "media",
        re.compile(rf"^\s*(?:watch|listen|se video|hør|lyt){_PROMO_SEP}(?P<rest>.+)$", _I | re.S),
    ),
    (
        "read_also",
        re.compile(
            r"^\s*(?:also read|read also|you may also like|you might also like|"
            r"recommended for you|du vil måske også synes om|måske også interessant)\s*[:.]?\s*$",
            _I,
        ),
    ),
)
NEWSLETTER = re.compile(
    r"(?:(?:^|[.!?]\s+)(?:sign up|signup|subscribe|register|get)\b[^.!?]{0,80}\b(?:newsletters?|"
    r"e-?mails?|inbox|briefing|digest|alerts?)\b|\bnewsletters?\b[^.!?]{0,60}\b(?:sign up|"
    r"subscribe|inbox)\b|tilmeld dig[^.!?]{0,60}nyhedsbrev|abonn[ée]r på[^.!?]{0,60}"
    r"nyhedsbrev|få (?:vores|det) nyhedsbrev|prenumerera på[^.!?]{0,60}nyhetsbrev|"
    r"abonniere[n]? sie[^.!?]{0,60}newsletter)",
    _I,
)
CLICK_HERE = re.compile(
    r"(?:^\s*(?:click|tap|klik|tryk) (?:here|her)\b|\b(?:by )?(?:click|tap)(?:ing)? here\b|"
    r"\bklik her\b)",
    _I,
)
SHARE = re.compile(
    r"^\s*(?:(?:like this (?:story|article)\?\s*)?share (?:this|it|the)\b[^.!?]{0,60}|"
    r"share (?:on|via) (?:facebook|twitter|x|linkedin|whatsapp|email)|"
    r"del (?:artiklen|historien|på facebook)[^.!?]{0,40}|share this:?)\s*+[.!]?\s*+$",
    _I,
)
FOLLOW = re.compile(
    r"^\s*(?:(?:reach|contact|email|e-mail|kontakt) (?:the |this )?(?:reporters?|writers?|"
    r"authors?|journalist(?:en)?)\b.{0,200}|(?:follow|følg)\s++(?:us|him|her|them|"
    r"[\w.'’ ]{2,60}?)\s+(?:on|at|på)\s+(?:facebook|twitter|x|instagram|linkedin|tiktok|"
    r"youtube|threads|bluesky)\b[^.!?]{0,120})[.!]?\s*$",
    _I,
)
# A paragraph that is only a photo credit or copyright line.
CREDIT = re.compile(
    r"(?:^\s*\((?:additional )?(?:reporting|writing|editing) by\b.*\)\s*$|"
    r"^\s*(?:additional )?(?:reporting|writing|editing) by\b[^.!?]*$|"
    r"^\s*\(?(?:photo|photograph|picture|image|illustration|video|graphic|foto|billede|"
    r"grafik|bild)s?(?: credit)?\s*(?::|by\b)|©|^\s*copyright\b|\bcopyright\s+\d{4}|"
    r"\(c\)\s*\d{4}|[/(]\s*(?:getty images|afp|reuters|ap photo|ap|shutterstock|"
    r"ritzau scanpix|scanpix)\s*\)?\s*$)",
    _I,
)
CREDIT_MAX_WORDS = 25
CREDIT_SENTENCE_WORDS = 12

# Links to the site's services, not to articles: never a related-article card.
SERVICE_LINK = re.compile(
    r"^\s*(?:subscribe|manage|log ?in|sign ?in|sign up|register|abonn[ée]r|log ind|"
    r"tilmeld|køb|buy|shop|download (?:the|our) app)\b",
    _I,
)

# "13 hours ago", "1 day ago", "for 2 timer siden" after a card title.
CARD_AGE = re.compile(
    r"\s*+[|·•-]?\s*+(?:\d+|an?|one)\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|"
    r"months?|sekunder|minutter|timer|dage|uger|måneder)\s+(?:ago|siden)\s*$|"
    r"\s*+[|·•-]?\s*+for\s+\d+\s+(?:minutter|timer|dage)\s+siden\s*$",
    _I,
)

# Headings that open a rail of related-article cards, not a part of the article.
RAIL_HEADING = re.compile(
    r"^\s*(?:related(?: articles?| stories| news| posts| content| coverage| reading)?|"
    r"more (?:on this|from|in|about|stories|news|headlines|to (?:read|explore))\b.{0,40}|"
    r"most (?:read|popular|viewed|shared)\b.{0,40}|trending(?: now| stories)?|"
    r"recommended(?: for you| stories| articles| reading)?|you (?:may|might) also (?:like|enjoy)|"
    r"read next|up next|editor'?s? picks|top stories|latest (?:news|stories)|"
    r"læs også|relaterede (?:artikler|historier|nyheder)|mest læste?\b.{0,40}|"
    r"flere nyheder|mere fra\b.{0,40}|seneste nyt|anbefalede artikler|"
    r"läs också|mest lästa|les også|mest lest|weitere artikel|mehr zum thema|meistgelesen)"
    r"\s*[:.]?\s*$",
    _I,
)

# A card's summary ends in a link to the article it teases: "... Read more »",
# "... Continue reading →", sometimes followed by the card's date.
READ_MORE_TAIL = re.compile(
    r"(?:read more|continue reading|read the rest|read full (?:story|article)|læs mere|"
    r"läs mer|les mer|weiterlesen|lire la suite|leer más)\s*+(?:\.{3}|…|»|›|→|>)?"
    r"\s*+(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})?\s*+$",
    _I,
)

AMBIGUOUS_RAIL_HEADING = re.compile(
    r"^\s*(?:more|latest|top|up next|read next|flere|mere|seneste)\b", _I
)

# Corrections and editor's notes: a labelled paragraph or a tell-tale first sentence.
CORRECTION = re.compile(
    r"^\s*\[?(?P<label>corrections?|clarifications?|rettelse|rettelser|korrektion|"
    r"berichtigung|korrektur|rättelse)(?:\s*\((?P<when>[^)]{1,80})\))?\]?(?:\s*[:\-–—]\s*"
    r"(?P<rest>.*)|\s*$)",
    _I | re.S,
)
CORRECTION_SENTENCE = re.compile(
    r"^\s*(?:an? (?:earlier|previous|prior) version of this (?:article|story|report|post|"
    r"piece|headline)|this (?:article|story|report|post) (?:has been|was) (?:corrected|amended)|"
    r"en tidligere version af (?:denne|artiklen)|artiklen er (?:blevet )?rettet)",
    _I,
)
EDITORS_NOTE = re.compile(
    r"^\s*\[?(?P<label>editor[’']?s?[’']? note|note from the editor|note to readers|"
    r"redaktionel note|redaktørens note|red\.? note|anm\.? red\.?|"
    r"anmerkung der redaktion|redaktionens anmärkning)\]?\s*(?:[:\-–—.]\s*|$)(?P<rest>.*)$",
    _I | re.S,
)
EDITORS_NOTE_SENTENCE = re.compile(
    r"^\s*(?:this (?:article|story|report|post) (?:has been|was) updated\b|"
    r"artiklen er (?:blevet )?opdateret\b)",
    _I,
)

# Live-blog entry stamps: a time, optionally a date and a zone, alone or before text.
_TIME = (
    r"(?:(?:kl\.?\s*+)?(?P<hour>[01]?\d|2[0-3])(?P<tsep>[:.])(?P<minute>[0-5]\d)"
    r"(?:\s*+(?P<ampm>[ap]\.?\s?m\.?))?|(?P<hour12>1[0-2]|0?[1-9])\s*+(?P<ampm12>[ap]\.?\s?m\.?))"
)
_ZONE = r"(?:\s*+(?P<zone>(?-i:[A-Z]{2,4})|[+-]\d{2}:?\d{2}|Z))?"
_DATE = (
    rf"(?:(?P<day1>\d{{1,2}})\.?\s++(?P<mon1>{_MONTHS})\.?,?\s*+(?P<year1>\d{{4}})?|"
    rf"(?P<mon2>{_MONTHS})\.?\s++(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?\s*+(?P<year2>\d{{4}})?|"
    r"(?P<iso_date>\d{4}-\d{2}-\d{2}))"
)
LIVE_STAMP = re.compile(
    rf"^\s*+(?:(?:{_DAYS}),?\s++)?(?:{_DATE}\s*+(?:,|at|kl\.?|-|–)?\s*+)?{_TIME}{_ZONE}"
    rf"(?P<tail>\s*+$|\s*+[:|–—-]\s++(?P<rest>\S.*)$)",
    _I | re.S,
)
STAMP = re.compile(
    rf"^\s*+(?:(?:{_DAYS}),?\s++)?(?:{_DATE})?\s*+(?:,|at|kl\.?|-|–)?\s*+(?:{_TIME})?{_ZONE}\s*+$",
    _I,
)
ISO_STAMP = re.compile(
    r"^\s*(?P<stamp>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)\s*$"
)

# Bullets and card markers that plain-text copies of pages keep.
BULLET = re.compile(r"^\s*(?:[•·▪◦●■►▶»*]|[-–](?=\s))\s+")
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")


@dataclass(frozen=True)
class Label:
    """A label found at the start of a block: what it is, its date if any, the rest."""

    kind: SectionKind
    label: str
    when: str | None
    rest: str


def headline_labels(title: str | None) -> list[str]:
    """Labels a headline carries in front (``UPDATE: ...`` gives ``["UPDATE"]``)."""
    if not title:
        return []
    return [name for name, pattern in HEADLINE_LABELS if pattern.match(title)][:1]


def block_label(text: str) -> Label | None:
    """The section label a block starts with (update, correction, note, original), if any."""
    if DATELINE.match(text):
        return None
    labels: tuple[tuple[SectionKind, re.Pattern[str]], ...] = (
        ("update", UPDATE_LABEL),
        ("correction", CORRECTION),
        ("editors_note", EDITORS_NOTE),
    )
    for kind, pattern in labels:
        found = pattern.match(text)
        if found:
            groups = found.groupdict()
            when = groups.get("when1") or groups.get("when2") or groups.get("when")
            return Label(
                kind,
                found.group("label").strip(),
                when and when.strip(),
                (found.group("rest") or "").strip(),
            )
    found = ORIGINAL_MARKER.match(text)
    if found:
        return Label(
            "original", found.group("label").strip(), None, (found.group("rest") or "").strip()
        )
    return None


def sentence_kind(text: str) -> SectionKind | None:
    """``correction`` or ``editors_note`` for an unlabelled note recognised by its wording."""
    if CORRECTION_SENTENCE.match(text):
        return "correction"
    if EDITORS_NOTE_SENTENCE.match(text):
        return "editors_note"
    return None


def promo_kind(text: str) -> str | None:
    """The kind of in-body promotion ``text`` is (``read_also``, ``newsletter``, ...), if any."""
    words = len(text.split())
    for kind, pattern in PROMO_PREFIXES:
        found = pattern.match(text)
        if found and words <= 40:
            return kind
    if words <= 40 and NEWSLETTER.search(text):
        return "newsletter"
    if words <= 20 and CLICK_HERE.search(text):
        return "click_here"
    if words <= 20 and SHARE.match(text):
        return "share"
    if words <= 30 and FOLLOW.match(text):
        return "follow"
    return None


def is_credit(text: str) -> bool:
    """True for a photo-credit or copyright label (not a sentence) that is not the article's text.

    Credits are labels ("Photo: A. Name/Reuters", "photos © Inexhibit, 2018"); a notice
    written as sentences ("© 2019 AP. All rights reserved. This material ...") is left
    alone unless it is very short.
    """
    words = len(text.split())
    if words > CREDIT_MAX_WORDS or not CREDIT.search(text):
        return False
    return words <= CREDIT_SENTENCE_WORDS or not ends_sentence(text) or text.rstrip().endswith(")")


def is_navigation(text: str) -> bool:
    """True for page furniture inside the text: 'Advertisement', 'View comments', ..."""
    return bool(
        NAVIGATION.match(text) or NAVIGATION_TO_ORIGINAL.match(text) or DATELINE.match(text)
    )


def points_to_original(text: str) -> bool:
    """True for navigation such as 'Read more about the story below' before earlier text."""
    return bool(NAVIGATION_TO_ORIGINAL.match(text))


def is_service_link(text: str) -> bool:
    """True for a link to the site's services (subscribe, log in), not to an article."""
    return bool(SERVICE_LINK.match(text)) or promo_kind(text) is not None


def strip_card_age(title: str) -> str:
    """A card title without the '13 hours ago' a rail prints after it."""
    return CARD_AGE.sub("", title).strip()


def is_rail_heading(text: str, alone: bool = False) -> bool:
    """True for a heading that opens a rail of related-article cards.

    ``alone``: the heading has no cards under it. Then only the unambiguous names count;
    "More from the hearing" or "Top stories of the year" may be an article's subheading.
    """
    if len(text) > 80 or not RAIL_HEADING.match(text):
        return False
    return not (alone and AMBIGUOUS_RAIL_HEADING.match(text))


def strip_bullet(text: str) -> str:
    """``text`` without a leading bullet (•, -, *) a plain-text copy kept from a list."""
    return BULLET.sub("", text, count=1)


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends like a sentence (., !, ?, …, possibly inside quotes)."""
    return bool(SENTENCE_END.search(text))
