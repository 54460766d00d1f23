"""Every answer checked against its sources, sentence by sentence.

Each sentence rests on a passage (a source sentence with its neighbours, led by the label of the item it
belongs to: engine/passages.py) of the sources it cites, or of all sources when it cites none. The first
sentence, the main claim, rests on the one passage that best answers the question, the passage shown as
evidence (on the best of the file the question names, when it names one in full). A sentence is supported when
(1) its numbers (with their units), names and identifiers are in that passage, and (2) the passage says the
same thing: a weighted sum of lexical overlap and embedding similarity reaches a threshold calibrated on a
labelled set (bench/answer_checks.py). A first sentence that gives no number for "how many" fails too. When
the main claim fails, the passage that best answers the question is shown first as evidence, and the model's
text stays visible, marked unchecked.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Callable, Sequence

import numpy as np

from engine.defaults import (BOOLEAN_PAIRS, respective_default, stated_default_boolean, stated_default_name,
                             stated_default_number)
from engine.passages import source_items
from engine.prompting import Source
from engine.yes_no import YES_NO_QUESTION, answer_polarity, expected_answer

CITATION = re.compile(r"\s*\[(\d{1,3})\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]»]*\s+(?=[\"'(«\[]?[A-Z0-9])|\n+")
_WRAPPED = re.compile(r"(?<=[\w,;])[ \t]*\n[ \t]*(?=[a-z0-9(/])")  # a hard-wrapped line continues the sentence
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "dr.", "mr.", "mrs.", "ms.", "st.", "fig.", "approx.", "cf.")
_BEFORE_A_NUMBER = ("no.",)  # "No. 5" goes on; "No. This is because …" is an answer and its reason
_WORD = re.compile(r"[\w'-]+", re.UNICODE)
_NUMBER = re.compile(r"(?<![A-Za-z0-9_])\d+(?:[.,:]\d+)*")  # a unit may follow ("30s", "4G"); "ext4" is no number
_NUMBER_UNIT = re.compile(r"(?<![A-Za-z_])(?<=\d)(?=[A-Za-z%])")  # between "90" and "s" in "90s"
_NAME = re.compile(r"(?<![\w.])[A-Z][\w'-]*[A-Za-z0-9](?:\s+[A-Z][\w'-]*[A-Za-z0-9])*")
MAX_EVIDENCE_CANDIDATES = 16  # passages embedded per claim, after a lexical pre-selection
MAIN_CLAIM_WINDOWS = 1  # the main claim rests on the passage that best answers the question: the evidence
CLAIM_WINDOWS = 3  # best-ranked passages a claim may rest on
# Answering passages a yes/no answer may rest on: the first may be cut mid-sentence at its chunk's end, or
# describe a setting with a longer name ("RequiredFamilyForOnline=" for "RequiredForOnline=").
YES_NO_PASSAGES = 3
RANK_LEXICAL_WEIGHT = 0.5  # passages are ranked by 0.5 × IDF-weighted overlap + 0.5 × embedding similarity
LABEL_BONUS = 1.0  # × the IDF share of the question's terms in the item's label: it defines what is asked
WINDOW_SIDE = 1  # sentences on each side of a source sentence in its passage
MIN_EVIDENCE_WORDS = 3  # 2 when one is a number: "blocksize = 4096" is a row worth showing
SENTENCE_WEIGHT = 0.5  # the passage's own sentence counts again: of two passages sharing a sentence, the one
#                        centred on the sentence that holds the asked-for term ranks first
MAX_EVIDENCE_CHARS = 400
_UNITS = {u: base for base, names in {
    "second": ("s", "sec", "secs", "second", "seconds"), "minute": ("min", "mins", "minute", "minutes"),
    "hour": ("h", "hr", "hrs", "hour", "hours"), "day": ("day", "days"), "week": ("week", "weeks"),
    "month": ("month", "months"), "year": ("year", "years"), "millisecond": ("ms", "millisecond", "milliseconds"),
    "byte": ("b", "byte", "bytes"), "kilobyte": ("k", "kb", "kib"), "megabyte": ("m", "mb", "mib"),
    "gigabyte": ("g", "gb", "gib"), "percent": ("%", "percent")}.items() for u in names}
_QUANTITY = re.compile(r"(?<![A-Za-z0-9_])(\d+(?:[.,]\d+)*)\s?(%|[A-Za-z]+\b)?")
_IDENTIFIER = re.compile(r"(?<![\w/])(?:/[\w.-]+)+|\b[A-Za-z][\w]*(?:[-_.][\w]+)+\b")
_HYPHENATED = re.compile(r"(\w)[\u2010\u00ad][ \t]*\n[ \t]*(\w)")  # groff's line-end hyphenation
QUANTITY_BONUS = 0.3  # evidence for "how long / how many / when / which port" questions should hold a number
DEFAULT_BONUS = 0.6  # evidence for "what is the default …" should state one
NEIGHBOUR_DEFAULT_BONUS = 0.3  # … or hold a sentence that does, beside the one that matches the question
NAMED_FILE_BONUS = 0.3  # a passage of the file whose name the question says
# "What command does xargs run when none is given?" asks for a default too
_DEFAULT_QUESTION = re.compile(r"\bdefaults?\b|"
                               r"\b(?:when|if)\s+(?:none|nothing|no\s+\w+)\s+is\s+(?:given|specified|set)\b|"
                               r"\b(?:when|if)\s+(?:it\s+is\s+)?(?:omitted|not\s+(?:given|specified|set))\b", re.I)
# "The default timeout is 5 minutes", "Defaults to 6", "with a default of 6", "(the default)"
_STATES_DEFAULT = re.compile(r"\bdefault(s|ed)?\b([ \t]+[\w=.-]+){0,3}?[ \t]+(is|are|to|was)\b|"
                             r"\bdefault(s|ed)? to\b|\bdefault of\b|\bdefault values? for\b|\bby default\b|"
                             r"\(the default\)|\bdefault:|"
                             r"\bis the default\b", re.I)
_QUANTITY_QUESTION = re.compile(  # "when" only as the question word: "which shell, when none is given?" is no date
    r"^\W*when\b|\b(how (long|many|much|often|old|far|big|large|high|tall|wide|hot|cold|fast|deep|heavy)|"
    r"what (time|year|date|day|port|number|size|temperature|percentage|speed|version|limit|value)|"
    r"which (year|port|number|day|date|version))\b", re.I)
_CHOICE_QUESTION = re.compile(r"\bwhich of\b|\bor\b", re.I)  # "which of noauto and auto": the answer repeats
_CAMEL_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_DURATION_QUESTION = re.compile(r"\bhow often\b|\bhow long (does|do|did|will|should|would|to|until|before|after|"
                                r"is it|takes?|must|can)\b", re.I)
_DURATION = re.compile(r"\b(second|minute|hour|day|week|month|year|night|overnight|ms|sec|min)s?\b|"
                       r"\d(us|ms|s|sec|min|h|d)\b", re.I)  # "90s", "100ms", "1min", "2h" too
_MONTH_OR_DAY = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                           r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")

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
# Words that say nothing by themselves; "on", "off", "no", "none" and the like are answers, so not among them.
_FILLER = STOP - {"on", "off", "yes", "no", "not", "all", "any", "both", "either", "neither", "once", "up", "down",
                  "more", "less", "most", "least", "same", "only", "before", "after", "over", "under"}
# Words that only frame an answer ("The default value is 75 columns"): like the question's words, they need no
# support, so a source that says "(default of 75 columns)" supports the claim.
_ANSWER_FRAME = frozenset({"value", "setting", "option"})  # stemmed, as content_words gives them
NAME_STOP = {"I", "The", "A", "An", "It", "This", "That", "These", "Those", "If", "In", "On", "At", "For", "To",
             "Your", "You", "Yes", "No", "Source", "Sources", "Answer", "Question", "However", "Then", "When",
             "There", "They", "We", "He", "She", "Its", "Their", "After", "Before", "Also", "And", "But", "Or"}


@dataclass
class CheckConfig:
    """Calibrated in bench/answer_checks.py on a labelled set of supported and unsupported sentences."""

    lexical_weight: float = 1.0  # support = w * lexical overlap + (1 - w) * embedding similarity
    threshold: float = 0.8


@dataclass
class SentenceCheck:
    sentence: str  # the answer sentence, citations included
    supported: bool
    source: int | None  # the number of the source whose sentence supports it best
    evidence: str  # that source sentence ("" when none comes close)
    score: float = 0.0
    missing: list[str] = field(default_factory=list)  # numbers and names the passage does not contain
    cites: list[int] = field(default_factory=list)
    reason: str = ""  # why it is not supported, for the person reading

    def to_json(self) -> dict:
        return {"sentence": self.sentence, "supported": self.supported, "source": self.source,
                "evidence": self.evidence, "missing": self.missing, "reason": self.reason}


@dataclass
class Evidence:
    """A source sentence that answers the question, for "Your files say: «…» [n]"."""

    text: str
    source: int
    score: float

    def to_json(self) -> dict:
        return asdict(self)


# -- text pieces --------------------------------------------------------------------------------------
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


def _stem(word: str) -> str:
    w = word.lower().strip("'-")
    w = w[:-2] if w.endswith("'s") else w  # "zstd's" is about zstd
    for suffix in ("ies", "es", "s"):
        if len(w) > 4 and w.endswith(suffix) and not w.endswith("ss"):
            return w[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return w


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning; a unit glued to its number counts as a word ("1min" → "min")."""
    text = _NUMBER_UNIT.sub(" ", text)
    return {_stem(w) for w in _WORD.findall(text) if w.lower() not in STOP and not w.isdigit() and len(w) > 1}


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
    found |= {_number_value(w) for w in _WORD.findall(text) if w.lower() in NUMBER_WORDS}
    return found


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
    return {m.group(0).strip(".,") for m in _IDENTIFIER.finditer(strip_citations(sentence))}


def facts(sentence: str) -> set[str]:
    return numbers(strip_citations(sentence)) | names(sentence) | identifiers(sentence)


def quantities(text: str) -> list[tuple[str, str | None]]:
    """(number, unit) for each number in the text; unit is None when no unit word follows it."""
    out = []
    for m in _QUANTITY.finditer(text):
        unit = m.group(2)
        out.append((_number_value(m.group(1)), _UNITS.get(unit.lower()) if unit else None))
    return out


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
    lowered = " ".join(_WORD.findall(source_text.lower()))
    claim = strip_citations(sentence)
    missing = sorted(n for n in numbers(claim) if n not in nums) + _unit_mismatch(claim, source_text)
    asked = " ".join(_WORD.findall(question.lower()))
    for name in sorted(names(sentence) | identifiers(sentence)):
        words = " ".join(_WORD.findall(name.lower()))
        if words not in lowered and not (asked and words in asked):
            missing.append(name)
    return missing


def lexical_overlap(claim: str, candidate: str) -> float:
    """Share of the claim's content words (and numbers) that the candidate contains."""
    words = content_words(claim) | numbers(claim)
    if not words:
        return 0.0
    have = content_words(candidate) | numbers(candidate)
    return len(words & have) / len(words)


# -- the checker --------------------------------------------------------------------------------------
Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass
class Window:
    """A source sentence with its neighbours in the same paragraph, led by the label of the item it belongs
    to: facts often sit a sentence or two away from their subject (engine/passages.py)."""

    source: int
    sentence: str
    text: str
    label: str = ""  # the term the item defines ("SyncIntervalSec="), when the text shows one
    file_terms: frozenset[str] = frozenset()  # the words of its file's name ("fold.1.md": fold)


def source_windows(sources: Sequence[Source]) -> list[Window]:
    out = []
    named = {s.n: frozenset(content_words(re.sub(r"[._-]", " ", PurePath(s.path).stem))) for s in sources}
    for n, found in source_items(sources).items():
        for item in found:
            first = not item.continued
            head = " ".join(t for t in (item.caption, item.label) if t)
            for para in item.paragraphs:
                sents = [t for t in split_sentences(para) if not t.startswith("#")]  # headings are no evidence
                for i, sent in enumerate(sents):
                    if len(_WORD.findall(sent)) < MIN_EVIDENCE_WORDS - bool(numbers(sent)):
                        continue
                    lo = max(0, i - WINDOW_SIDE)
                    body = " ".join(sents[lo: i + WINDOW_SIDE + 1])
                    lead = "" if not head else head + (" " if first and lo == 0 else " … ")
                    out.append(Window(n, sent, lead + body, item.label, named[n]))
                first = first and not sents
    return out


class _Vectors:
    """Embeddings of the texts one check needs, each computed once."""

    def __init__(self, embed: Embed | None) -> None:
        self.embed, self.cache = embed, {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray | None:
        if self.embed is None:
            return None
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            self.cache.update(zip(todo, self.embed(todo)))
        return np.stack([self.cache[t] for t in texts]) if texts else None


@dataclass
class _Context:
    """What one check of one answer shares: the passages, their embeddings, the file-name words."""

    windows: list[Window]
    vectors: _Vectors
    exclude: set[str]


def _context(sources: Sequence[Source], embed: Embed | None) -> _Context:
    return _Context(source_windows(sources), _Vectors(embed), file_name_terms(sources))


def _terms(text: str) -> set[str]:
    return content_words(text) | numbers(text)


def _query_terms(query: str, exclude: set[str]) -> set[str]:
    """The query's terms, plus adjacent words joined ("group names" also finds "groupnames"), less the words
    that only name the source files (they say which document, which retrieval already decided)."""
    words = [w for w in _WORD.findall(query.lower()) if w not in STOP]
    joined = {_stem(a + b) for a, b in zip(words, words[1:])}
    return (_terms(query) | joined) - exclude


def _word_terms(text: str) -> set[str]:
    """Terms and every word, stemmed, so that option names and short words match too."""
    return _terms(text) | {_stem(word) for word in _WORD.findall(text.lower())}


def _label_terms(label: str) -> set[str]:
    """A label's terms; an option name in CamelCase adds its parts ("SpeedMeterIntervalSec=" is about an
    interval), so a question in plain words finds the setting it describes."""
    parts = {_stem(p) for w in _WORD.findall(label) if not w.islower() and not w.isupper()
             for p in _CAMEL_PART.findall(w) if len(p) > 2 and p.lower() not in STOP}
    return _word_terms(label) | parts


def file_name_terms(sources: Sequence[Source]) -> set[str]:
    return {t for s in sources for t in _terms(re.sub(r"[._]", " ", s.path.rsplit("/", 1)[-1]))}


def rank_windows(query: str, windows: list[Window], vectors: _Vectors, weight: float = RANK_LEXICAL_WEIGHT,
                 bonus: np.ndarray | None = None, exclude: set[str] = frozenset()) -> list[tuple[float, Window]]:
    """Passages by relevance to `query`: IDF-weighted word overlap of the passage, again of its own sentence
    (SENTENCE_WEIGHT) and of its item's label (LABEL_BONUS), plus `bonus`; rare words such as option names
    count most, and this pre-selects; then combined with embedding similarity."""
    if not windows:
        return []
    terms = [_word_terms(w.text) for w in windows]
    wanted = _query_terms(query, exclude) or _terms(query)
    df = {t: sum(t in ts for ts in terms) for t in wanted}
    wanted = {t for t in wanted if df[t]} or wanted  # a term no passage holds tells no passage apart
    idf = {t: float(np.log((len(windows) + 1) / (df[t] + 1)) + 1.0) for t in wanted}
    total = sum(idf.values()) or 1.0

    def share(term_sets: list[set[str]]) -> np.ndarray:
        return np.array([sum(idf[t] for t in wanted & ts) / total for ts in term_sets], dtype=np.float32)

    lex = share(terms) + SENTENCE_WEIGHT * share([_word_terms(w.sentence) for w in windows]) \
        + LABEL_BONUS * share([_label_terms(w.label) for w in windows])
    if bonus is not None:
        lex = lex + bonus
    top = np.argsort(-lex, kind="stable")[:MAX_EVIDENCE_CANDIDATES]
    vecs = vectors([windows[i].text for i in top])
    scores = lex[top]
    if vecs is not None:
        q = vectors([query])[0]
        scores = weight * scores + (1 - weight) * (vecs @ q)
    order = np.argsort(-scores, kind="stable")
    return [(float(scores[j]), windows[int(top[j])]) for j in order]


def answering_passages(question: str, windows: list[Window], vectors: _Vectors,
                       exclude: set[str] = frozenset()) -> list[tuple[float, Window]]:
    """Passages by how well they answer the question: relevance plus the answer-shape bonus. The evidence shown
    first rests on the first of these, a yes/no answer on `_yes_no_passage`, the main claim on the first of
    `in_named_file`."""
    bonus = answer_shape_bonus(question, windows)
    named = named_file_bonus(question, windows)
    if named is not None:
        bonus = named if bonus is None else bonus + named
    return rank_windows(question, windows, vectors, bonus=bonus, exclude=exclude)


def in_named_file(question: str, ranked: list[tuple[float, Window]]) -> list[tuple[float, Window]]:
    """Only the passages of a file the question names in full ("pr's default page length": pr.1, not a number
    from termios; "SHA crypt" does not name des_crypt.3), when some but not all passages are of such a file.
    The evidence shown keeps the other files: restricting it too lost 4 right answers of answer_qa.jsonl."""
    named = _of_named_file(question, [w for _, w in ranked], whole=True)
    return ranked if named is None else [r for r, keep in zip(ranked, named) if keep]


def _of_named_file(question: str, windows: list[Window], whole: bool) -> list[bool] | None:
    """Which windows are of a file the question names (every word of the file's name when `whole`, any word
    otherwise); None when it names none of them or all of them."""
    asked = content_words(question)
    named = [bool(w.file_terms) and (w.file_terms <= asked if whole else bool(w.file_terms & asked))
             for w in windows]
    return named if any(named) and not all(named) else None


def named_file_bonus(question: str, windows: list[Window]) -> np.ndarray | None:
    """Passages of the file the question names rank higher ("How many columns does fold use?": fold.1), over
    other retrieved files that answer a like question. None when the question names none or all of them."""
    named = _of_named_file(question, windows, whole=False)
    return None if named is None else NAMED_FILE_BONUS * np.array(named, dtype=np.float32)


def support(claim: str, window: Window, vectors: _Vectors, weight: float, question: str = "") -> float:
    """How well one window states the claim: weighted lexical overlap and embedding similarity. Words the
    claim only repeats from the question need no support (its facts still do)."""
    echoed = content_words(question) | _ANSWER_FRAME
    own = _WORD.sub(lambda m: "" if _stem(m.group(0)) in echoed else m.group(0), claim)  # "1024:524288" stays whole
    lex = lexical_overlap(own, window.text) if (content_words(own) or numbers(own)) else 1.0
    vecs = vectors([claim, window.text])
    return lex if vecs is None else float(weight * lex + (1 - weight) * (vecs[1] @ vecs[0]))


def _claim_check(sentence: str, claim: str, question: str, windows: list[Window], vectors: _Vectors,
                 cfg: CheckConfig, cites: list[int], main: bool, exclude: set[str] = frozenset()) -> SentenceCheck:
    if main and question:  # the answer must rest on the passages that answer the question, not on any match
        ranked = in_named_file(question, answering_passages(question, windows, vectors, exclude))
    else:
        ranked = rank_windows(f"{claim} {question}".strip(), windows, vectors, exclude=exclude)
    ranked = ranked[:MAIN_CLAIM_WINDOWS if main and question else CLAIM_WINDOWS]
    best = max(((support(claim, w, vectors, cfg.lexical_weight, question), w) for _, w in ranked),
               key=lambda x: x[0], default=(0.0, None))
    score, window = best
    if window is None:
        return SentenceCheck(sentence, False, None, "", 0.0, sorted(facts(claim)), cites, "no source text to check")
    missing = missing_facts(claim, window.text, question)
    reason = ""
    if main and question and only_repeats(claim, question):
        reason = "it only repeats the question"
    elif missing:
        reason = "not in the passage it rests on: " + ", ".join(missing)
    elif score < cfg.threshold and not (main and question and _gives_stated_default(claim, question, window)):
        reason = "the sources do not say this"
    elif main and question and (missed := _missed_default(claim, question, window, ranked[0][1])):
        reason = missed
    elif main and question and _DEFAULT_QUESTION.search(question) and not YES_NO_QUESTION.search(question) \
            and _names_both_ways(claim):
        reason = "it names both values and commits to neither"
    elif main and question and (choice := _other_choice(claim, question, window)):
        reason = f"the passage it rests on gives {choice}"
    elif main and question and _QUANTITY_QUESTION.search(question) and not numbers(claim) \
            and not _MONTH_OR_DAY.search(claim):
        reason = "it does not give the number the question asks for"
    return SentenceCheck(sentence, not reason, window.source, window.sentence, round(score, 4), missing, cites,
                         reason)


_NUMBERED_CHOICE = re.compile(r"\b(\d+)\s+(?:for|=|means)\s+([A-Za-z][\w-]*)")  # "0 for none, 1 for realtime"


def _other_choice(claim: str, question: str, window: Window) -> str | None:
    """In a list of numbered choices ("0 for none, 1 for realtime, 2 for best-effort, 3 for idle"), the one
    the question names, when the claim gives a number that is not its number ("1" for the idle class)."""
    pairs = [(n, _stem(word.lower())) for n, word in _NUMBERED_CHOICE.findall(window.sentence)]
    asked = content_words(question)
    named = {(n, word) for n, word in pairs if word in asked}
    given = numbers(claim)
    if len(pairs) < 2 or len(named) != 1 or not given:
        return None
    n, word = named.pop()
    return None if n in given else f"{n} for {word}"


def _other_default(claim: str, question: str, text: str) -> str | None:
    """For "what is the default …": the default the text states, when the claim misses it (its numbers, or
    the named value's words that the question does not say; a number where a name is the default, "1024" for
    "the unit … is byte", misses it too unless the question asks for a number). Of a list of defaults ("… are
    respectively 100000, 600100000 and 65536"), the one of the setting the question names."""
    if not _DEFAULT_QUESTION.search(question):
        return None
    if numbers(claim):
        default = respective_default(question, text) or stated_default_number(text)
        if default is not None:
            return default if not numbers(default) <= numbers(claim) else None
        if _QUANTITY_QUESTION.search(question):
            return None
    default = stated_default_name(text)
    if not default:
        return None
    asked, said = content_words(question), content_words(claim)
    named = content_words(default) - asked
    plural = content_words(" ".join(w + "s" for w in _WORD.findall(default))) - asked  # "bytes" stems to "byt"
    return default if named and not (named <= said or plural <= said) else None


def _gives_stated_default(claim: str, question: str, window: Window) -> bool:
    """For "what is the default …": the claim's number is the default its passage states, in the same unit
    when the passage gives one, so words around it need no support ("The default value is 512 bytes." against
    "(Integer; default: 512; …)"; not "1us" against "Defaults to 1min")."""
    if not _DEFAULT_QUESTION.search(question) or len(numbers(claim)) != 1:
        return False
    default = (respective_default(question, window.sentence) or stated_default_number(window.sentence)
               or stated_default_number(window.text))
    if default is None or numbers(claim) != numbers(default):
        return False
    (n,) = numbers(claim)
    stated = _units_of(n, window.text) - {None}
    return not stated or _units_of(n, claim) <= stated


def _units_of(n: str, text: str) -> set[str | None]:
    """The units written after the number `n` in the text ("min" in "1min", "second" for "sec"), known ones
    under one name; None for a bare number."""
    units = set()
    for m in _QUANTITY.finditer(text):
        if _number_value(m.group(1)) == n:
            word = (m.group(2) or "").lower()
            units.add(_UNITS.get(word, word) or None)
    return units


def _missed_default(claim: str, question: str, window: Window, top: Window) -> str:
    """Why the claim misses the default asked for: the one its own sentence states, else, when that sentence
    states none, the one the passage that best answers the question states ("use ACTION to process it"
    answers no "which ACTION by default" when the next sentence says "By default, ACTION is read")."""
    if found := _other_default(claim, question, window.sentence):
        return f"the passage it rests on says the default is {found}"
    if _STATES_DEFAULT.search(window.sentence):
        return ""
    found = _other_default(claim, question, top.sentence if _STATES_DEFAULT.search(top.sentence) else top.text)
    return f"the passage that answers the question says the default is {found}" if found else ""


def _names_both_ways(claim: str) -> bool:
    """"--direct-io[on|off]" or "on or off" commits to neither value."""
    said = {w.lower() for w in _WORD.findall(claim)}
    return any(set(pair) <= said for pair in BOOLEAN_PAIRS)


def _yes_no_check(sentence: str, claim: str, question: str, windows: list[Window], ctx: _Context,
                  cites: list[int]) -> SentenceCheck | None:
    """A "Yes" or "No" to a yes/no question, against the default stated by the passage that answers the
    question; None when the claim is no yes/no or the passage states no default for the setting asked about."""
    said = answer_polarity(claim)
    if said is None or not YES_NO_QUESTION.search(question):
        return None
    found = _yes_no_passage(question, answering_passages(question, windows, ctx.vectors, ctx.exclude), ctx)
    if found is None:
        return None
    window, expected = found
    evidence = window.sentence if stated_default_boolean(window.sentence) is not None else window.text
    agrees = said == expected
    return SentenceCheck(sentence, agrees, window.source, evidence, 1.0 if agrees else 0.0, [], cites,
                         "" if agrees else f"the passage it rests on says {'yes' if expected else 'no'}")


def _yes_no_passage(question: str, ranked: list[tuple[float, Window]], ctx: _Context) -> tuple[Window, bool] | None:
    """The best-ranked of the first YES_NO_PASSAGES answering passages that says yes or no to the question
    (a stated default of the setting it names, or a sentence marking what is done by default that holds all
    its words), with what it says; None when none does."""
    for _, window in ranked[:YES_NO_PASSAGES]:
        expected = expected_answer(question, window.text, content_words, frozenset(ctx.exclude), window.label)
        if expected is not None:
            return window, expected
    return None


def only_repeats(claim: str, question: str) -> bool:
    """A claim that names nothing the question did not ("FinalKillSignal= is the default.") answers no
    "what / which / how" question. Yes/no and either-or questions are answered by repeating their words."""
    if YES_NO_QUESTION.search(question) or _CHOICE_QUESTION.search(question):
        return False

    def said(text: str) -> set[str]:
        return {_stem(w) for w in _WORD.findall(text.lower())} - _FILLER

    return said(claim) <= said(question)


def check_sentences(answer: str, sources: Sequence[Source], embed: Embed | None,
                    cfg: CheckConfig | None = None, question: str = "", ctx: _Context | None = None,
                    ) -> list[SentenceCheck]:
    """One verdict per answer sentence, with the source sentence that supports it best. With the question,
    the passage a sentence rests on is found with the question's words too, and the first claim must answer
    it (a number for "how many")."""
    cfg = cfg or CheckConfig()
    ctx = ctx or _context(sources, embed)
    known = {s.n for s in sources}
    out, main_done = [], False
    for sentence in split_sentences(answer):
        claim = strip_citations(sentence)
        cites = [n for n in citations(sentence) if n in known]
        scope = [w for w in ctx.windows if w.source in cites] or ctx.windows
        verdict = None if main_done or not question else _yes_no_check(sentence, claim, question, scope, ctx, cites)
        if verdict is not None:
            out.append(verdict)
            main_done = True
            continue
        if not (content_words(claim) or numbers(claim)):  # "Yes." or a bare citation: nothing to check…
            answers = main_done or not question  # …but as the first sentence it answers nothing
            out.append(SentenceCheck(sentence, answers, cites[0] if cites else None, "", 1.0 if answers else 0.0, [],
                                     cites, "" if answers else "it does not answer the question"))
            main_done = True
            continue
        out.append(_claim_check(sentence, claim, question, scope, ctx.vectors, cfg, cites, not main_done,
                                ctx.exclude))
        main_done = True
    return out


def main_claim(checks: list[SentenceCheck]) -> SentenceCheck | None:
    """The first sentence (the one a reader takes as the answer)."""
    return checks[0] if checks else None


def answer_shape_bonus(question: str, windows: list[Window]) -> np.ndarray | None:
    """Passages shaped like the answer rank higher: for "how many / how long / when / which port" questions
    those holding a number (a duration for "how long"); for "what is the default …" those whose sentence
    states a default."""
    quantity = bool(_QUANTITY_QUESTION.search(question))
    default = bool(_DEFAULT_QUESTION.search(question))
    if not (quantity or default):
        return None
    duration = bool(_DURATION_QUESTION.search(question))
    bonus = np.zeros(len(windows), dtype=np.float32)
    for i, w in enumerate(windows):
        if quantity and (numbers(w.text) or _MONTH_OR_DAY.search(w.text)) and \
                (not duration or _DURATION.search(w.text)):
            bonus[i] += QUANTITY_BONUS
        if default and _STATES_DEFAULT.search(w.sentence):
            bonus[i] += DEFAULT_BONUS
        elif default and _STATES_DEFAULT.search(w.text):  # a neighbour states it: "… ignored. Defaults to 10sec."
            bonus[i] += NEIGHBOUR_DEFAULT_BONUS
    return bonus


def evidence_for(question: str, sources: Sequence[Source], embed: Embed | None,
                 ctx: _Context | None = None) -> Evidence | None:
    """The passage that best answers the question (for leading with the evidence): for a yes/no question the
    one that says yes or no, when one of the first few does."""
    ctx = ctx or _context(sources, embed)
    ranked = answering_passages(question, ctx.windows, ctx.vectors, ctx.exclude)
    if not ranked:
        return None
    score, w = ranked[0]
    if YES_NO_QUESTION.search(question) and (found := _yes_no_passage(question, ranked, ctx)):
        w = found[0]
        score = next(s for s, other in ranked if other is w)
    text = w.text if len(w.text) <= MAX_EVIDENCE_CHARS else w.text[:MAX_EVIDENCE_CHARS].rsplit(" ", 1)[0] + " …"
    return Evidence(text, w.source, round(score, 4))


def check_answer(answer: str, question: str, sources: Sequence[Source], embed: Embed | None,
                 cfg: CheckConfig | None = None) -> tuple[list[SentenceCheck], Evidence | None]:
    """The sentence checks, and the evidence to lead with when the main claim fails; the passages are split
    and embedded once for both."""
    ctx = _context(sources, embed)
    checks = check_sentences(answer, sources, embed, cfg, question, ctx)
    claim = main_claim(checks)
    lead = evidence_for(question, sources, embed, ctx) if claim is not None and not claim.supported else None
    return checks, lead
