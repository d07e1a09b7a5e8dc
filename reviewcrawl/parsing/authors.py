"""Raw byline text -> the reviewer's name(s).

>>> normalize_author("By Jane Doe, Senior Film Critic")
'Jane Doe'
>>> normalize_author("@headphonesthoughts")
'headphonesthoughts'
>>> normalize_author("Posted by admin on June 7, 2025") is None
True
>>> normalize_author("Von Anna Müller und Jan Schmidt")
'Anna Müller, Jan Schmidt'
>>> normalize_author("Staff") is None
True
"""

from __future__ import annotations

import re

__all__ = ["GENERIC_AUTHORS", "normalize_author", "split_authors"]

BY_PREFIX_RE = re.compile(
    r"^(?:[~•·|–—-]\s*)?(?:(?:posted|written|reviewed|published|words|review|text|story|photos?)\s+(?:by|from)\b"
    r"|(?:veröffentlicht|geschrieben|verfasst|erstellt|beitrag|artikel|ein\s+beitrag)\s+von\b\s*:?"
    r"|(?:publié|écrit|rédigé)\s+par\b|(?:escrito|publicado)\s+por\b|(?:scritto|pubblicato)\s+da\b"
    r"|(?:geschreven|geplaatst)\s+door\b|interview\b|投稿者|文\s*[●:：]?"
    r"|by\b|from\b|von\b|par\b|por\b|door\b|di\b|de\b|av\b|af\b|autor(?:in|/in)?\s*:?|author\s*:?|"
    r"reviewer\s*:|critic\s*:|auteur\s*:|posted\s+in\b)[\s:]*",
    re.IGNORECASE,
)
# a leading date before the name: "January 17, Kori Schulman"
LEAD_DATE_RE = re.compile(r"^[A-Za-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?=[A-ZÀ-ÖØ-Þ])")
# a whole date and time before the name: "December 15, 2016 3:33 PM ET Rebecca Hersher",
# "January 17, 2017 at 6:08 PM ET by Kori Schulman", "07.06.2025, 14:30 Uhr | Von Anna Müller"
LEAD_DATETIME_RE = re.compile(
    r"^(?:[A-Za-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\.?\s+[^\W\d]+\.?\s+\d{4}|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4})"
    r"(?:,?\s+(?:at\s+|um\s+|à\s+)?\d{1,2}[:.h]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+(?:uhr|[A-Z]{2,4}))?)?[\s,|•·–—-]*",
    re.IGNORECASE,
)
# "Gillman, Steve": one person, surname first, as catalogues and some CMSs write it
LAST_FIRST_RE = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'’-]+,\s*[A-ZÀ-ÖØ-Þ][\w'’-]+\.?$")
# social links and sharing buttons glued to a byline: "Rebecca Hersher Twitter"
SOCIAL_TAIL_RE = re.compile(
    r"\s+(?:twitter|facebook|instagram|linkedin|e-?mail|tweet|pin|share|follow|rss|xing)\b.*$"
    r"|\s+(?:am\s+|on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b.*$"
    r"|\s+/\s*.*$|\s*\(.*$|,?\s+in\s+[A-Z].*$",
    re.IGNORECASE,
)
# organisations, never a reviewer even where an author field names one: "ZooRoyal Petcare GmbH",
# "Deutsches Rotes Kreuz", "Bundesministerium für Wirtschaft"
INSTITUTION_RE = re.compile(
    r"\b(?:gmbh|ag|eg|kg|inc|llc|ltd|plc|corp|e\.\s?v|s\.a|sarl|genossenschaft|verlag|ministerium|institut|"
    r"institute|verband|association|foundation|stiftung|university|universität|kreuz|media\s+group)\b\.?"
    r"|\be\.v\.|\w+ministerium\b",
    re.IGNORECASE,
)
# a newsroom: the page's own answer where an author field names it ("Redaktion", "BWW News Desk"),
# never a name read off the page's text
NEWSROOM_RE = re.compile(
    r"\b(?:redaktion|redacción|redação|rédaction|redazione|redactie|newsroom|press|presse|news|magazin|"
    r"magazine|team)\b",
    re.IGNORECASE,
)
# credits that sit where bylines do: photos, images, sources
CREDIT_RE = re.compile(
    r"^(?:photo|photos|foto|fotos|image|images|bild|bilder|credit|credits|quelle|source|getty|фото|illustration)\b",
    re.IGNORECASE,
)
PARTICLES = frozenset(
    {"von", "van", "de", "der", "den", "da", "di", "du", "del", "della", "des", "la", "le", "y", "bin", "al", "el", "zu", "ten", "ter"}
)  # fmt: skip
# what follows a name in a byline: a date, a role, a publication
TAIL_RE = re.compile(
    r"\s*(?:[|•·–—]\s*|\s-\s|,?\s+(?:on|am|le|el|il|op)\s+(?=\w*\s*\d)|,?\s+(?:posted|published|updated)\b"
    r"|\s+\d{1,2}\s*(?:st|nd|rd|th)?\s+\w+\s+\d{4}|\s+\w+\s+\d{1,2},?\s+\d{4}|\s+\d{4}-\d{2}-\d{2}"
    r"|\s+\d{1,2}[./]\d{1,2}[./]\d{2,4}).*$",
    re.IGNORECASE,
)
ROLE_RE = re.compile(
    r",?\s*(?:the\s+)?(?:(?:senior|chief|executive|managing|contributing|deputy|associate|lead|staff|"
    r"guest|freelance|film|movie|tv|music|game|games|book|restaurant|food|tech|technology|"
    r"entertainment|arts?)\s+)*"
    r"(?:editor|critic|writer|reporter|correspondent|contributor|columnist|reviewer|journalist|"
    r"redakteur(?:in)?|rédacteur|rédactrice|journaliste|autor(?:in)?|author)s?"
    r"(?:[\s-]+(?:at|for|of|in)[\s-]+large|\s+(?:at|for|of)\s+.*)?\s*$",
    re.IGNORECASE,
)
SPLIT_RE = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b(?!\.)|\ben\b)\s*", re.IGNORECASE)
EMAIL_RE = re.compile(r"\S+@\S+\.\w+")
URL_RE = re.compile(r"https?://\S+|www\.\S+")
GENERIC_AUTHORS = frozenset(
    {
        "staff", "admin", "administrator", "editor", "editors", "the editors", "editorial",
        "editorial team", "editorial staff", "staff writer", "staff reporter", "guest", "guest author",
        "team", "webmaster", "anonymous", "unknown", "redaktion", "la rédaction", "redacción",
        "redazione", "redactie", "author", "user", "wordpress", "root", "null", "none",
        "contributor", "contributors", "news desk", "newsroom", "wire", "reuters", "ap",
        "associated press", "afp", "dpa", "posted", "posted on", "published", "publisher", "super user",
        "anónimo", "anonym", "anonyme", "red", "red.", "collectif", "written", "autor", "auteur",
    }
)  # fmt: skip


# what a CMS writes into an author field when nobody is named
PLACEHOLDER_AUTHORS = frozenset(
    {"admin", "administrator", "webmaster", "anonymous", "unknown", "author", "user", "wordpress", "root",
     "null", "none", "undefined", "super user", "guest", "anónimo", "anonym", "anonyme", "posted", "published",
     "written", "autor", "auteur", "publisher", "staff", "staff writer", "staff reporter", "editor", "editors",
     "the editors"}
)  # fmt: skip


def _clean_one(name: str, declared: bool = False) -> str | None:
    name = EMAIL_RE.sub("", URL_RE.sub("", name))
    name = " ".join(name.replace("\xa0", " ").split()).strip(" ,;:|-–—•·~\"'()[]")
    if CREDIT_RE.match(name):
        return None
    name = BY_PREFIX_RE.sub("", name).strip()
    name = LEAD_DATE_RE.sub("", name)
    name = TAIL_RE.sub("", name).strip()
    name = SOCIAL_TAIL_RE.sub("", name).strip()
    m = ROLE_RE.search(name)
    # "Jane Doe, Critic" or "Jane Doe Senior Film Critic" name a role; "Ana Critic" may be a surname
    if m and (m.start() == 0 or m.group().lstrip().startswith(",") or len(m.group().split()) >= 2):
        name = name[: m.start()]
    name = name.strip(" ,;:|-–—")
    if name.startswith("@") and " " not in name:
        name = name[1:]
    if not name or name.casefold() in (PLACEHOLDER_AUTHORS if declared else GENERIC_AUTHORS):
        return None
    words = name.split()
    if len(words) > 5 or len(name) > 60 or sum(c.isdigit() for c in name) > 2:
        return None
    if not any(c.isalpha() for c in name):
        return None
    if INSTITUTION_RE.search(name) or (
        not declared and (NEWSROOM_RE.search(name) or name.casefold() in GENERIC_AUTHORS)
    ):
        return None
    # "Schritt-für-Schritt Anleitung", "flappy bird": several words, not all capitalised, are no name
    # "Schritt-für-Schritt": a compound with a lower-case inner part is a word, not a double name
    if any(p[:1].islower() and p not in PARTICLES for w in words if "-" in w for p in w.split("-")[1:]):
        return None
    # (an author field may spell a surname in lower case: "Mobasir hassan"; only its first word counts)
    checked = words[:1] if declared else words
    if len(words) > 1 and any(w[0].isalpha() and w[0].islower() and w not in PARTICLES for w in checked):
        if not declared or not all(w.islower() for w in words) or len(words) > 2:
            return None
    if name.isupper() and len(name) > 3:
        name = name.title()
    return name


# a longer text is no byline (bylines on real pages stay under 300 characters); the patterns
# below take time quadratic in the length of a long word: 3 s for one of 20,000 characters
MAX_BYLINE = 1000


def split_authors(text: str, declared: bool = False) -> list[str]:
    """Names in one byline: "Anna Müller und Jan Schmidt" -> two names."""
    text = " ".join(text.replace("\xa0", " ").split())
    if len(text) > MAX_BYLINE:
        return []
    text = BY_PREFIX_RE.sub("", LEAD_DATETIME_RE.sub("", text.strip()))
    text = LEAD_DATE_RE.sub("", TAIL_RE.sub("", text))
    if INSTITUTION_RE.search(text):  # "Bundesministerium für Wirtschaft und Klimaschutz" is no two people
        return []
    parts = SPLIT_RE.split(text) if text.count(" ") < 12 else [text]
    if declared and LAST_FIRST_RE.match(text):  # <meta name="author" content="Gillman, Steve">
        parts = [f"{parts[1]} {parts[0]}"]
    out: list[str] = []
    for part in parts:
        name = _clean_one(part, declared)
        if name and name not in out:
            out.append(name)
    return out


def normalize_author(text: str | list[str] | None, declared: bool = False) -> str | None:
    """The reviewer(s) named by a byline, joined with ", "; None if it names nobody.

    ``declared``: the text comes from a field that says it is the author (schema.org author,
    <meta name=author>), so a newsroom or an organisation named there is the page's own answer
    and is kept; only placeholders ("admin", "unknown") are dropped. Text found on the page
    must look like a person's name."""
    if not text:
        return None
    items = text if isinstance(text, list) else [text]
    names: list[str] = []
    for item in items:
        for name in split_authors(str(item), declared):
            if name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
    return ", ".join(names) if names else None
