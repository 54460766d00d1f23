"""Which passage of the sources answers a question. Sources are cut into passages (a sentence with its
neighbours, led by the label of the item it belongs to: engine/passages.py) and ranked by IDF-weighted word
overlap, again of their own sentence and of their label, and embedding similarity; passages shaped like the
answer (a number for "how many", a stated default for "what is the default …") and those of the file the
question names rank higher."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath
from typing import Callable, Sequence

import numpy as np

from engine.claim_text import STOP, WORD, content_words, numbers, split_sentences, stem
from engine.defaults import label_default
from engine.passages import source_items
from engine.prompting import Source

MAX_EVIDENCE_CANDIDATES = 16  # passages embedded per claim, after a lexical pre-selection
RANK_LEXICAL_WEIGHT = 0.5  # passages are ranked by 0.5 × IDF-weighted overlap + 0.5 × embedding similarity
LABEL_BONUS = 1.0  # × the IDF share of the question's terms in the item's label: it defines what is asked
WINDOW_SIDE = 1  # sentences on each side of a source sentence in its passage
MIN_EVIDENCE_WORDS = 3  # 2 when one is a number, or the label is: "blocksize = 4096", "64 partial success"
SENTENCE_WEIGHT = 0.5  # the passage's own sentence counts again: of two passages sharing a sentence, the one
#                        centred on the sentence that holds the asked-for term ranks first
QUANTITY_BONUS = 0.3  # evidence for "how long / how many / when / which port" questions should hold a number
SECTION_REF = re.compile(r"(?<=[\w-])\(\d[a-z]*\)")  # "git-config(1)", "readline(3readline)": no quantity
DEFAULT_BONUS = 0.6  # evidence for "what is the default …" should state one
NEIGHBOUR_DEFAULT_BONUS = 0.3  # … or hold a sentence that does, beside the one that matches the question
NAMED_FILE_BONUS = 0.3  # a passage of the file whose name the question says
# "What command does xargs run when none is given?" asks for a default too
DEFAULT_QUESTION = re.compile(r"\bdefaults?\b|"
                              r"\b(?:when|if)\s+(?:none|nothing|no\s+\w+)\s+is\s+(?:given|specified|set)\b|"
                              r"\b(?:when|if)\s+(?:it\s+is\s+)?(?:omitted|not\s+(?:given|specified|set))\b|"
                              r"\b(?:when|if)\s+(?:the\s+)?[\w./-]+(?:\s+[\w./-]+)?\s+is\s+(?:unset|not\s+set)\b",
                              re.I)  # "when console_log_format is unset", "when the builds timeout is unset"
# "The default timeout is 5 minutes", "Defaults to 6", "with a default of 6", "(the default)", "the default being
# the latter"
STATES_DEFAULT = re.compile(r"\bdefault(s|ed)?\b([ \t]+[\w=.-]+){0,3}?[ \t]+(is|are|to|was|being)\b|"
                            r"\bdefault(s|ed|ing)? to\b|\bdefault of\b|\bdefault values? (?:for|of)\b|\bby default\b|"
                            r"\(the default\)|\bdefault:|\bdefault\s+-?\d|"  # "Default 16 (-i: 12, -ps: 30)"
                            r"\bis the default\b", re.I)
QUANTITY_QUESTION = re.compile(  # "when" only as the question word: "which shell, when none is given?" is no date,
    r"^\W*when\b(?![^?]*,\s*(?:what|which|who|where|how|is|are|does|do)\b)|"  # nor "When …, what is …?"
    r"\b(how (long|many|much|often|old|far|big|large|high|tall|wide|hot|cold|fast|deep|heavy)|"
    r"what (time(?!\s+zones?\b)|year|date|day|port|number|size|temperature|percentage|speed|version|limit|value)|"
    r"which (year|port|number|day|date|version))\b", re.I)
_CAMEL_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_DURATION_QUESTION = re.compile(r"\bhow often\b|\bhow long (does|do|did|will|should|would|to|until|before|after|"
                                r"is it|takes?|must|can)\b", re.I)
_DURATION = re.compile(r"\b(second|minute|hour|day|week|month|year|night|overnight|ms|sec|min)s?\b|"
                       r"\d(us|ms|s|sec|min|h|d)\b", re.I)  # "90s", "100ms", "1min", "2h" too
MONTH_OR_DAY = re.compile(r"\b(January|February|March|April|May|June|July|August|September|October|November|"
                          r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")

# A command's usage line ("git hash-object [-t <type>] [-w] --stdin-paths [--no-filters]") shows how it is typed,
# not what it does: it holds the question's words but answers nothing.
_USAGE_TOKEN = re.compile(r"^[\[<{|-]|[\]>}]$|(?:\.\.\.|…)$")  # an option, a placeholder, a bracket, "<file>..."
# "chcpu has the following exit status values:" only announces the list that holds the answer
_ANNOUNCES_LIST = re.compile(r"\b(?:the\s+following|as\s+follows)\b[^.;]*:$", re.I)
# A passage that is only a caption announces what follows it: "Example 1. German locale with English messages"
_CAPTION = re.compile(r"^(?:Example|Figure|Table|Listing)\s+\d+[.:]?(?:\s+[^.:;]*)?$")
# A page's running header repeats its title on both sides: "SYNC(1)    User Commands    SYNC(1)"
_RUNNING_HEADER = re.compile(r"^(\S+)\s+\S.*\s\1$")
# "Who wrote sync?", "Who is the author of ldattach?" ask for the passage that names the authors
AUTHOR_QUESTION = re.compile(r"^\W*who\b.*\b(?:wrote|writes|written|authored|authors?|created|developed|"
                             r"maintains|maintained)\b", re.I)
_NAMES_AUTHOR = re.compile(r"\b(?:written|developed|created|maintained|authored)\s+by\b|\bauthors?\b", re.I)
_AUTHOR_SECTION = re.compile(r"^authors?\b", re.I)  # "Tilman Schmidt <tilman@imap.cc>" under "# AUTHORS"
AUTHOR_BONUS = 0.6  # evidence for "who wrote …" should name the authors ("Written by Jim Meyering and …")
# "name=value" in a passage: "LANG=de_DE.UTF-8", "fsck.extraHeaderEntry=ignore" ("LANG=," assigns nothing)
_ASSIGNMENT = re.compile(r"(?<![\w.$-])([A-Za-z_][\w.-]*)=([^\s,;]*[^\s,;.])")
VALUE_QUESTION = re.compile(r"\bvalues?\b|\bset\s+to\b", re.I)  # "What value of LANG …", "… is X set to?"
ASSIGNMENT_BONUS = 0.3  # evidence for "what value of LANG …" should assign LANG one
MIN_USAGE_TOKENS = 2
USAGE_SHARE = 0.5  # of a usage line's words, at least this share are options, placeholders or brackets

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
    section: str = ""  # the heading it sits under in its source ("AUTHORS"), when the source shows one

    # The words `rank_windows` matches, kept: every ranking of one check reads the same passages (the
    # whole-file check thousands).
    @cached_property
    def text_terms(self) -> frozenset[str]:
        return frozenset(_word_terms(self.text))

    @cached_property
    def sentence_terms(self) -> frozenset[str]:
        return frozenset(_word_terms(self.sentence))

    @cached_property
    def label_terms(self) -> frozenset[str]:
        return frozenset(_label_terms(self.label))

    @cached_property
    def answers_nothing(self) -> bool:
        """Its sentence is a usage line, a running header, a caption, or only announces a list (see
        `answering_passages`); a line that announces a list and states a default does answer ("The option can have
        the following values, defaulting to group if no value is given:")."""
        if usage_line(self.sentence) or _RUNNING_HEADER.match(self.sentence) or _CAPTION.match(self.text):
            return True
        return bool(_ANNOUNCES_LIST.search(self.sentence)) and not STATES_DEFAULT.search(self.sentence)

    @property
    def body_sentences(self) -> list[str]:
        """The sentences of its text, less the item's label, which belongs to every sentence alike."""
        return split_sentences(self.text.removeprefix(self.label))

    @cached_property
    def assignments(self) -> tuple[tuple[str, str], ...]:
        """The (name, value) pairs its text assigns ("LANG=de_DE.UTF-8"), read once per passage."""
        return tuple(_ASSIGNMENT.findall(self.text))


def source_windows(sources: Sequence[Source]) -> list[Window]:
    """Every sentence of the sources as a passage (headings and sentences too short to show skipped)."""
    out = []
    named = {s.n: frozenset(content_words(re.sub(r"[._-]", " ", PurePath(s.path).stem))) for s in sources}
    for n, found in source_items(sources).items():
        section = ""
        for item in found:
            first = not item.continued
            head = " ".join(t for t in (item.caption, item.label) if t)
            for para in item.paragraphs:
                if para.startswith("#"):
                    section = para.split("\n", 1)[0].lstrip("#").strip()
                sents = [t for t in split_sentences(para) if not t.startswith("#")]  # headings are no evidence
                for i, sent in enumerate(sents):
                    if len(WORD.findall(sent)) < MIN_EVIDENCE_WORDS - bool(numbers(sent) or numbers(item.label)):
                        continue
                    lo = max(0, i - WINDOW_SIDE)
                    body = " ".join(sents[lo: i + WINDOW_SIDE + 1])
                    lead = "" if not head else head + (" " if first and lo == 0 else " … ")
                    out.append(Window(n, sent, lead + body, item.label, named[n], section))
                first = first and not sents
    return out


class Vectors:
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
class CheckContext:
    """What one check of one answer shares: the passages, their embeddings, the file-name words."""

    windows: list[Window]
    vectors: Vectors
    exclude: set[str]
    paths: dict[int, str] = field(default_factory=dict)  # each source's file, by source number

    def of_files_cited(self, cites: Sequence[int]) -> list[Window]:
        """The passages of the files these citations point to (a citation stands for its file: the check may
        read more of it than the model saw, engine/wider_check.py)."""
        files = {self.paths.get(n) for n in cites}
        return [w for w in self.windows if self.paths.get(w.source) in files]


def check_context(sources: Sequence[Source], embed: Embed | None, vectors: Vectors | None = None) -> CheckContext:
    """`vectors` may come from an earlier check of the same answer, so no text is embedded twice."""
    return CheckContext(source_windows(sources), vectors or Vectors(embed), file_name_terms(sources),
                        {s.n: s.path for s in sources})


def _terms(text: str) -> set[str]:
    """Its stemmed content words and numbers; a plural in "-es" also as the word with its "e" ("increases" also
    finds "increase", which `stem` cuts apart), for ranking only: the checks' own word match stays strict."""
    return content_words(text) | numbers(text) | {m.group(1).lower() for m in _E_PLURAL.finditer(text)}


_E_PLURAL = re.compile(r"\b([A-Za-z]{3,}e)s\b")


def _query_terms(query: str, exclude: set[str]) -> set[str]:
    """The query's terms, plus adjacent words joined ("group names" also finds "groupnames"), less the words
    that only name the source files (they say which document, which retrieval already decided)."""
    words = [w for w in WORD.findall(query.lower()) if w not in STOP]
    joined = {stem(a + b) for a, b in zip(words, words[1:])}
    return (_terms(query) | joined) - exclude


def _word_terms(text: str) -> set[str]:
    """Terms and every word, stemmed, so that option names and short words match too."""
    return _terms(text) | {stem(word) for word in WORD.findall(text.lower())}


def _label_terms(label: str) -> set[str]:
    """A label's terms; an option name in CamelCase adds its parts ("SpeedMeterIntervalSec=" is about an
    interval), so a question in plain words finds the setting it describes."""
    parts = {stem(p) for w in WORD.findall(label) if not w.islower() and not w.isupper()
             for p in _CAMEL_PART.findall(w) if len(p) > 2 and p.lower() not in STOP}
    return _word_terms(label) | parts


def file_name_terms(sources: Sequence[Source]) -> set[str]:
    return {t for s in sources for t in _terms(re.sub(r"[._]", " ", s.path.rsplit("/", 1)[-1]))}


def rank_windows(query: str, windows: list[Window], vectors: Vectors, weight: float = RANK_LEXICAL_WEIGHT,
                 bonus: np.ndarray | None = None, exclude: set[str] = frozenset(),
                 skip: Sequence[bool] | None = None) -> list[tuple[float, Window]]:
    """Passages by relevance to `query`: IDF-weighted word overlap of the passage, again of its own sentence
    (SENTENCE_WEIGHT) and of its item's label (LABEL_BONUS), plus `bonus`; rare words such as option names
    count most, and this pre-selects; then combined with embedding similarity. Passages marked in `skip` are
    not ranked but still count in the IDF, so leaving them out moves no other passage's score."""
    if not windows:
        return []
    terms = [w.text_terms for w in windows]
    wanted = _query_terms(query, exclude) or _terms(query)
    df = {t: sum(t in ts for ts in terms) for t in wanted}
    wanted = {t for t in wanted if df[t]} or wanted  # a term no passage holds tells no passage apart
    idf = {t: float(np.log((len(windows) + 1) / (df[t] + 1)) + 1.0) for t in wanted}
    total = sum(idf.values()) or 1.0

    def share(term_sets: list[frozenset[str]]) -> np.ndarray:
        return np.array([sum(idf[t] for t in wanted & ts) / total for ts in term_sets], dtype=np.float32)

    lex = share(terms) + SENTENCE_WEIGHT * share([w.sentence_terms for w in windows]) \
        + LABEL_BONUS * share([w.label_terms for w in windows])
    if bonus is not None:
        lex = lex + bonus
    ranked = np.argsort(-lex, kind="stable")
    if skip is not None:
        ranked = ranked[~np.asarray(skip, dtype=bool)[ranked]]
    top = ranked[:MAX_EVIDENCE_CANDIDATES]
    vecs = vectors([windows[i].text for i in top])
    scores = lex[top]
    if vecs is not None:
        q = vectors([query])[0]
        scores = weight * scores + (1 - weight) * (vecs @ q)
    order = np.argsort(-scores, kind="stable")
    return [(float(scores[j]), windows[int(top[j])]) for j in order]


def answering_passages(question: str, windows: list[Window], vectors: Vectors,
                       exclude: set[str] = frozenset()) -> list[tuple[float, Window]]:
    """Passages by how well they answer the question: relevance plus the answer-shape bonus; a usage line, a
    running header, a caption or a line that announces a list answers nothing, while any other passage is left.
    The evidence shown first rests on the first of these, a yes/no answer on the first of the top few that says
    yes or no, the main claim on the first of `in_named_file` (engine/checks.py)."""
    skip = [w.answers_nothing for w in windows]
    bonus = answer_shape_bonus(question, windows)
    named = named_file_bonus(question, windows)
    if named is not None:
        bonus = named if bonus is None else bonus + named
    return rank_windows(question, windows, vectors, bonus=bonus, exclude=exclude, skip=None if all(skip) else skip)


def usage_line(sentence: str) -> bool:
    """A command's usage or an example of one, not a statement: no stop word, and options with their arguments,
    placeholders and brackets make up USAGE_SHARE of its words or more ("[--stdin [--literally]] [--] <file>...",
    "openssl nseq -in certs.pem -toseq -out nseq.pem"; not "-t <type> Specify the type")."""
    tokens = sentence.split()
    if any(w.lower() in STOP for w in WORD.findall(sentence)):
        return False
    marked = [bool(_USAGE_TOKEN.search(t)) for t in tokens]
    argued = sum(m or (i > 0 and tokens[i - 1].startswith("-")) for i, m in enumerate(marked))  # "-in certs.pem"
    return sum(marked) >= MIN_USAGE_TOKENS and argued >= USAGE_SHARE * len(tokens)


def names_in(question: str) -> set[str]:
    """The words of a question that could name a setting ("LANG", "fsck.extraHeaderEntry")."""
    return set(re.findall(r"[A-Za-z_][\w.-]*", question))


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


def answer_shape_bonus(question: str, windows: list[Window]) -> np.ndarray | None:
    """Passages shaped like the answer rank higher: for "how many / how long / when / which port" questions
    those holding a number (a duration for "how long"); for "what is the default …" those whose sentence
    states a default, or whose label states the default of the setting asked about ("prompt-items (250)"); for
    "who wrote …" those that name authors; for "what value of LANG …" those that assign LANG one."""
    quantity = bool(QUANTITY_QUESTION.search(question))
    default = bool(DEFAULT_QUESTION.search(question))
    author = bool(AUTHOR_QUESTION.search(question))
    asked_names = names_in(question) if VALUE_QUESTION.search(question) else set()
    if not (quantity or default or author or asked_names):
        return None
    duration = bool(_DURATION_QUESTION.search(question))
    bonus = np.zeros(len(windows), dtype=np.float32)
    for i, w in enumerate(windows):
        if quantity and (numbers(SECTION_REF.sub("", w.text)) or MONTH_OR_DAY.search(w.text)) and \
                (not duration or _DURATION.search(w.text)):
            bonus[i] += QUANTITY_BONUS
        if default and (STATES_DEFAULT.search(w.sentence) or label_default(w.label, question)):
            bonus[i] += DEFAULT_BONUS  # the sentence states a default, or the label the asked setting's
        elif default and STATES_DEFAULT.search(w.text):  # a neighbour states it: "… ignored. Defaults to 10sec."
            bonus[i] += NEIGHBOUR_DEFAULT_BONUS
        if author and (_NAMES_AUTHOR.search(w.text) or _AUTHOR_SECTION.match(w.section)):
            bonus[i] += AUTHOR_BONUS
        if any(name in asked_names for name, _ in w.assignments):
            bonus[i] += ASSIGNMENT_BONUS
    return bonus
