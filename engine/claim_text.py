"""What a sentence of an answer or of a source says, as the checks compare them: its sentences and citations,
its stemmed content words, and its numbers (with their units), names and identifiers."""

from __future__ import annotations

import re

CITATION = re.compile(r"\s*\[(\d{1,3})\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]»]*\s+(?=[\"'(«\[]?[A-Z0-9])|\n+")
_WRAPPED = re.compile(  # a hard-wrapped line continues the sentence, also when it opens with an option or a quote
    r"(?<=[\w,;)])[ \t]*\n[ \t]*(?=[a-z0-9(/]|-+[A-Za-z0-9]|[\"'«“][a-z0-9-])")  # "The default is\n--thin."
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "dr.", "mr.", "mrs.", "ms.", "st.", "fig.", "approx.", "cf.")
_BEFORE_A_NUMBER = ("no.",)  # "No. 5" goes on; "No. This is because …" is an answer and its reason
WORD = re.compile(r"[\w'-]+", re.UNICODE)
_NUMBER = re.compile(r"(?<![A-Za-z0-9_])\d+(?:[.,:]\d+)*")  # a unit may follow ("30s", "4G"); "ext4" is no number
_NUMBER_UNIT = re.compile(r"(?<![A-Za-z_])(?<=\d)(?=[A-Za-z%])")  # between "90" and "s" in "90s"
_NAME = re.compile(r"(?<![\w.])[A-Z][\w'-]*[A-Za-z0-9](?:\s+[A-Z][\w'-]*[A-Za-z0-9])*")
UNITS = {u: base for base, names in {
    "second": ("s", "sec", "secs", "second", "seconds"), "minute": ("min", "mins", "minute", "minutes"),
    "hour": ("h", "hr", "hrs", "hour", "hours"), "day": ("day", "days"), "week": ("week", "weeks"),
    "month": ("month", "months"), "year": ("year", "years"), "millisecond": ("ms", "millisecond", "milliseconds"),
    "byte": ("b", "byte", "bytes"), "kilobyte": ("k", "kb", "kib", "kilobyte", "kilobytes"),
    "megabyte": ("m", "mb", "mib", "megabyte", "megabytes"), "gigabyte": ("g", "gb", "gib", "gigabyte", "gigabytes"),
    "percent": ("%", "percent")}.items() for u in names}
_QUANTITY = re.compile(r"(?<![A-Za-z0-9_])(\d+(?:[.,]\d+)*)\s?(%|[A-Za-z]+\b)?")
_IDENTIFIER = re.compile(r"(?<![\w/])(?:/[\w.-]+)+|\b[A-Za-z][\w]*(?:[-_.][\w]+)+\b")
LINE_END_HYPHENS = "\u2010\u00ad"  # groff's hyphen and the soft hyphen
_HYPHENATED = re.compile(rf"(\w)[{LINE_END_HYPHENS}][ \t]*\n[ \t]*(\w)")  # groff's line-end hyphenation
_COPIED_HYPHENATION = re.compile(rf"\b(\w+)[{LINE_END_HYPHENS}](\w+)\b")  # the same, without its line break
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "once": 1,
    "twice": 2, "half": 0.5, "dozen": 12,
}
STOP = set("""a an the and or but if then than that this these those is are was were be been being am do does did
of to in on at by for with from as into over under about after before between through during without within
it its it's they them their there here he she his her we our you your i me my not no yes so such can could
should would will shall may might must have has had which who whom whose what when where why how all any each
also just only very more most less least much many some other same own both either neither per via up down out
off again once further while because until""".split())
NAME_STOP = {"I", "The", "A", "An", "It", "This", "That", "These", "Those", "If", "In", "On", "At", "For", "To",
             "Your", "You", "Yes", "No", "Source", "Sources", "Answer", "Question", "However", "Then", "When",
             "There", "They", "We", "He", "She", "Its", "Their", "After", "Before", "Also", "And", "But", "Or"}


def split_sentences(text: str) -> list[str]:
    """Sentences (and lines, so table rows count as sentences); abbreviations do not end a sentence."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(_WRAPPED.sub(" ", _HYPHENATED.sub(r"\1\2", text))):
        piece = piece.strip()
        if not piece:
            continue
        if out and (out[-1].lower().endswith(_ABBREVIATIONS) or
                    out[-1].lower().endswith(_BEFORE_A_NUMBER) and piece[:1].isdigit()):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def mend_copied_hyphenation(claim: str, source_words: set[str]) -> str:
    """Join a word the model copied with a line-end hyphen but without the line break ("in\u2010stead"), when the
    sources hold the joined word: `split_sentences` joined them the same way. A real hyphen (U+2010 also marks
    "well\u2010known") stays, since the sources then hold its halves and not the joined word."""
    def join(m: re.Match) -> str:
        whole = m.group(1) + m.group(2)
        return whole if whole.lower() in source_words else m.group(0)

    return _COPIED_HYPHENATION.sub(join, claim)


def citations(sentence: str) -> list[int]:
    return [int(n) for n in CITATION.findall(sentence)]


def strip_citations(text: str) -> str:
    return CITATION.sub("", text).strip()


def remove_missing_citations(text: str, n_sources: int) -> tuple[str, list[int]]:
    """Drop `[n]` markers that point at no source; returns the text and the numbers removed."""
    removed: list[int] = []

    def keep(m: re.Match) -> str:
        n = int(m.group(1))
        if 1 <= n <= n_sources:
            return m.group(0)
        removed.append(n)
        return ""

    return CITATION.sub(keep, text), removed


def stem(word: str) -> str:
    w = word.lower().strip("'-")
    w = w[:-2] if w.endswith("'s") else w  # "zstd's" is about zstd
    for suffix in ("ies", "es", "s"):
        if len(w) > 4 and w.endswith(suffix) and not w.endswith("ss"):
            return w[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return w


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning; a unit glued to its number counts as a word ("1min" → "min")."""
    text = _NUMBER_UNIT.sub(" ", text)
    return {stem(w) for w in WORD.findall(text) if w.lower() not in STOP and not w.isdigit() and len(w) > 1}


def _number_value(token: str) -> str:
    token = token.lower()
    if token in NUMBER_WORDS:
        v = NUMBER_WORDS[token]
        return str(int(v)) if float(v).is_integer() else str(v)
    token = re.sub(r"(st|nd|rd|th)$", "", token)
    if re.fullmatch(r"\d{1,3}(,\d{3})+", token):  # 8,000 → 8000
        token = token.replace(",", "")
    return token


def numbers(text: str) -> set[str]:
    """Numbers in a text, written with digits or as words ("four" → "4", "8,000" → "8000")."""
    found = {_number_value(m.group(0)) for m in _NUMBER.finditer(text)}
    found |= {_number_value(w) for w in WORD.findall(text) if w.lower() in NUMBER_WORDS}
    return found


def first_number(text: str) -> str | None:
    """The first number written with digits in a text, as `numbers` gives it ("8,000" → "8000")."""
    m = _NUMBER.search(text)
    return None if m is None else _number_value(m.group(0))


def names(sentence: str) -> set[str]:
    """Capitalised words and runs of them that are not just the first word of the sentence."""
    out = set()
    body = strip_citations(sentence)
    for m in _NAME.finditer(body):
        words = [w for w in m.group(0).split() if w not in NAME_STOP]
        if not words:
            continue
        if m.start() == 0 and not any(c.isupper() for c in words[0][1:]):
            words = words[1:]  # "Call Dave Jones": the first word is capitalised only because the sentence starts
        if not words:
            continue
        out.add(" ".join(words))
    return out


def identifiers(sentence: str) -> set[str]:
    """Option names, commands, paths and the like: `apt-cdrom`, `/etc/shells`, `Immediate-Configure`."""
    found = {m.group(0).strip(".,") for m in _IDENTIFIER.finditer(strip_citations(sentence))}
    return {f for f in found if f"{f.lower()}." not in _ABBREVIATIONS}  # "e.g" is no identifier


def facts(sentence: str) -> set[str]:
    return numbers(strip_citations(sentence)) | names(sentence) | identifiers(sentence)


def quantity_words(text: str) -> list[tuple[str, str]]:
    """(number, the word written after it, lower-cased; "" when none) for each number in the text."""
    return [(_number_value(m.group(1)), (m.group(2) or "").lower()) for m in _QUANTITY.finditer(text)]


def quantities(text: str) -> list[tuple[str, str | None]]:
    """(number, unit) for each number in the text; unit is None when no known unit word follows it."""
    return [(n, UNITS.get(word) if word else None) for n, word in quantity_words(text)]


def _unit_mismatch(claim: str, source_text: str) -> list[str]:
    """"10 seconds" where the source has 10 only as "10 minutes": the number is there, the quantity is not."""
    have = quantities(source_text)
    wrong = []
    for n, unit in quantities(claim):
        if unit is None:
            continue
        units = {u for m, u in have if m == n}
        if units and unit not in units and None not in units:
            wrong.append(f"{n} {unit}")
    return wrong


def missing_facts(sentence: str, source_text: str, question: str = "") -> list[str]:
    """Numbers (with their units), names and identifiers of the sentence that the source text lacks. Names the
    claim repeats from the question need not be there: they say what was asked, not what the files say."""
    nums = numbers(source_text)
    lowered = _word_string(source_text)
    claim = strip_citations(sentence)
    missing = sorted(n for n in numbers(claim) if n not in nums) + _unit_mismatch(claim, source_text) + \
        _sign_mismatch(claim, source_text)
    asked = _word_string(question)
    for name in sorted(names(sentence) | identifiers(sentence)):
        words = _word_string(name)  # whole words: "kms.googleapis.com" is not in "cloudkms.googleapis.com"
        if words not in lowered and not (question and words in asked):
            missing.append(name)
    return missing


def _sign_mismatch(claim: str, source_text: str) -> list[str]:
    """Numbers the claim and the source both hold but never with the same sign ("1." where the source only
    says "Passing the number -1 …"): `numbers` reads both as 1."""
    out = []
    for n in sorted(numbers(claim) & numbers(source_text)):
        claimed, held = _signs(n, claim), _signs(n, source_text)
        if claimed and held and not claimed & held:
            out.append(("-" if "-" in claimed else "") + n)
    return out


def _signs(n: str, text: str) -> set[str]:
    """How the text writes the number `n` (as `numbers` reads it): "-" for a negative ("-1", "= -1"; not the 5
    of "1-5" or of "--level-5"), "" for the rest."""
    found = set()
    for m in _NUMBER.finditer(text):
        if _number_value(m.group(0)) == n:
            minus = text[m.start() - 1 : m.start()] == "-" and \
                not re.match(r"[\w.-]", text[m.start() - 2 : m.start() - 1])
            found.add("-" if minus else "")
    return found


def _word_string(text: str) -> str:
    """The text's words, lower-cased, without a possessive "'s", an option's dashes ("--dig-holes") or the single
    quotes around them ("'nohup.out'"), each with a space on both sides."""
    return " " + " ".join(re.sub(r"'s$", "", w).strip("-'") for w in WORD.findall(text.lower())) + " "


def lexical_overlap(claim: str, candidate: str) -> float:
    """Share of the claim's content words (and numbers) that the candidate contains."""
    words = content_words(claim) | numbers(claim)
    if not words:
        return 0.0
    have = content_words(candidate) | numbers(candidate)
    return len(words & have) / len(words)
