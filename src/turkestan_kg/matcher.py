"""How two names are compared: folded, transliterated, and reduced to a spelling skeleton.

The party's people and places are written in Latin, Cyrillic and Arabic-derived spellings,
and romanized in several ways (Rïsqulov, Risqulov, Ryskulov, Рыскулов). A name is *folded*
(compatibility-decomposed, diacritics dropped, any script transliterated to ASCII with
anyascii, lower case, punctuation to spaces) and then reduced to a *skeleton* that merges
the usual romanization variants of Russian and Turkic names (y and ï as i, q as k, kh and x
as h, dzh and j as j, doubled letters single). Scores are 0-100: 100 for the same folded
name, 98 for the same skeleton, else the better of RapidFuzz's ratio on the whole
skeletons and a word-by-word score (:func:`by_words`), in which a word inside another word
does not count as that word and an initial counts for the word it begins.

>>> fold("Turar Rïsqulov"), fold("Рыскулов")
('turar risqulov', 'ryskulov')
>>> skeleton("Rïsqulov") == skeleton("Рыскулов") == skeleton("Ryskulov")
True
>>> similarity("Ryskulov", "Turar Rïsqulov")
(88.5, 'words')
>>> similarity("Risqulov", "Turar Rïsqulov")[0] > similarity("Kobozev", "Turar Rïsqulov")[0]
True
"""

from __future__ import annotations

import functools
import re
import unicodedata

VARIANTS = (  # romanization variants, applied in order to a folded name
    ("dzh", "j"),
    ("kh", "h"),
    ("x", "h"),
    ("q", "k"),
    ("y", "i"),
    ("w", "v"),
    ("ou", "u"),
    ("ts", "c"),
    ("ch", "c"),
    ("sh", "s"),
    ("zh", "j"),
)


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case ASCII with diacritics dropped and other scripts transliterated (kept for
    the texts seen last: a query's text is folded once, not once per name it meets)."""
    from anyascii import anyascii

    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = anyascii(bare).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text).split())


@functools.lru_cache(maxsize=8192)
def skeleton(text: str) -> str:
    """The folded name with romanization variants merged and doubled letters made single."""
    out = fold(text)
    for variant, common in VARIANTS:
        out = out.replace(variant, common)
    return re.sub(r"(.)\1+", r"\1", out)


def acronyms(query: str, name: str) -> list[str]:
    """``name`` with each run of words whose initials spell an all-capital word of the query
    replaced by that word (ASSR for Autonomous Soviet Socialist Republic).

    >>> acronyms("Turkestan ASSR", "Turkestan Autonomous Soviet Socialist Republic")
    ['Turkestan ASSR']
    """
    wanted = {w for w in fold_words(query, keep_case=True) if len(w) > 1 and w.isupper()}
    words = fold_words(name, keep_case=True)
    found = []
    for start in range(len(words)):
        for end in range(start + 2, len(words) + 1):
            initials = "".join(w[0] for w in words[start:end]).upper()
            if initials in wanted:
                found.append(" ".join([*words[:start], initials, *words[end:]]))
    return found


def _closest(word: str, name: list[str], forms: list[str]) -> tuple[int, float]:
    """The name word ``word`` is closest to (its index) and how close (0-100)."""
    from rapidfuzz import fuzz

    if len(word) == 1:  # an initial
        hits = [i for i, w in enumerate(name) if w.startswith(word)]
        return (hits[0], INITIAL) if hits else (0, 0.0)
    scores = [fuzz.ratio(skeleton(word), form) for form in forms]
    best = max(range(len(forms)), key=scores.__getitem__)
    return best, scores[best]


def fold_words(text: str, *, keep_case: bool = False) -> list[str]:
    """The words of ``text`` in ASCII (case kept if asked)."""
    from anyascii import anyascii

    decomposed = unicodedata.normalize("NFKD", text)
    bare = anyascii("".join(c for c in decomposed if not unicodedata.combining(c)))
    return re.sub(r"[^A-Za-z0-9]+", " ", bare if keep_case else bare.lower()).split()


def closeness(query: str, name: str) -> float:
    """How much of the whole name the query covers (0-100): the tie-breaker between a
    person's name and a longer name that contains it (a tenure's)."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(skeleton(query), skeleton(name)))


def similarity(query: str, name: str) -> tuple[float, str]:
    """(score 0-100, how it matched: "exact", "skeleton", "acronym" or "fuzzy")."""
    best = _similarity(query, name)
    for variant in acronyms(query, name):
        score, how = _similarity(query, variant)
        if score > best[0]:
            best = (score, "acronym" if how != "fuzzy" else how)
    return best


def _similarity(query: str, name: str) -> tuple[float, str]:
    from rapidfuzz import fuzz

    folded_query, folded_name = fold(query), fold(name)
    if folded_query and folded_query == folded_name:
        return 100.0, "exact"
    skeleton_query, skeleton_name = skeleton(query), skeleton(name)
    if skeleton_query and skeleton_query == skeleton_name:
        return 98.0, "skeleton"
    whole = float(fuzz.ratio(skeleton_query, skeleton_name))
    words = by_words(fold_words(query), fold_words(name))
    if whole >= words:
        return round(whole, 1), "fuzzy"
    return round(words, 1), "words"


def begins(prefix: str, name: str) -> tuple[float, str]:
    """How well ``prefix`` starts ``name`` or one of its words, for autocomplete: 100 when it
    does (folded or as a skeleton), else the name's :func:`similarity`.

    A skeleton counts only when it keeps most of the text: a run of one letter
    (``tttt``) or a pair the skeleton merges (``ts``, ``kh``) would otherwise begin
    every word that begins with its one letter.

    >>> begins("Kobo", "Pyotr Kobozev")
    (100.0, 'prefix')
    >>> begins("tttttttt", "Turar Rïsqulov")[0] < 80
    True
    """
    folded = fold(prefix)
    for form in (fold, skeleton):
        start, whole = form(prefix), form(name)
        if form is skeleton and (len(start) < 2 or 2 * len(start) < len(folded)):
            continue
        if start and (whole.startswith(start) or f" {start}" in f" {whole}"):
            return 100.0, "prefix"
    return similarity(prefix, name)


WORD_MATCH = 80.0
"""A query word this close to a name word counts that name word as named."""
INITIAL = 90.0
"""What one letter scores against a word it begins (T. for Turar)."""


def by_words(query: list[str], name: list[str]) -> float:
    """Word by word: each query word against the name word it is closest to (a one-letter
    word is an initial), the mean weighted by the words' lengths, times how much of the name
    the query names (0.7 to 1). A word inside another (Lenin in Leninism) is not the word,
    and a word that names one of several is not the whole name.

    >>> by_words(["t", "ryskulov"], ["turar", "risqulov"]) > 95
    True
    >>> by_words(["lenin"], ["leninism"]) < 80
    True
    >>> by_words(["turkestan"], ["communist", "party", "of", "turkestan"]) < 85
    True
    """
    forms = [skeleton(w) for w in name]
    if not query or not forms:
        return 0.0
    total, named = 0.0, set()
    for word in query:
        best, score = _closest(word, name, forms)
        if score >= WORD_MATCH:
            named.add(best)
        total += len(word) * score
    mean = total / sum(len(word) for word in query)
    coverage = sum(len(forms[i]) for i in named) / sum(len(form) for form in forms)
    return mean * (0.7 + 0.3 * coverage)
