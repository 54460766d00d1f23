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

What a sentence says (its words, numbers, names) is read by engine/claim_text.py; which passage answers the
question is ranked by engine/answering.py; what a passage states as a default by engine/defaults.py; yes/no
answers by engine/yes_no.py.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Callable, Sequence

from engine.answering import (AUTHOR_QUESTION, DEFAULT_QUESTION, MONTH_OR_DAY, QUANTITY_QUESTION, SECTION_REF,
                              STATES_DEFAULT, VALUE_QUESTION, CheckContext, Embed, Vectors, Window,
                              answering_passages, check_context, in_named_file, names_in, rank_windows)
from engine.claim_text import (LINE_END_HYPHENS, NAME_STOP, STOP, UNITS, WORD, citations, content_words, facts,
                               first_number, lexical_overlap, mend_copied_hyphenation, missing_facts, numbers,
                               quantities, quantity_words, split_sentences, stem, strip_citations)
from engine.defaults import (BOOLEAN_PAIRS, boolean_value, label_default, respective_default,
                             stated_default_boolean, stated_default_name, stated_default_number,
                             stated_default_numbers)
from engine.prompting import Source
from engine.yes_no import STATES_CONDITION, YES_NO_QUESTION, after_yes_or_no, answer_polarity, expected_answer

MAIN_CLAIM_WINDOWS = 1  # the main claim rests on the passage that best answers the question: the evidence
CLAIM_WINDOWS = 3  # best-ranked passages a claim may rest on
# Answering passages a yes/no answer may rest on: the first may be cut mid-sentence at its chunk's end, or
# describe a setting with a longer name ("RequiredFamilyForOnline=" for "RequiredForOnline=").
YES_NO_PASSAGES = 3
ASSIGNMENT_PASSAGES = 3  # answering passages that may assign the name a question asks the value of
DEFAULT_PASSAGES = 3  # answering passages the default a claim names may be stated in (the first may only name it)
MAX_EVIDENCE_CHARS = 400
# Reasons a claim fails for want of evidence (as against a passage that says otherwise).
MISSING = "not in the passage it rests on"
NOT_SAID = "the sources do not say this"
NO_TEXT = "no source text to check"
NO_ANSWER = "it does not answer the question"
_CHOICE_QUESTION = re.compile(r"\bwhich of\b|\bor\b", re.I)  # "which of noauto and auto": the answer repeats
# Words that say nothing by themselves; "on", "off", "no", "none" and the like are answers, so not among them.
_FILLER = STOP - {"on", "off", "yes", "no", "not", "all", "any", "both", "either", "neither", "once", "up", "down",
                  "more", "less", "most", "least", "same", "only", "before", "after", "over", "under"}
# Words that only frame an answer ("The default value is 75 columns"): like the question's words, they need no
# support, so a source that says "(default of 75 columns)" supports the claim.
_ANSWER_FRAME = frozenset({"value", "setting", "option"})  # stemmed, as content_words gives them
_NAMES_NOTHING = _FILLER | _ANSWER_FRAME  # words an answer may add to the question's and still name nothing
_NUMBERED_CHOICE = re.compile(r"\b(\d+)\s+(?:for|=|means)\s+([A-Za-z][\w-]*)")  # "0 for none, 1 for realtime"
MIN_SHARED_WORDS = 2  # of the question's words, for a passage's sentence to be the one that answers it
_HOW_MANY = re.compile(r"\bhow\s+many\s+([A-Za-z]+)", re.I)
_COUNTED = re.compile(r"\bhow\s+many\s+((?:[\w-]+\s+){0,3}?[\w-]+)\s+(?:do|does|did|are|is|was|were|can|could|will|"
                      r"would|should|must|has|have|may|might)\b", re.I)  # "how many consecutive failed logins do"


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


def support(claim: str, window: Window, vectors: Vectors, weight: float, question: str = "") -> float:
    """How well one window states the claim: weighted lexical overlap and embedding similarity. Words the
    claim only repeats from the question need no support (its facts still do), nor words of the heading the
    window sits under."""
    echoed = content_words(question) | _ANSWER_FRAME
    own = WORD.sub(lambda m: "" if stem(m.group(0)) in echoed else m.group(0), claim)  # "1024:524288" stays whole
    said = f"{window.section}\n{window.text}"  # its heading says what it is ("AUTHORS" above "Rick Sladkey")
    lex = lexical_overlap(own, said) if (content_words(own) or numbers(own)) else 1.0
    vecs = vectors([claim, window.text])
    return lex if vecs is None else float(weight * lex + (1 - weight) * (vecs[1] @ vecs[0]))


def _claim_check(sentence: str, claim: str, question: str, windows: list[Window], vectors: Vectors,
                 cfg: CheckConfig, cites: list[int], main: bool, exclude: set[str] = frozenset()) -> SentenceCheck:
    if main and question:  # the answer must rest on the passages that answer the question, not on any match
        candidates = in_named_file(question, answering_passages(question, windows, vectors, exclude))
    else:
        candidates = rank_windows(f"{claim} {question}".strip(), windows, vectors, exclude=exclude)
    ranked = candidates[:MAIN_CLAIM_WINDOWS if main and question else CLAIM_WINDOWS]
    best = max(((support(claim, w, vectors, cfg.lexical_weight, question), w) for _, w in ranked),
               key=lambda x: x[0], default=(0.0, None))
    score, window = best
    if window is None:
        return SentenceCheck(sentence, False, None, "", 0.0, sorted(facts(claim)), cites, NO_TEXT)
    missing = missing_facts(claim, window.text, question)
    if missing and main and question and (stated := _passage_stating_claimed_number(claim, question, candidates)):
        window, score, missing = stated, 1.0, missing_facts(claim, stated.text, question)
    elif missing and main and question and (closer := _passage_closer_to_question(claim, question, candidates)):
        window, missing = closer, []
        score = support(claim, closer, vectors, cfg.lexical_weight, question)
    reason = ""
    if main and question and only_repeats(claim, question):
        reason = "it only repeats the question"
    elif missing:
        reason = f"{MISSING}: " + ", ".join(missing)
    elif score < cfg.threshold and not (main and question and _gives_value_it_rests_on(claim, question, window)):
        stated = _passage_stating_claimed_default(claim, question, candidates) if main and question else None
        if stated is None:
            reason = NOT_SAID
        else:
            window, score = stated, 1.0
    elif main and question and (missed := _missed_default(claim, question, window, ranked[0][1])):
        reason = missed
    elif main and question and DEFAULT_QUESTION.search(question) and not YES_NO_QUESTION.search(question) \
            and _names_both_ways(claim):
        reason = "it names both values and commits to neither"
    elif main and question and (choice := _other_choice(claim, question, window)):
        reason = f"the passage it rests on gives {choice}"
    elif main and question and QUANTITY_QUESTION.search(question) and not numbers(claim) \
            and not MONTH_OR_DAY.search(claim):
        reason = "it does not give the number the question asks for"
    elif main and question and (measured := _measure_for_count(claim, question, window)):
        reason = measured
    elif main and question and (asked := _value_in_asked_unit(claim, question, window)):
        reason = asked
    elif main and question and (none := _none_of_counted(claim, question, window)):
        reason = none
    elif main and question and (asked := _value_of_asking_sentence(claim, question, window)):
        reason = asked
    elif main and question and (paired := _number_of_other_condition(claim, question, window)):
        reason = paired
    elif main and question and (assigned := _other_assignment(claim, question, candidates[:ASSIGNMENT_PASSAGES])):
        reason = assigned
    if not reason and main and question and (kind := _asked_kind_not_named(claim, question, window)):
        reason = f"it names no {kind}"  # whatever supports it: "The default is …" does not answer "which option"
    return SentenceCheck(sentence, not reason, window.source, window.sentence, round(score, 4), missing, cites,
                         reason)


# "Which configuration variable …", "What environment variable …" are answered by a variable's name
_VARIABLE_QUESTION = re.compile(r"^\W*(?:which|what)\s+(?:[\w-]+\s+){0,2}?variables?\b", re.I)
# a name as variables are written: "$MANSECT", "init.defaultBranch", "GIT_DIR", "PAGER", "defaultBranch"
_IDENTIFIER = re.compile(r"\$\w+|\b[A-Za-z_]\w*[._]\w[\w.]*|\b[A-Z][A-Z0-9_]+\b|\b[a-z]+[A-Z]\w*")
# "Which truncate option …", "What ssh-keyscan flag …" are answered by an option
_OPTION_QUESTION = re.compile(r"^\W*(?:which|what)\s+(?:[\w-]+\s+){0,3}?(?:options?|flags?|switch(?:es)?)\b", re.I)
# an option as pages write one: "-H", "--no-create", "+x", "SyncIntervalSec=", "unlock_time=n"
_OPTION = re.compile(r"(?<![\w-])(?:--?|\+)[A-Za-z0-9?][\w-]*|\b\w+=")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+")  # "Andrew" of "Andrew G.", cut from "Morgan" after the initial
_LABEL_TERM = re.compile(r"\s{2,}|\t")  # an item's label is its term, then (on the same line) what it does


def _asked_kind_not_named(claim: str, question: str, window: Window) -> str:
    """What a "which variable", "which option" or "who wrote" question asks for, when the claim names none: a
    variable as variables are written; an option as options are written, or the term of the item the claim rests on
    ("noauto" under the label "noauto"); someone by a name the question does not say. A name that is no option
    ("known_hosts") does not answer "which option", nor "The author of chmod." "Who wrote chmod?"."""
    if _VARIABLE_QUESTION.search(question) and not _IDENTIFIER.search(claim):
        return "variable"
    if AUTHOR_QUESTION.search(question) and not set(_CAPITALISED.findall(claim)) - NAME_STOP - set(question.split()):
        return "one"
    if _OPTION_QUESTION.search(question) and not _OPTION.search(claim):
        term = _LABEL_TERM.split(window.label.strip(), maxsplit=1)[0]  # "-D" of "-D      Print keys found as …"
        if not {stem(w) for w in WORD.findall(claim)} & {stem(w) for w in WORD.findall(term)}:
            return "option"
    return ""


_NUMBER_WHEN = re.compile(r"(?<![\w.-])(-?\d+)\s+(?:when|if)\s+([^,;.]+)", re.I)  # "1 when something went wrong"
_ASKED_CONDITION = re.compile(r"\b(?:when|if)\s+([^?]+)", re.I)


def _number_of_other_condition(claim: str, question: str, window: Window) -> str:
    """The passage pairs numbers with conditions ("is 0 when all went well, and 1 when something went wrong"); for
    a question that states one of the conditions, a claim of the number paired with another ("0." for "What exit
    status does mkfs.bfs return when something went wrong?")."""
    asked, claimed = _ASKED_CONDITION.search(question), numbers(claim)
    if not asked or len(claimed) != 1:
        return ""
    pairs = [(numbers(n), cond) for n, cond in _NUMBER_WHEN.findall(window.text)]
    wanted = content_words(asked.group(1))
    shared = [len(content_words(cond) & wanted) for _, cond in pairs]
    if len(pairs) < 2 or not max(shared) or shared.count(max(shared)) > 1:
        return ""
    right, cond = pairs[shared.index(max(shared))]
    paired = set().union(*(n for n, _ in pairs))
    if claimed & right or not claimed & paired:
        return ""
    return f"the passage it rests on gives {min(right)} when {cond.strip()}"


def _other_assignment(claim: str, question: str, answering: list[tuple[float, Window]]) -> str:
    """For a question asking the value of a name that the passages answering it best assign ("What value of LANG
    does the example set?" against "LANG=de_DE.UTF-8"), a claim that gives none of the values assigned to it ("The
    value of LANG is 1.", resting on the example's title "Example 1. German locale with English messages")."""
    if YES_NO_QUESTION.search(question) or not VALUE_QUESTION.search(question):
        return ""
    asked = names_in(question)
    values: dict[str, set[str]] = {}
    for name, value in (a for _, w in answering for a in w.assignments if a[0] in asked):
        values.setdefault(name, set()).add(value)
    if len(values) != 1:
        return ""
    ((name, given),) = values.items()
    if any(re.search(rf"(?<![\w.-]){re.escape(v)}(?![\w-])", claim, re.I) for v in given):
        return ""
    return f"the passages that answer it give {name}={min(given)}"


def _gives_value_it_rests_on(claim: str, question: str, window: Window) -> bool:
    """The main claim gives the value its passage states for the question (the stated default or boolean, or the
    quoted value or number of the sentence that answers), so the words around that value need no support."""
    return (_gives_stated_default(claim, question, window) or _gives_stated_boolean(claim, question, window)
            or _quotes_asking_sentence(claim, question, window)
            or _gives_value_of_asking_sentence(claim, question, window))


def _other_choice(claim: str, question: str, window: Window) -> str | None:
    """In a list of numbered choices ("0 for none, 1 for realtime, 2 for best-effort, 3 for idle"), the one
    the question names, when the claim gives a number that is not its number ("1" for the idle class)."""
    named, given = _named_choice(question, window.sentence), numbers(claim)
    if named is None or not given:
        return None
    n, word = named
    return None if n in given else f"{n} for {word}"


def _named_choice(question: str, sentence: str) -> tuple[str, str] | None:
    """Of the numbered choices a sentence lists ("0 for none, 1 for realtime"; "Defaults to 143 for imap://
    hosts and 993 for imaps:// hosts"), the one the question names, as (number, word); None when it lists
    fewer than two or the question names none or several."""
    pairs = _NUMBERED_CHOICE.findall(sentence)
    asked = content_words(question)
    named = {(n, word) for n, word in pairs if stem(word.lower()) in asked}
    if len(named) > 1:  # "imap" and "imaps" stem alike: the question says "for imaps"
        said = {(n, word) for n, word in named if re.search(rf"\bfor\s+{re.escape(word)}(?![\w-])", question, re.I)}
        named = said or named
    return named.pop() if len(pairs) >= 2 and len(named) == 1 else None


def _measure_for_count(claim: str, question: str, window: Window) -> str:
    """For "how many N" where N is no unit and the question names none (times, logins, packs): a number the
    claim gives as a measure ("15 minutes"), or that its passage gives only as one ("10 seconds" for "10
    times"), counts something else."""
    m = _HOW_MANY.search(question)
    if not m or any(UNITS.get(w.lower()) for w in WORD.findall(question)) or len(numbers(claim)) != 1:
        return ""
    (n,) = numbers(claim)
    counted = (_COUNTED.search(question) or m).group(1)
    own = [unit for k, unit in quantities(claim) if k == n and unit]
    if own:
        return f"it gives {n} {own[0]}s, not a number of {counted}"
    found = [unit for k, unit in quantities(window.text) if k == n]
    if found and all(found):
        return f"the passage it rests on gives {n} in {found[0]}s, not as a number of {counted}"
    return ""


def _value_in_asked_unit(claim: str, question: str, window: Window) -> str:
    """For "how many <unit>": the value in that unit of the passage's sentence that shares the most words with
    the question, when the claim does not give it ("15 minutes" for "after how many minutes are accounts
    unlocked" where "The accounts will be automatically unlocked after 20 minutes" follows "… 15 minutes.")."""
    m = _HOW_MANY.search(question)
    unit = UNITS.get(m.group(1).lower()) if m else None
    if unit is None:
        return ""
    asked = content_words(question) - content_words(m.group(1))
    values = _values_of_asking_sentence(window, asked, lambda s: {k for k, u in quantities(s) if u == unit}, 1)
    if len(values) != 1 or values & numbers(claim):
        return ""
    return f"the passage it rests on says {values.pop()} {unit}s"


def _none_of_counted(claim: str, question: str, window: Window) -> str:
    """For "how many <things>": the passage's sentence that shares the most of the question's words says "no
    <things>", and the claim gives a number other than 0 ("1." for "How many parents do initial root commits
    have?" where "With exactly one parent, it is an ordinary commit." precedes "Initial (root) commits have no
    parents."; numbers() reads no "no" as 0)."""
    m = _HOW_MANY.search(question)
    if not m or not numbers(claim) or "0" in numbers(claim):
        return ""
    sentence = _best_sentence(window.body_sentences, content_words(question), MIN_SHARED_WORDS)
    counted = m.group(1)
    said = sentence and re.search(rf"\bno\s+{re.escape(counted)}\b", sentence, re.I)
    return f"the passage it rests on says no {counted}" if said else ""


def _value_of_asking_sentence(claim: str, question: str, window: Window) -> str:
    """For a question a value answers, not asking for a default or a yes/no: the one number of the passage's
    sentence that shares the most words with the question (MIN_SHARED_WORDS at least, more than any other),
    when the claim gives another ("90s." for "Which timeout value makes systemd-ask-password wait
    indefinitely?" where "Defaults to 90s." precedes "A timeout of 0 waits indefinitely.")."""
    claimed = numbers(claim)
    if len(claimed) != 1:
        return ""
    values = _numbers_of_asking_sentence(question, window)
    if len(values) != 1 or values & claimed:
        return ""
    return f"the passage it rests on says {values.pop()}"


def _gives_value_of_asking_sentence(claim: str, question: str, window: Window) -> bool:
    """For a question a value answers, not asking for a default or a yes/no: the claim's one number, which the
    question does not say, is the one number of the passage's sentence that answers it, so the words around it
    need no support ("The RFC 1321 describes how to use the md5sum function." for "Which RFC describes how md5sum
    computes its sums?" against "The sums are computed as described in RFC 1321.")."""
    claimed = numbers(claim)
    if len(claimed) != 1 or claimed & numbers(question) or not re.search(r"\d", claim):  # "the one that is used"
        return False
    return _numbers_of_asking_sentence(question, window) == claimed


def _numbers_of_asking_sentence(question: str, window: Window) -> set[str]:
    """The numbers of the passage's sentence that answers a value question (not a default or yes/no question):
    of the sentences holding numbers, the one sharing the most of the question's words (MIN_SHARED_WORDS at
    least, more than any other)."""
    if DEFAULT_QUESTION.search(question) or YES_NO_QUESTION.search(question):
        return set()
    return _values_of_asking_sentence(window, content_words(question), lambda s: numbers(SECTION_REF.sub("", s)),
                                      MIN_SHARED_WORDS)


def _values_of_asking_sentence(window: Window, asked: set[str], values_of: Callable[[str], set[str]],
                               least: int) -> set[str]:
    """Of the passage's sentences that hold values (`values_of`), the values of the one that shares the most of
    the `asked` words: at least `least`, and more than any other; empty when no sentence does."""
    best = _best_sentence([s for s in window.body_sentences if values_of(s)], asked, least)
    return values_of(best) if best else set()


def _quotes_asking_sentence(claim: str, question: str, window: Window) -> bool:
    """The claim quotes one value the question does not (or, quoting none, names one file, path or dotted name),
    and the passage's sentence that shares the most words with the question (MIN_SHARED_WORDS at least, more than
    any other) holds it, so the words around it need no support ('The following files must have the extension
    ".install" …' against 'Executables must have the extension ".install"; other extensions are ignored.'; "To the
    file named nohup.out" against "… append output to 'nohup.out' if possible")."""
    given = _QUOTED_VALUE.findall(claim) or [m.group(0).strip(".,") for m in _NAMED_VALUE.finditer(claim)]
    quoted = {v for v in given if v.lower() not in question.lower()}
    if len(quoted) != 1 or numbers(claim) - numbers(question):
        return False
    (value,) = quoted
    held = re.compile(rf"(?<![\w.-]){re.escape(value)}(?![\w-])", re.I)
    sentence = _best_sentence(window.body_sentences, content_words(question), MIN_SHARED_WORDS)
    return bool(sentence and held.search(sentence))


_QUOTED_VALUE = re.compile(r"""["“«]([^"“”«»\s][^"“”«»]{0,40}?)["”»]""")  # '".install"', '“none”'
_NAMED_VALUE = re.compile(r"(?<![\w/])(?:/[\w.-]+)+|\b[A-Za-z]\w*(?:\.\w+)+")  # "/etc/hosts", "nohup.out"


def _best_sentence(sentences: list[str], asked: set[str], least: int) -> str | None:
    """The sentence that shares the most of the `asked` words: at least `least`, and more than any other; None
    when none does."""
    scored = sorted(((len(content_words(s) & asked), s) for s in sentences), key=lambda x: -x[0])
    if not scored or scored[0][0] < least or len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


def _other_default(claim: str, question: str, text: str) -> str | None:
    """For "what is the default …": the default the text states, when the claim misses it (its numbers, or
    the named value's words that the question does not say; a number where a name is the default, "1024" for
    "the unit … is byte", misses it too unless the question asks for a number). Of a list of defaults ("… are
    respectively 100000, 600100000 and 65536"), the one of the setting the question names."""
    if not DEFAULT_QUESTION.search(question):
        return None
    if numbers(claim):
        default = _default_number(question, text)
        if default is not None:
            return default if not numbers(default) <= numbers(claim) else None
        if QUANTITY_QUESTION.search(question):
            return None
    default = stated_default_name(text)
    if not default or (default.lower() == "none" and _SAYS_NONE.search(claim)):
        return None
    asked = content_words(question)
    said = content_words(claim) | {w.lower() for w in WORD.findall(claim)}
    if content_words(default):
        named = content_words(default) - asked
    else:  # "any" is a stop word, and here a value
        named = {w.lower() for w in WORD.findall(default)} - {w.lower() for w in WORD.findall(question)}
    plural = content_words(" ".join(w + "s" for w in WORD.findall(default))) - asked  # "bytes" stems to "byt"
    return default if named and not (named <= said or plural <= said) else None


_SAYS_NONE = re.compile(r"\b(?:none|no|nothing|not)\b|n't\b", re.I)  # "There is no default." for "The default is none."


def _default_number(question: str, text: str) -> str | None:
    """The number the text states as the default asked about: the listed setting's, else the one it states,
    else, of several, the one whose lead-in shares the most words with the question."""
    stated = stated_default_number(text)
    if stated and (choice := _named_choice(question, text)):  # "Defaults to 143 for imap:// hosts and 993 for …"
        return choice[0]
    return respective_default(question, text) or stated or _closest_default(question, text)


def _closest_default(question: str, text: str) -> str | None:
    """Of the defaults a text states, the one whose lead-in ("libcurl currently defaults to 200 ms") shares the
    most words with the question; None on a tie."""
    asked = content_words(question)
    scored = sorted({(len(content_words(lead_in) & asked), n) for n, lead_in in stated_default_numbers(text)},
                    key=lambda x: -x[0])
    if not scored or scored[0][0] == 0 or len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


def _gives_stated_default(claim: str, question: str, window: Window) -> bool:
    """For "what is the default …": the claim's number is the default its passage states, in the same unit
    when the passage gives one, so words around it need no support ("The default value is 512 bytes." against
    "(Integer; default: 512; …)"; not "1us" against "Defaults to 1min"). Of several numbers the first is the
    answer, the others (all in the passage) what it adds ("It is set to 10 and --depth is 50." against "The
    default value for --window is 10 and --depth is 50.")."""
    if not DEFAULT_QUESTION.search(question) or not numbers(claim):
        return False
    default = _default_number(question, window.sentence) or stated_default_number(window.text)
    if default is None:
        return False
    claimed = numbers(claim)
    if len(claimed) > 1 and (first := first_number(claim)) and not _names_both_ways(claim):
        claimed = {first}
    if claimed != numbers(default):
        return False
    (n,) = claimed
    stated = _units_of(n, window.text) - {None}
    return not stated or _units_of(n, claim) <= stated


def _claimed_boolean(claim: str) -> bool | None:
    """The boolean value a claim gives as the default: "The default value is true.", or a bare "Off."."""
    stated = stated_default_boolean(claim)
    return stated if stated is not None else boolean_value(claim.strip(" .!\"'"))


def _passage_boolean(window: Window) -> bool | None:
    stated = stated_default_boolean(window.sentence)
    return stated if stated is not None else stated_default_boolean(window.text)


def _gives_stated_boolean(claim: str, question: str, window: Window) -> bool:
    """For "what is the default value of …" (not a yes/no question): the claim's true or false is the default its
    passage states ("The default value is true, but you can specify a different value." against "Defaults to
    true."), so words around it need no support."""
    if not DEFAULT_QUESTION.search(question) or YES_NO_QUESTION.search(question):
        return False
    said = _claimed_boolean(claim)
    return said is not None and said == _passage_boolean(window)


def _passage_stating_claimed_default(claim: str, question: str, answering: list[tuple[float, Window]]) -> Window | None:
    """For "what is the default …", a claim with no number whose own words are the default that one of the
    best answering passages (`answering`, best first) states ("The default lifetime is forever." where the
    best passage only says "-t life Set a default value for the maximum lifetime" and the next "Without this
    option the default maximum lifetime is forever."; "CPack uses WixUI_InstallDir." against the best passage's
    "The default is WixUI_InstallDir in case no CPack components have been defined"): that passage."""
    if not DEFAULT_QUESTION.search(question) or numbers(claim):
        return None
    asked = content_words(question)
    own = {w for w in content_words(claim) - _ANSWER_FRAME - {"default"}
           if w not in asked and w.removesuffix("s") not in asked}  # "uses" for "use"
    for _, window in answering[:DEFAULT_PASSAGES]:
        name = stated_default_name(window.sentence)
        if own and name and content_words(name) == own:
            return window
    return None


def _passage_stating_claimed_number(claim: str, question: str,
                                    answering: list[tuple[float, Window]]) -> Window | None:
    """For "what is the default …", a claim whose one number is the default one of the best answering passages
    states, when the best does not hold it ("60 seconds." where the best passage is "-n <TIME> Specifies the
    timeout of the negative cache …" and the item's later sentence "Default value is 60 seconds."): that
    passage, when it is of the same item (the "-R <RATE>" item's "Default value is 1." gives no count of the
    "-B <NUMBER>" item's broadcasts)."""
    if not DEFAULT_QUESTION.search(question) or len(claimed := numbers(claim)) != 1 or not answering:
        return None
    top = answering[0][1]
    for _, window in answering[:DEFAULT_PASSAGES]:  # only the best passage's own item: another states its own
        if (window.source, window.label) == (top.source, top.label) and top.label \
                and stated_default_number(window.sentence) in claimed:
            return window
    return None


def _passage_closer_to_question(claim: str, question: str, answering: list[tuple[float, Window]]) -> Window | None:
    """For "what is the default …", when the best answering passage lacks the claim's facts: one of the next
    best that holds them all and whose sentence shares more of the question's words than the best one's, not
    counting "default" (the best may rank first only because it states some other default: "lastb … by default
    shows a log of the /var/log/btmp file" for "Which file does last search through by default?", where "last
    searches back through the /var/log/wtmp file" answers)."""
    if not DEFAULT_QUESTION.search(question) or not answering:
        return None
    asked = content_words(question) - {"default"}
    top = len(content_words(answering[0][1].sentence) & asked)
    for _, window in answering[1:DEFAULT_PASSAGES]:
        if len(content_words(window.sentence) & asked) > top and not missing_facts(claim, window.text, question):
            return window
    return None


def _units_of(n: str, text: str) -> set[str | None]:
    """The units written after the number `n` in the text ("min" in "1min", "second" for "sec"), known ones
    under one name; None for a bare number."""
    return {UNITS.get(word, word) or None for m, word in quantity_words(text) if m == n}


def _missed_default(claim: str, question: str, window: Window, top: Window) -> str:
    """Why the claim misses the default asked for: the one its own sentence states, else, when that sentence
    states none, the one the passage that best answers the question states ("use ACTION to process it"
    answers no "which ACTION by default" when the next sentence says "By default, ACTION is read")."""
    if DEFAULT_QUESTION.search(question) and (labelled := label_default(window.label, question)) \
            and not _gives_value(claim, labelled):
        return f"the passage it rests on says the default is {labelled}"
    if found := _other_default(claim, question, window.sentence):
        return f"the passage it rests on says the default is {found}"
    if DEFAULT_QUESTION.search(question) and not YES_NO_QUESTION.search(question) \
            and (said := _claimed_boolean(claim)) is not None and _passage_boolean(window) == (not said):
        return "the passage it rests on states the opposite default"
    if _reads_default(window.sentence):
        return ""
    found = _other_default(claim, question, top.sentence if _reads_default(top.sentence) else top.text)
    return f"the passage that answers the question says the default is {found}" if found else ""


def _reads_default(sentence: str) -> bool:
    """The sentence states a default whose value can be read ("The <mode> defaults to plain"), not only that
    there is one ("By default, words are delimited by whitespace")."""
    return bool(STATES_DEFAULT.search(sentence)) and (stated_default_name(sentence) is not None or
                                                       stated_default_number(sentence) is not None or
                                                       stated_default_boolean(sentence) is not None)


def _gives_value(claim: str, value: str) -> bool:
    """The claim states the value: its number, or its words."""
    if numbers(value):
        return numbers(value) <= numbers(claim)
    return content_words(value) <= content_words(claim)


def _names_both_ways(claim: str) -> bool:
    """"--direct-io[on|off]", "on or off" or "80 or 443" commits to neither value."""
    said = {w.lower() for w in WORD.findall(claim)}
    return any(set(pair) <= said for pair in BOOLEAN_PAIRS) or bool(_EITHER_NUMBER.search(claim))


_EITHER_NUMBER = re.compile(r"(?<![\w.-])(\d[\d.]*)\s+or\s+(?!\1\b)\d[\d.]*(?![\w.-])")  # "80 or 443"


def _yes_no_check(sentence: str, claim: str, question: str, windows: list[Window], ctx: CheckContext,
                  cites: list[int]) -> SentenceCheck | None:
    """A "Yes" or "No" to a yes/no question, against the default stated by the passage that answers the
    question; None when the claim is no yes/no or the passage states no default for the setting asked about."""
    said = answer_polarity(claim)
    if said is None or not YES_NO_QUESTION.search(question):
        return None
    found = _yes_no_passage(question, answering_passages(question, windows, ctx.vectors, ctx.exclude), ctx)
    if found is None:
        return None
    _, window, expected = found
    evidence = window.sentence if stated_default_boolean(window.sentence) is not None else window.text
    agrees = said == expected
    return SentenceCheck(sentence, agrees, window.source, evidence, 1.0 if agrees else 0.0, [], cites,
                         "" if agrees else f"the passage it rests on says {'yes' if expected else 'no'}")


def _yes_no_passage(question: str, ranked: list[tuple[float, Window]],
                    ctx: CheckContext) -> tuple[float, Window, bool] | None:
    """The best-ranked of the first YES_NO_PASSAGES answering passages that says yes or no to the question
    (a stated default of the setting it names, or a sentence marking what is done by default that holds all
    its words), with its score and what it says; None when none does. A passage whose label states the
    default of the setting the question names ("page-completions (On)") comes before the others."""
    first = ranked[:YES_NO_PASSAGES]
    for score, window in sorted(first, key=lambda sw: label_default(sw[1].label, question) is None):
        expected = expected_answer(question, window.text, content_words, frozenset(ctx.exclude), window.label)
        if expected is not None:
            return score, window, expected
    return None


def only_repeats(claim: str, question: str) -> bool:
    """A claim that names nothing the question did not ("FinalKillSignal= is the default.", "The default_md
    option.") answers no "what / which / how" question. Yes/no and either-or questions are answered by repeating
    their words."""
    if YES_NO_QUESTION.search(question) or _CHOICE_QUESTION.search(question):
        return False

    asked = {stem(w) for w in WORD.findall(question.lower())}
    # a verb's "-s" form as the question's ("uses" for "use"; stem() reads "uses" as "us")
    return all(stem(w) in asked or stem(w.removesuffix("s")) in asked
               for w in WORD.findall(claim.lower()) if stem(w) not in _NAMES_NOTHING)


def check_sentences(answer: str, sources: Sequence[Source], embed: Embed | None,
                    cfg: CheckConfig | None = None, question: str = "", ctx: CheckContext | None = None,
                    ) -> list[SentenceCheck]:
    """One verdict per answer sentence, with the source sentence that supports it best. With the question,
    the passage a sentence rests on is found with the question's words too, and the first claim must answer
    it (a number for "how many")."""
    cfg = cfg or CheckConfig()
    ctx = ctx or check_context(sources, embed)
    known = {s.n for s in sources}
    source_words = {w.lower() for win in ctx.windows for w in WORD.findall(win.text)} \
        if any(h in answer for h in LINE_END_HYPHENS) else set()
    out, main_done = [], False
    for sentence in split_sentences(answer):
        claim = mend_copied_hyphenation(strip_citations(sentence), source_words)
        cites = [n for n in citations(sentence) if n in known]
        scope = ctx.of_files_cited(cites) or ctx.windows
        verdict = None if main_done or not question else _yes_no_check(sentence, claim, question, scope, ctx, cites)
        if verdict is not None:
            out.append(verdict)
            main_done = True
            continue
        if not main_done and question and (symbol := symbol_answer(claim, question)):
            out.append(_symbol_check(sentence, symbol, question, scope, ctx, cites))
            main_done = True
            continue
        if not (content_words(claim) or numbers(claim)):  # "Yes." or a bare citation: nothing to check…
            answers = main_done or not question  # …but as the first sentence it answers nothing
            out.append(SentenceCheck(sentence, answers, cites[0] if cites else None, "", 1.0 if answers else 0.0, [],
                                     cites, "" if answers else NO_ANSWER))
            main_done = True
            continue
        out.append(_claim_check(sentence, claim, question, scope, ctx.vectors, cfg, cites, not main_done,
                                ctx.exclude))
        main_done = True
    if out and out[0].supported and question and _says_both_ways(out, question, frozenset(ctx.exclude)):
        out[0] = replace(out[0], supported=False, score=0.0, reason="it says both yes and no")
    return out


_SYMBOL_ANSWER = re.compile(r"""^\W*?["'`«]?((?:_|[^\w\s"'`«»]){1,3})["'`»]?\W*$""")  # "_", "'/'", "-": no word at all
_QUOTED_SYMBOL = re.compile(r"""["'`«]((?:_|[^\w\s"'`«»]){1,3})["'`»]""")  # the "~" of 'The prefix is "~".'


def symbol_answer(claim: str, question: str = "") -> str | None:
    """The symbol an answer gives when it gives nothing else ("_" for "Which keyword …?", "'/'" for "What string
    flags …?"), or gives in quotes inside the question's own words ('The prefix is "~".' for "Which prefix …?")."""
    m = _SYMBOL_ANSWER.match(claim.strip().rstrip("."))
    if m and not (content_words(claim) or numbers(claim)):
        return m.group(1)
    quoted = _QUOTED_SYMBOL.findall(claim)
    return quoted[0] if question and len(quoted) == 1 and only_repeats(claim, question) else None


def _symbol_check(sentence: str, symbol: str, question: str, windows: list[Window], ctx: CheckContext,
                  cites: list[int]) -> SentenceCheck:
    """A symbol answers when the passage that best answers the question holds it standing alone ("_()", "'/'";
    not the "_" inside "dq_rate")."""
    ranked = in_named_file(question, answering_passages(question, windows, ctx.vectors, ctx.exclude))
    if not ranked:
        return SentenceCheck(sentence, False, None, "", 0.0, [symbol], cites, NO_TEXT)
    score, window = ranked[0]
    alone = re.search(rf"(?<![\w/.-]){re.escape(symbol)}(?![\w/.-])", window.text)
    return SentenceCheck(sentence, bool(alone), window.source, window.sentence, round(score, 4),
                         [] if alone else [symbol], cites, "" if alone else f"{MISSING}: {symbol}")


_ANSWER_LABEL = re.compile(r"^\W*answer\s*:\s*", re.I)  # "… Answer: No, because …"


def _says_both_ways(checks: list[SentenceCheck], question: str, exclude: frozenset[str] = frozenset()) -> bool:
    """An answer that opens with "Yes" (or "No") and then says the other, in the rest of its first sentence or
    in a later one: a sentence opening with the other word, or one that states the question's own words the
    other way round ("No. Busctl waits by default for the socket to appear." to "Does busctl wait by default
    for the socket to appear?"; "No, blink-matching-paren is on by default.")."""
    first = strip_citations(checks[0].sentence)
    said = answer_polarity(first)
    if said is None:
        return False
    rest = after_yes_or_no(first)  # "No, blink-matching-paren is on by default." says both in one sentence
    for later in [rest] + [_ANSWER_LABEL.sub("", strip_citations(c.sentence)) for c in checks[1:]]:
        opposite = answer_polarity(later)
        if opposite is None and YES_NO_QUESTION.search(question) and not STATES_CONDITION.match(later):
            opposite = expected_answer(question, later, content_words, exclude)
        if opposite == (not said):
            return True
    return False


def wants_evidence(check: SentenceCheck) -> bool:
    """A failed check found no passage that states the claim, rather than one that says otherwise ("the passage
    it rests on says no"): only such a failure may be overturned by reading more of the files."""
    return bool(check.missing) or check.reason in (NOT_SAID, NO_TEXT, NO_ANSWER)


def main_claim(checks: list[SentenceCheck]) -> SentenceCheck | None:
    """The first sentence (the one a reader takes as the answer)."""
    return checks[0] if checks else None


def evidence_for(question: str, sources: Sequence[Source], embed: Embed | None,
                 ctx: CheckContext | None = None) -> Evidence | None:
    """The passage that best answers the question (for leading with the evidence): for a yes/no question the
    one that says yes or no, when one of the first few does."""
    ctx = ctx or check_context(sources, embed)
    ranked = answering_passages(question, ctx.windows, ctx.vectors, ctx.exclude)
    if not ranked:
        return None
    score, w = ranked[0]
    if YES_NO_QUESTION.search(question) and (found := _yes_no_passage(question, ranked, ctx)):
        score, w, _ = found
    return Evidence(_shown(w, question), w.source, round(score, 4))


def _shown(w: Window, question: str) -> str:
    """The passage as the lead shows it, in MAX_EVIDENCE_CHARS: cut at the end, unless the cut would lose the
    sentence that shares the most of the question's words, the shorter of two ("(Before glibc 2.27, the upstream
    ldd implementation did this …)" after a long sentence); then the item's label and that sentence."""
    if len(w.text) <= MAX_EVIDENCE_CHARS:
        return w.text
    cut = w.text[:MAX_EVIDENCE_CHARS].rsplit(" ", 1)[0]
    asked = content_words(question)
    best = max(w.body_sentences, key=lambda s: (len(content_words(s) & asked), -len(s)), default=w.sentence)
    if best in cut:
        return cut + " …"
    own = f"{w.label} … {best}" if w.label else best
    return own if len(own) <= MAX_EVIDENCE_CHARS else own[:MAX_EVIDENCE_CHARS].rsplit(" ", 1)[0] + " …"


def check_answer(answer: str, question: str, sources: Sequence[Source], embed: Embed | None,
                 cfg: CheckConfig | None = None, vectors: Vectors | None = None,
                 ) -> tuple[list[SentenceCheck], Evidence | None]:
    """The sentence checks, and the evidence to lead with when the main claim fails; the passages are split
    and embedded once for both (and for an earlier check of the same answer that shares `vectors`)."""
    ctx = check_context(sources, embed, vectors)
    checks = check_sentences(answer, sources, embed, cfg, question, ctx)
    claim = main_claim(checks)
    lead = evidence_for(question, sources, embed, ctx) if claim is not None and not claim.supported else None
    return checks, lead
