"""Raw rating text -> ``Rating``.

One result type that keeps the raw text, one entry point, in the shape of price-parser.

>>> parse_rating("Rating: 3.5 out of 5 stars")
Rating(value=3.5, best=5.0, worst=0.0, raw='3.5 out of 5')
>>> parse_rating("**Rating:** 4/5").normalized
0.8
>>> parse_rating("8,5/10").value
8.5
>>> parse_rating("★★★½")
Rating(value=3.5, best=5.0, worst=0.0, raw='★★★½')
>>> parse_rating("two and a half stars").value
2.5
>>> parse_rating("Rating: B+")
Rating(value=9.0, best=12.0, worst=0.0, raw='B+')
>>> parse_rating("4 von 5 Sternen")
Rating(value=4.0, best=5.0, worst=0.0, raw='4 von 5')
>>> parse_rating("4/5/2025") is None    # a date, not a rating
True
>>> parse_rating("open 24/7") is None
True
>>> parse_rating("IMDb: 7.0/10") is None   # another rater's score
True
>>> parse_rating("Page 3/10") is None      # a counter; "Slide 3/10", "Step 3/10" too
True

How a string is read: every form (letter grade, "value out of best", star glyphs, "N stars",
percent) proposes its first match that survives the look-alike checks; the earliest in the
string wins, except that a match labelled "overall"/"final"/"verdict" beats the others.
Look-alikes are judged by the words right around the match: a counter word before it
("Page", "Step", "Top", "#"), a unit or a noun after it ("cup", "people", "times"), another
rater before or after it ("IMDb", "on Rotten Tomatoes"), a review count after it
("(1,234 reviews)": an average of other people's ratings).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["ALLOWED_BEST", "LETTER_GRADES", "Rating", "parse_rating", "rating_from_values", "rating_on_scale"]


@dataclass(frozen=True)
class Rating:
    value: float
    best: float
    worst: float = 0.0
    raw: str = ""

    @property
    def normalized(self) -> float:
        """(value - worst) / (best - worst), in [0, 1]."""
        return round((self.value - self.worst) / (self.best - self.worst), 4)

    def as_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "best": self.best,
            "worst": self.worst,
            "normalized": self.normalized,
            "raw": self.raw,
        }


# Scales reviewers actually use. A "value/best" with another best (1/12, 3/8, 24/7) is a page
# counter, a fraction or a time, not a rating.
ALLOWED_BEST = frozenset({3.0, 4.0, 5.0, 6.0, 7.0, 10.0, 20.0, 100.0})

LETTER_GRADES = {
    g: float(i) for i, g in enumerate(["F", "D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"])
}
LETTER_BEST = 12.0

# Number words of star lines and "x out of y" phrases: en, de, fr, es, it, nl, pt, sv/da/no.
NUMBER_WORDS: dict[str, float] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twenty": 20, "hundred": 100,
    "null": 0, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
    "neun": 9, "zehn": 10, "zwanzig": 20, "hundert": 100,
    "zéro": 0, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "vingt": 20, "cent": 100,
    "cero": 0, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9,
    "diez": 10, "veinte": 20, "cien": 100,
    "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9, "dieci": 10,
    "venti": 20, "cento": 100,
    "nul": 0, "één": 1, "twee": 2, "drie": 3, "vijf": 5, "zes": 6, "zeven": 7, "negen": 9, "tien": 10,
    "twintig": 20, "honderd": 100,
    "dois": 2, "duas": 2, "três": 3, "quatro": 4,
    "två": 2, "fyra": 4, "fem": 5, "seks": 6,
}  # fmt: skip
# Words that are numbers only sometimes ("A Star Is Born", "une étoile est née", "no stars were
# harmed"): they count only after a rating label ("Rating: one star" / "Note : une étoile").
ARTICLE_WORDS: dict[str, float] = {
    "a": 1, "an": 1, "no": 0, "ein": 1, "eine": 1, "einen": 1, "un": 1, "une": 1, "uno": 1, "una": 1,
    "een": 1, "um": 1, "uma": 1,
}  # fmt: skip
_ALL_WORDS = {**NUMBER_WORDS, **ARTICLE_WORDS}
_WORDNUM = "|".join(sorted((re.escape(w) for w in _ALL_WORDS), key=len, reverse=True))
_BESTWORD = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))

_FILLED = "★⭐✭✮✯✪⭑✫✬🌟"
_EMPTY = "☆✩✰⭒"
_HALF_GLYPHS = "⯨⯩⯪⯫"  # left/right half black star, star with left/right half black
_CLEAN = str.maketrans({"\ufe0f": None, "\u200b": None, "\u200d": None, "\u00ad": None, "⁄": "/", "∕": "/", "／": "/"})

_NUM = r"\d{1,3}(?:[.,]\d{1,2})?"
_DIGIT_VALUE = r"\d{1,3}(?:[.,]\d{1,2})?(?:\s?½|\s1/2|-1/2)?"
_BEST_NUM = r"\d{1,3}(?:[.,]0{1,2})?"
_PRE_HALF = (
    r"(?:\s?½|\s1/2|-1/2|(?:\s+|-)and(?:\s+|-)a(?:\s+|-)half|einhalb|ënhalve|\s+en\s+een\s+halve"
    r"|\s+und\s+ein\s+halb|\s+y\s+media|\s+e\s+mezz[oa]|\s+et\s+demie?)"
)
_POST_HALF = (
    r"(?:\s+(?:et\s+demie?|y\s+media|e\s+mezz[oa]|and\s+a\s+half|und\s+ein(?:en)?\s+halbe[nr]?|en\s+een\s+halve))"
)
_STAR_WORD = (
    r"(?:stars|star|sternen|sterne|sternchen|stern|étoiles|étoile|etoiles|etoile|estrellas|estrella|estrelas"
    r"|estrela|stelle|stella|sterren|ster|stjerner|stjerne|stjärnor|stjärna|gwiazdki|gwiazdek|gwiazdka"
    r"|hvězdičky|hvězdiček|hvězdy|hvězd|tähteä|tähti)"
)
_POINT_WORD = r"(?:points|point|pts|punkten|punkte|punkt|punti|puntos|punto|punten|pontos|poäng|poeng)"
_CONN = r"(?:out\s+of|of|von|aus|sur|de|su|uit|van\s+de|van|av|ud\s+af|из|/)"
_BARE_CONNS = frozenset({"of", "von", "aus", "sur", "de", "su", "uit", "van", "van de", "av", "ud af", "из"})
# Labels that introduce the reviewer's own rating.
_LABEL = (
    r"(?:rating|rated|score|scored|grade|verdict|note|notre\s+note|ma\s+note|wertung|bewertung|gesamtwertung"
    r"|gesamtnote|urteil|fazit|calificaci[oó]n|puntuaci[oó]n|valoraci[oó]n|nota|voto|valutazione|giudizio"
    r"|punteggio|beoordeling|cijfer|oordeel|eindoordeel|betyg|ocena|arvosana|hodnocení|overall|total|final"
    r"|mark|marks|my\s+take|our\s+take)"
)
_STARS_LABEL = rf"(?:{_LABEL}|stars|sterne|étoiles|estrellas|stelle|sterren)"
_OVERALL = (
    r"(?:overall|final|total|verdict|gesamt\w*|fazit|note\s+(?:finale|globale)|puntuaci[oó]n\s+final"
    r"|voto\s+finale|eindoordeel|eindcijfer|our\s+(?:rating|score|verdict)|my\s+(?:rating|score|verdict))"
)

# Other raters, quoted next to the reviewer's own score: "IMDb 7.0/10", "Metacritic 71",
# "Users: 8.1/10", "Average user rating: 4.2/5"; certifications that look like grades ("CBFC rating: A").
_RATERS = (
    r"imdb|metacritic|metascore|rotten\s*tomatoes|tomatometer|popcornmeter|rt|letterboxd|tmdb|goodreads|amazon"
    r"|steam|opencritic|trustpilot|yelp|tripadvisor|google|zomato|michelin|gault\s*(?:&|et)?\s*millau|zagat"
    r"|allocin[ée]|senscritique|filmaffinity|moviepilot|myanimelist|anilist|igdb|rateyourmusic|rym|allmusic"
    r"|pitchfork|douban|kinopoisk|mubi"
)
_OTHER_NAMES = (
    rf"{_RATERS}|audience|users?|readers?'?|viewers?'?|critics'?|community|fans?'?|members?'?|customers?'?"
    r"|buyers?|guests?'?|diners?|players?'?|visitors?'?|public|everyone"
    r"|average\s+(?:users?|readers?|customers?|guests?|visitors?|audience|community|rating|score)"
    r"|avg\.?\s+(?:rating|score)|mean\s+(?:rating|score)|critic\s+score|user\s+score"
    r"|mpaa|esrb|pegi|bbfc|cbfc|fsk|usk|certificat(?:e|ion)|classification|nutri-?score"
    r"|(?:energy|hygiene|health|inspection|sanitation|safety|age|content|epa|parental)\s+(?:rating|score|grade|class|label)"
)
OTHER_BEFORE_RE = re.compile(
    rf"(?:\b(?:{_OTHER_NAMES})(?!\w)[\s'’]*){{1,3}}(?:(?:score|rating|ratings|grade|average|reviews?|rank)\b\s*)?"
    r"(?:\(\w+\)\s*)?[:=\-–—|]?\s*(?:\*\*)?\s*$",
    re.IGNORECASE,
)
OTHER_AFTER_RE = re.compile(
    rf"\s*[)\],]?\s*(?:on|at|from|per|by|via|according\s+to|\(|sur|auf|en|su|op)\s*(?:the\s+)?(?:{_RATERS})\b",
    re.IGNORECASE,
)
# "4.5 out of 5 stars (1,234 reviews)", "4 stars (87)": an average of other people's ratings.
AGGREGATE_AFTER_RE = re.compile(
    r"\s*(?:stars?)?\s*[(\[]?\s*(?:-|–|—|·|\|)?\s*(?:based\s+on|from|by|aus|sur|de|basierend\s+auf|su|op|uit|von)?\s*"
    r"\d[\d,.\s]*k?\+?\s*(?:reviews?|ratings?|votes?|customers?|users?|readers|people|critics|guests|players|members"
    r"|voters|opinions?|avis|notes|bewertungen|rezensionen"
    r"|stimmen|valoraciones|reseñas|votos|opiniones|recensioni|voti|beoordelingen|recensies|stemmen)\b"
    r"|\s*(?:\d(?:[.,]\d{1,2})?\s*)?[(\[]\s*\d[\d,.]*\s*[)\]]",
    re.IGNORECASE,
)
# Counters and other numbered things right before the number: "Page 2 of 5", "Slide 3/10",
# "Top 10", "#3 of 10", "Book 2 of 3", "Grades 4/5", "Windows 7/10". Only when the word sits
# right before the number: "Review: 4/5" or "Grade: 4/5" (with a colon) are ratings.
LOOKALIKE_BEFORE_RE = re.compile(
    r"(?:\b(?:top|pages?|seite|p[aá]gina|pg|p\.|part|teil|partie|parte|deel|episodes?|épisode|episodio|aflevering"
    r"|folge|ep\.?|chapters?|chapitre|kapitel|cap[ií]tulo|capitolo|hoofdstuk|ch\.?|steps?|schritt|étape|paso"
    r"|passo|stap|photos?|fotos?|bild|images?|imagen|immagine|afbeelding|pictures?|pics?|slides?|diapositive"
    r"|diapositiva|videos?|clip|seasons?|saison|staffel|temporada|stagione|seizoen|vol\.?|volume|band|tome|tomo"
    r"|books?|buch|livre|libro|boek|issues?|tracks?|disc|disk|cd|items?|questions?|frage|levels?|niveau|nivel"
    r"|rounds?|runde|games?|spiel|match|week|woche|semaine|semana|days?|tag|jour|d[ií]a|giorno|dag|lessons?"
    r"|modules?|units?|figure|fig\.?|table|no\.?|nr\.?|n°|nº|numbers?|nummer|numéro|número|numero|grades?"
    r"|ages?|sizes?|windows|win|ios|android|version|ver\.?|v|gen|rank|ranked|ranking|platz|place|seed"
    r"|showing|viewing|displaying|results?|entry|entries|pick|posts?|articles?|reviews|comments?|answers?"
    r"|votes?|tickets?|serves?|servings?|scale|from|on|posted|updated|published|released|dated|due|until|till"
    r"|since|through|thru|between|before|after|mon|tue|wed|thu|fri|sat|sun|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday|am|le|el|vom|ab|bis|ps|xbox|iphone|in)\s*#?|#)\s*$",
    re.IGNORECASE,
)
# Units and nouns right after "value/best": "3/4 cup", "1/4\" jack", "1/100 sec", "20/20 vision",
# "3/4 time", "9/10 times", "4/5 dentists". Units are matched in any case, nouns in lower case only:
# a capitalised word after the number usually starts the next sentence ("8/10 The film ...").
UNIT_AFTER_RE = re.compile(
    r"\s*-?\s*(?:[\"″”']|inch(?:es)?\b|in\.|cups?\b|c\.\s|tbsp|tsp|teaspoons?\b|tablespoons?\b|oz\b|ounces?\b"
    r"|lbs?\b|pounds?\b|g\b|grams?\b|kg\b|ml\b|l\b|lit(?:er|re)s?\b|mm\b|cm\b|m\b|met(?:er|re)s?\b|ft\b|feet\b"
    r"|foot\b|miles?\b|mi\b|km\b|yards?\b|yd\b|secs?\b|seconds?\b|s\b|ms\b|mins?\b|minutes?\b|hours?\b|hrs?\b"
    r"|scale\b|th\b|time\b|beat\b|signature\b|waltz\b|sleeves?\b|length\b|zip\b|jack\b|vision\b|hindsight\b"
    r"|split\b|odds\b|ratio\b|mile\b|size\b|(?:at\s+)?\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|h\b|uhr\b))",
    re.IGNORECASE,
)
NOUN_AFTER_RE = re.compile(
    r"\s*(?:of|the|people|persons?|users?|readers?|customers?|critics?|reviewers?|viewers?|respondents?|voters?"
    r"|dentists?|doctors?|experts?|americans?|adults?|kids?|children|men|women|cats?|dogs?|times|cases?|games?"
    r"|matches|sets?|rounds?|attempts?|tries|shots?|goals?|chapters?|episodes?|pages?|books?|songs?|tracks?"
    r"|films?|movies?|items?|questions?|students?|participants?|found|majority|chance|share|finish|done"
    r"|completed?|left|remaining|way|days?|weeks?|months?|years?|personas|personnes|leute|menschen|mensen|persone"
    r"|nominees?|finalists?|winners?)\b"
)
# After a bare "of"/"von"/"sur"/"de"/"su" (no star word between), only these may follow: "4 of 5" is a
# rating in "I give it 4 of 5 for effort", a counter in "4 of 5 finalists".
BARE_OF_AFTER_RE = re.compile(
    rf"\s*(?:$|[^\w\s]|{_STAR_WORD}\b|{_POINT_WORD}\b|(?:for|from|and|but|overall|here|me|mir|moi|pour|para|per|voor"
    r"|by|possible|possibles|posibles|possibili|möglichen|mogelijke|max|maximum|total|rating|score|bubbles?|circles?"
    r"|dots|hearts)\b)",
    re.IGNORECASE,
)
RANGE_BEFORE_RE = re.compile(r"(?<![\d.,])\d{1,2}(?:[.,]\d)?\s*(?:-|–|to|bis|à|a|tot)\s*$", re.IGNORECASE)
LABEL_BEFORE_RE = re.compile(
    rf"(?:\b{_LABEL}\b[^\d\w]{{0,8}}(?:\w+[^\d\w]{{1,4}})?|\b(?:gets?|earns?|scores?|scored|rates?|rated|give[sn]?|gave"
    rf"|awards?|awarded)\s+(?:it\s+|this\s+|them\s+)?(?:an?\s+)?)$",
    re.IGNORECASE,
)
OVERALL_ANY_RE = re.compile(rf"\b{_OVERALL}\b", re.IGNORECASE)
OVERALL_BEFORE_RE = re.compile(rf"\b{_OVERALL}\b[^\d\w]{{0,12}}(?:\w+[^\d\w]{{1,4}})?$", re.IGNORECASE)
DATE_LIKE_RE = re.compile(r"\d{1,4}\s*/\s*\d{1,2}\s*/\s*\d{1,4}")

# Cheap early exits: each form runs only when the text holds what it needs (a digit, a star glyph,
# a star word, a number word after "out of", a capital grade letter, a "%").
DIGIT_RE = re.compile(r"\d")
GLYPH_CHAR_RE = re.compile(rf"[{_FILLED}{_EMPTY}{_HALF_GLYPHS}*]")
# run on the lower-cased text, case-sensitive: a literal or a small set first lets the scan skip ahead
STAR_WORD_HINT_RE = re.compile(r"st(?:ar|ern|ell|erren|jern|järn)|\bster\b|toile|strel|gwiazd|hvězd|tähte|tähti")
WORD_OUT_OF_HINT_RE = re.compile(
    rf"(?:out of|of|von|aus|sur|de|su|uit|van|av|af|из) (?:(?:a|an|possible|maximum|max\.?) ){{0,2}}"
    rf"(?:{_BESTWORD})\b"
)
GRADE_HINT_RE = re.compile(r"[A-DF](?<![^\W\d_][A-DF])(?![^\W\d_])")

# "7.75 out of 10", "4 von 5 Sternen", "4 sur 5", "3 de 5", "4 su 5", "8,5/10", "three and a half out of five"
_OUT_OF_TAIL = (
    rf"(?:(?:\s*[-‐]\s*|\s+|)(?P<unit>{_STAR_WORD}|{_POINT_WORD}))?(?P<ph>{_POST_HALF})?"
    rf"\s*(?P<conn>{_CONN})\s*(?:(?:a|an|possible|maximum|max\.?)\s+){{0,2}}"
    rf"(?P<best>{_BEST_NUM}|{_BESTWORD})(?![\w/]|[.,]\d)"
)
# two patterns, digits and words, so that prose with a year in it does not try 100 number words at every letter
OUT_OF_RE = re.compile(rf"(?<![\w/.,])(?P<value>{_DIGIT_VALUE})(?P<word>)(?P<wh>){_OUT_OF_TAIL}", re.IGNORECASE)
OUT_OF_WORDS_RE = re.compile(
    rf"(?<![\w/.,])(?P<value>(?P<word>{_WORDNUM})(?P<wh>{_PRE_HALF})?){_OUT_OF_TAIL}", re.IGNORECASE
)
# "4 stars", "Four stars", "3½ stars", "two and a half stars", "dreieinhalb Sterne", "trois étoiles et demie"
# found from the star word backwards: scanning prose for 100 number words at every letter is slow
STAR_UNIT_RE = re.compile(rf"(?P<unit>{_STAR_WORD})(?![^\W\d_])(?P<ph>{_POST_HALF})?", re.IGNORECASE)
VALUE_BEFORE_UNIT_RE = re.compile(
    rf"(?<![\w/.,])(?P<value>{_DIGIT_VALUE}|(?P<word>{_WORDNUM})(?P<wh>{_PRE_HALF})?)(?P<sep>\s*[-‐–]\s*|\s+|)$",
    re.IGNORECASE,
)
HALF_ONLY_RE = re.compile(r"\b(?:half\s+a|a\s+half|one\s+half)[\s-]+stars?\b", re.IGNORECASE)
# Words that may follow "N-star"/"N star" and keep it a rating: "a four-star film", "1 star for effort";
# any other word makes it a class or an idiom: "a 5-star hotel", "a four-star general".
STAR_ADJ_OK_RE = re.compile(
    r"\s+(?:rating|review|score|verdict|film|movie|book|novel|read|album|record|game|show|series|watch|listen"
    r"|buy|purchase|pick|effort|performance|recommendation|product|for|from|because|out|and|but|is|was|it|at"
    r"|only|here|overall|by|in|on|to|me|mir|de|pour|para|per|voor|da|von)\b",
    re.IGNORECASE,
)
LETTER_WORD_AFTER_RE = re.compile(r"\s+[^\W\d_]")
POINT_WORD_RE = re.compile(_POINT_WORD, re.IGNORECASE)
LOWER_WORD_AFTER_RE = re.compile(r"\s+[a-z]")
LETTER_RE = re.compile(r"[^\W\d_]")
CAST_AFTER_RE = re.compile(r"\s+(?:of|in|from)\s+(?:the|this|that|its|his|her|their)\b", re.IGNORECASE)
REVIEWS_AFTER_RE = re.compile(r"\s+reviews\b", re.IGNORECASE)
HISTOGRAM_AFTER_RE = re.compile(r"\s*[:\-–]?\s*(?:\d{1,3}\s*%|\(\s*\d[\d,.]*\s*\))")
# "★★★★☆", "★★★½", "★ ★ ★ ☆ ☆", "⭐⭐⭐⭐"
GLYPHS_RE = re.compile(rf"[{_FILLED}{_EMPTY}{_HALF_GLYPHS}](?:\s?(?:[{_FILLED}{_EMPTY}{_HALF_GLYPHS}½]|1/2))*")
GLYPH_SCALE_AFTER_RE = re.compile(
    rf"\s*[(\[]?\s*(?P<v>{_NUM})\s*(?:/|out\s+of|of|von|sur|de|su)\s*(?P<b>\d{{1,2}})\b", re.I
)
# "4.5★", "★ 4.5": one star glyph next to a number
NUM_GLYPH_RE = re.compile(
    rf"(?<![\w/.,])(?P<v>\d{{1,2}}(?:[.,]\d{{1,2}})?)\s?[★⭐](?![{_FILLED}{_EMPTY}])"
    rf"|(?<![{_FILLED}{_EMPTY}])[★⭐]\s?(?P<v2>\d{{1,2}}(?:[.,]\d{{1,2}})?)(?![\d.,/]|\s*(?:/|{_CONN}\s*\d))",
    re.IGNORECASE,
)
# "***½", "Rating: ****": asterisks only as the whole string or right after a rating label
ASTERISKS_RE = re.compile(
    rf"(?:^[(\[]?|\b{_STARS_LABEL}\s*(?:\*\*)?\s*[:：]?\s*(?:\*\*)?\s+|\b{_STARS_LABEL}\s*(?:\*\*)?\s*[:：]\s*(?:\*\*)?\s*)"
    r"(?P<ast>\*{1,5})(?P<half>\s?½|\s?1/2)?(?=\s*(?:$|[)\]|(–—-]))",
    re.IGNORECASE,
)
# "Rating: B+", "**Grade:** A-", "Verdict: C"
GRADE_RE = re.compile(
    r"\b(?P<label>grade|letter\s+grade|rating|note|score|verdict|overall|bewertung|calificaci[oó]n|voto|report\s+card)"
    r"\s*(?:\*\*)?\s*[:：\-–—]?\s*(?:\*\*)?\s*(?P<grade>[A-D][+\-−]?|F)(?![\w+\-−'’])",
    re.IGNORECASE,
)
WHOLE_GRADE_RE = re.compile(r"^[(\[]?(?P<grade>[A-D][+\-−])[)\]]?$")
PERCENT_RE = re.compile(r"(?<![\w.,])(?P<value>\d{1,3}(?:[.,]\d{1,2})?)\s?%")
PERCENT_AFTER_DENY_RE = re.compile(
    r"\s*(?:off|of|cotton|wool|polyester|linen|silk|nylon|organic|natural|recycled|cacao|cocoa|dark|juice"
    r"|alc|abv|vol|proof|more|less|fewer|faster|slower|cheaper|better|worse|bigger|smaller|larger|higher|lower"
    r"|discount|rabatt|remise|descuento|sconto|korting|battery|charged?|humidity|chance|sure|certain|recommend"
    r"|agree|positive|negative|fresh|rotten|liked|approval|match|tomatometer|audience|critics|users|of\s+users"
    r"|de\s+réduction|weniger|mehr|moins|plus)\b",
    re.IGNORECASE,
)
PERCENT_BEFORE_DENY_RE = re.compile(
    r"\b(?:save|saving|up\s+to|off|battery|charged?|humidity|abv|alc|cocoa|cacao|tax|vat|apr|interest|discount"
    r"|only|about|around|approximately|roughly|nearly|almost|over|under|by|increase|decrease|down|up|grew|rose"
    r"|fell|dropped|at|bis\s+zu|jusqu'à|hasta|fino\s+al)\s*$",
    re.IGNORECASE,
)
TERNINGKAST_RE = re.compile(r"\bterningkast\s*:?\s*(?P<v>[1-6]|en|to|tre|fire|fem|seks)\b", re.IGNORECASE)
_TERNING = {"en": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6}
BARE_RE = re.compile(
    rf"^(?:{_LABEL}\s*(?:\*\*)?\s*[:：]?\s*(?:\*\*)?\s*)?(?P<v>{_NUM})\s*(?:stars?|points?|pts)?[.!]?$", re.IGNORECASE
)


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def rating_from_values(
    value: object, best: object = None, worst: object = None, raw: str | None = None
) -> Rating | None:
    """Typed rating from structured data (schema.org ratingValue/bestRating/worstRating).

    >>> rating_from_values("8.8", "10", "1")
    Rating(value=8.8, best=10.0, worst=1.0, raw='8.8/10')
    >>> rating_from_values("4", None) .best      # schema.org: bestRating defaults to 5
    5.0
    >>> rating_from_values("92", None).best       # ... unless the value says otherwise
    100.0
    >>> rating_from_values("", "5") is None
    True
    """
    try:
        v = _num(str(value).strip())
    except (TypeError, ValueError):
        grade = str(value).strip().upper() if value is not None else ""
        if grade in LETTER_GRADES:
            return Rating(LETTER_GRADES[grade], LETTER_BEST, 0.0, raw or grade)
        return None
    b: float | None
    try:
        b = _num(str(best).strip()) if best not in (None, "") else None
    except ValueError:
        b = None
    try:
        w = _num(str(worst).strip()) if worst not in (None, "") else 0.0
    except ValueError:
        w = 0.0
    if b is None:
        b = 5.0 if v <= 5 else 10.0 if v <= 10 else 100.0 if v <= 100 else None
        if b is None:
            return None
    # NaN, inf, or a scale so wide that best - worst overflows: no rating ("NaN", "-inf", "1e308")
    if not (math.isfinite(v) and math.isfinite(b - w) and b > w and w <= v <= b):
        return None
    return Rating(v, b, w, raw or f"{_fmt(v)}/{_fmt(b)}")


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def rating_on_scale(value: float, best: float, raw: str = "") -> Rating | None:
    """A rating read from free text or markup, checked against the scales reviewers use.

    The scale must be one of ``ALLOWED_BEST``, and on scales up to 10 the value must step by
    tenths or quarters (3.37/5 is a measurement or an average, not a rating).

    >>> rating_on_scale(4.5, 5)
    Rating(value=4.5, best=5.0, worst=0.0, raw='4.5/5')
    >>> rating_on_scale(3, 8) is None, rating_on_scale(3.37, 5) is None
    (True, True)
    """
    best = float(best)
    value = float(value)
    if best not in ALLOWED_BEST or not 0 <= value <= best:
        return None
    if best <= 10 and round(value * 100) % 10 and round(value * 4) != value * 4:
        return None
    return Rating(value, best, 0.0, raw.strip() or f"{_fmt(value)}/{_fmt(best)}")


def _other_rater(text: str, start: int, end: int) -> bool:
    return bool(OTHER_BEFORE_RE.search(text, max(0, start - 45), start)) or bool(
        OTHER_AFTER_RE.match(text, end, min(len(text), end + 30))
    )


def _labelled(text: str, start: int) -> bool:
    return bool(LABEL_BEFORE_RE.search(text, max(0, start - 30), start))


def _counter_or_date(text: str, start: int, end: int) -> bool:
    """A page/step/episode counter, a date or a range, judged by the words right around the match."""
    if LOOKALIKE_BEFORE_RE.search(text, max(0, start - 14), start):
        return True
    if RANGE_BEFORE_RE.search(text, max(0, start - 6), start):
        return True
    window = text[max(0, start - 6) : end + 6]
    return bool(DATE_LIKE_RE.search(window))


def _half_value(m: re.Match[str], post_half: bool = False) -> float:
    if m.group("word"):
        base = _ALL_WORDS[m.group("word").lower()]
        half = m.group("wh")
    else:
        raw = m.group("value")
        half = next((h for h in ("½", "1/2") if raw.endswith(h)), None)
        base = _num(raw.removesuffix("½").removesuffix("1/2").rstrip(" -")) if half else _num(raw)
    return base + (0.5 if half or post_half else 0.0)


# Each finder yields the acceptable ratings of one form, in text order, with where they start.
_Found = Iterator[tuple[int, Rating]]


def _find_grade(text: str, low: str) -> _Found:
    if not GRADE_HINT_RE.search(text):
        return
    whole = WHOLE_GRADE_RE.match(text)
    if whole:
        g = whole.group("grade").replace("−", "-").upper()
        yield 0, Rating(LETTER_GRADES[g], LETTER_BEST, 0.0, whole.group("grade"))
        return
    for m in GRADE_RE.finditer(text):
        g = m.group("grade").replace("−", "-").upper()
        after = text[m.end() : m.end() + 3]
        if g == "A" and LOWER_WORD_AFTER_RE.match(after):  # "Note: A copy was provided ...", an article
            continue
        if _other_rater(text, m.start("grade"), m.end()):
            continue  # "CBFC rating: A", "Energy rating: A"
        yield m.start(), Rating(LETTER_GRADES[g], LETTER_BEST, 0.0, m.group("grade"))


def _find_out_of(text: str, low: str) -> _Found:
    matches = list(OUT_OF_RE.finditer(text)) if DIGIT_RE.search(text) else []
    if WORD_OUT_OF_HINT_RE.search(low):
        matches = sorted([*matches, *OUT_OF_WORDS_RE.finditer(text)], key=lambda m: m.start())
    for m in matches:
        start, end = m.span()
        conn = " ".join(m.group("conn").lower().split())
        word = m.group("word")
        unit = m.group("unit")
        if word and (conn == "/" or (conn == "of" and not unit)):
            continue  # "four/five", "one of five nominees"
        if word and word.lower() in ARTICLE_WORDS and not (unit or _labelled(text, start)):
            continue
        if unit and conn == "/" and POINT_WORD_RE.fullmatch(unit):
            continue
        after = text[end : end + 40]
        if conn in _BARE_CONNS and not unit and not BARE_OF_AFTER_RE.match(after):
            continue
        if UNIT_AFTER_RE.match(after) or NOUN_AFTER_RE.match(after):
            continue
        if _counter_or_date(text, start, end) or _other_rater(text, start, end):
            continue
        if AGGREGATE_AFTER_RE.match(after):
            continue
        b = m.group("best")
        best = _ALL_WORDS[b.lower()] if b.lower() in _ALL_WORDS else _num(b)
        r = rating_on_scale(_half_value(m, bool(m.group("ph"))), best, text[start : m.end("best")])
        if r:
            yield start, r


def _glyph_counts(run: str) -> tuple[int, int, int]:
    full = sum(run.count(ch) for ch in _FILLED)
    empty = sum(run.count(ch) for ch in _EMPTY)
    half = sum(run.count(ch) for ch in _HALF_GLYPHS) + run.count("½") + run.count("1/2")
    return full, half, empty


def _find_glyphs(text: str, low: str) -> _Found:
    if not GLYPH_CHAR_RE.search(text):
        return
    for m in GLYPHS_RE.finditer(text):
        full, half, empty = _glyph_counts(m.group(0))
        if half > 1:
            continue
        start, end = m.span()
        if full + half + empty == 1 and not empty:
            single = NUM_GLYPH_RE.search(text, max(0, start - 6), min(len(text), end + 7))
            if single and not _other_rater(text, single.start(), single.end()):
                v = _num(single.group("v") or single.group("v2"))
                r = rating_on_scale(v, 5.0 if v <= 5 else 10.0, single.group(0))
                if r:
                    yield single.start(), r
                    continue
            if half or not (_labelled(text, start) or text.strip() == m.group(0)):
                continue  # a decoration: "★ Editor's choice ★"
        value = full + 0.5 * half
        if empty:
            total = full + half + empty
            scale = float(total) if total in ALLOWED_BEST and total <= 10 else 0.0
        else:
            stated = GLYPH_SCALE_AFTER_RE.match(text, end)
            if stated and _num(stated.group("v")) == value:
                scale = _num(stated.group("b"))  # "★★★★ (4/5)": the scale is stated next to the stars
            elif not half and full in (4, 5, 10):
                scale = float(full)  # "★★★★★"; "⭐⭐⭐⭐" reads as 4/4: no empty star shows a bigger scale
            else:
                scale = 5.0 if value <= 5 else 10.0
        if not scale or _other_rater(text, start, end) or AGGREGATE_AFTER_RE.match(text, end):
            continue
        r = rating_on_scale(value, scale, m.group(0))
        if r:
            yield start, r
    ast = ASTERISKS_RE.search(text)
    if ast and (len(ast.group("ast")) > 1 or ast.start() > 0):
        value = len(ast.group("ast")) + (0.5 if ast.group("half") else 0.0)
        r = rating_on_scale(value, 5.0, text[ast.start("ast") : ast.end()])
        if r:
            yield ast.start("ast"), r


def _find_word_stars(text: str, low: str) -> _Found:
    if not STAR_WORD_HINT_RE.search(low):
        return
    for u in STAR_UNIT_RE.finditer(text):
        if u.start() and text[u.start() - 1].isalpha():
            continue  # "sister", "monster"
        m = VALUE_BEFORE_UNIT_RE.search(text, max(0, u.start() - 40), u.start())
        if not m:
            continue
        start, end = m.start(), u.end()
        word = m.group("word")
        if word and word.lower() in ARTICLE_WORDS and not _labelled(text, start):
            continue  # "A Star Is Born"
        after = text[end : end + 40]
        adjective = u.group("unit").lower() == "star" or "-" in m.group("sep") or "‐" in m.group("sep")
        if adjective and LETTER_WORD_AFTER_RE.match(after) and not STAR_ADJ_OK_RE.match(after):
            continue  # "a 5-star hotel", "a four-star general"
        if REVIEWS_AFTER_RE.match(after) or RANGE_BEFORE_RE.search(text, max(0, start - 6), start):
            continue  # "hundreds of five-star reviews"; "4-5 stars", "from 1 to 5 stars"
        if CAST_AFTER_RE.match(after):
            continue  # "the 4 stars of the show", "5 stars in the cast": actors
        if HISTOGRAM_AFTER_RE.match(after) or AGGREGATE_AFTER_RE.match(after):
            continue  # a histogram row "5 stars 68%", a count "4 stars (1,234)"
        if _other_rater(text, start, end) or LOOKALIKE_BEFORE_RE.search(text, max(0, start - 14), start):
            continue
        r = rating_on_scale(_half_value(m, bool(u.group("ph"))), 5.0, text[start:end])
        if r:
            yield start, r
    m = HALF_ONLY_RE.search(text)
    if m and not _other_rater(text, m.start(), m.end()):
        yield m.start(), Rating(0.5, 5.0, 0.0, m.group(0))


def _find_percent(text: str, low: str) -> _Found:
    if "%" not in text:
        return
    for m in PERCENT_RE.finditer(text):
        start, end = m.span()
        standalone = not LETTER_RE.search(text, 0, start)
        if not (standalone or _labelled(text, start)):
            continue
        if PERCENT_AFTER_DENY_RE.match(text, end) or PERCENT_BEFORE_DENY_RE.search(text, max(0, start - 16), start):
            continue
        if RANGE_BEFORE_RE.search(text, max(0, start - 6), start) or _other_rater(text, start, end):
            continue
        r = rating_on_scale(_num(m.group("value")), 100.0, m.group(0))
        if r:
            yield start, r


def _find_terningkast(text: str, low: str) -> _Found:
    if "terningkast" not in low:
        return
    m = TERNINGKAST_RE.search(text)
    if m:
        v = m.group("v").lower()
        r = rating_on_scale(float(_TERNING[v]) if v in _TERNING else float(v), 6.0, m.group(0))
        if r:
            yield m.start(), r


_FINDERS: tuple[Callable[[str, str], _Found], ...] = (
    _find_grade,
    _find_out_of,
    _find_glyphs,
    _find_word_stars,
    _find_percent,
    _find_terningkast,
)


def parse_rating(text: str | None, *, best: float | None = None) -> Rating | None:
    """Find the rating in a short string (a rating line, an alt text, a badge).

    ``best`` is the scale to assume for a bare number ("4.5" with best=5, "Rating: 8" with best=10).
    Returns None when the string holds no rating, or only a look-alike.
    """
    if not text or len(text) > 2000:
        return None
    text = " ".join(text.translate(_CLEAN).split())
    if len(text) > 400:
        return None
    # the first rating of each form, or its first one labelled "overall"; then the earliest wins
    low = text.lower()
    want_overall: bool | None = None
    chosen: tuple[tuple[bool, int, int], Rating] | None = None
    for priority, finder in enumerate(_FINDERS):
        for start, r in finder(text, low):
            if want_overall is None:
                want_overall = OVERALL_ANY_RE.search(text) is not None
            overall = want_overall and bool(OVERALL_BEFORE_RE.search(text, max(0, start - 30), start))
            key = (not overall, start, priority)
            if chosen is None or key < chosen[0]:
                chosen = (key, r)
            if overall or not want_overall:
                break
    if chosen:
        return chosen[1]
    if best is not None:
        bare = BARE_RE.match(text)
        if bare:
            return rating_on_scale(_num(bare.group("v")), float(best), bare.group("v"))
    return None
