"""Yes/no answers to yes/no questions, checked against the default a passage states, or the plain statement
that answers a question that asks of no default.

"Does networkd measure traffic by default?" — "No." has no words to compare with a source; what can be
checked is whether the passage that answers the question says "Defaults to no" (or true, on, enabled …), or,
for "Are source files preserved by default?", whether it says "Source files are (not) preserved by default".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from engine.defaults import boolean_value, label_default, stated_default_boolean, the_one

YES_NO_QUESTION = re.compile(r"^\W*(is|are|was|were|do|does|did|can|could|should|will|would|has|have|had|may|"
                             r"must|shall)\b", re.I)
_ANSWER = re.compile(r"^\W*(yes|no)\b", re.I)
_AFTER_ANSWER = re.compile(r"^[\s,;:.!-]+")  # "No, " / "Yes. "
_NEGATED = re.compile(r"\b(not|disabled?|off|never)\b", re.I)  # "Is X disabled by default?": "Yes" means false
# Negates what a sentence says is done by default: "(these are omitted by default)" says listening sockets are
# not displayed; in the question too ("Are … omitted by default?"), so the two cancel.
_NOT = re.compile(r"\b(not|never|no longer|nothing|omitted|suppressed|skipped|ignored|refuses?)\b|n't\b", re.I)
_NEGATED_WORD = re.compile(r"\b(not|never)\s+(\w+)", re.I)  # "… that do not share a common ancestor"
# A negation inside a "that" clause describes the things named, not what is done to them: "Print objects that
# exist but that are never directly used (default)." prints them.
_RELATIVE_NEGATION = re.compile(r"\b(that\s+(?:\w+\s+){0,2}?)(?:not|never)\s+", re.I)
_ANY = re.compile(r"\b(?:anything|something)\b", re.I)  # "Does X do anything …?" is answered by "X does nothing …"
_BY_DEFAULT = re.compile(r"\bby default\b", re.I)
_MARKS_DEFAULT = re.compile(r"\bby default\b|\((?:this is )?the default\)|\(default\)|\bthis is the default\b|"
                            r"\bdefault\s+behaviou?r\s+is\b|"  # "unzip's default behavior is to match …"
                            r"\bdefault\s+is\s+(?:not\s+)?to\s+[a-z]|"  # "The default is not to print any …"
                            r"\bdefaults\s+to\s+(?:not\s+)?(?!(?:no|some|any|every)thing\b|string\b)\w+ing\b",
                            re.I)  # "defaults to not changing the …" (not "defaults to nothing")
MIN_ASKED_WORDS = 2  # "Is it on by default?" names too little to find the sentence that answers it
# A plain statement has no "by default" to anchor it: "Does it run?" names too little to be answered by "It runs …"
MIN_STATED_WORDS = 3
_DEFAULT_WORD = re.compile(r"\bdefaults?\b", re.I)
_PLAIN_NEGATION = re.compile(r"\b(?:not|never|no longer)\b|n't\b", re.I)  # what "Does X not …?" adds to its words
STATES_CONDITION = re.compile(r"^\W*(?:if|when|unless)\b", re.I)  # "If the DHCP server is enabled, …" is no fact
_CONTRAST = re.compile(r"\b(?:rather\s+than|instead\s+of|except|unless|but\s+not)\b", re.I)
_OPTION_ITEM = re.compile(r"^\s*-")  # "-P, --no-dereference"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_MARKS_THE_ONE_BEFORE = re.compile(r"^(?:this|that|it)\s+is\s+the\s+default(?:\s+\w+)?\.?$",
                                   re.I)  # "-P Never follow symbolic links. This is the default behaviour."
_DEFAULT_PHRASE = [  # a short value: "Default is lower case.", "The default is --thin.", "Allow is the default."
    re.compile(r"\bdefault\s+is\s+(-{0,2}[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})\s*[.;,)]", re.I),
    re.compile(r"(?:^|(?<=[.!?…])\s+)(-{0,2}[a-z][\w-]*)\s+is\s+the\s+default(?:\s+(?:behaviou?r|mode|setting))?"
               r"\s*[.;,)]", re.I),  # "--guess is the default behavior."
]
_SAME_VERBS = ({"add", "include", "contain"},)  # "Does X add a header to the file?": "the file includes a header"
_TURNS = {"enabled": "disabled", "disabled": "enabled", "enable": "disable", "disable": "enable",
          "set": "unset", "unset": "set", "succeed": "fail", "fail": "succeed"}  # opposites
# Where a sentence's clauses part ("it does not run when …, and that the states … do not include …"): each
# clause's negations are its own.
_CLAUSE = re.compile(r",\s*(?:and|but|while|whereas)\b|;")
_OPTION_LABEL = re.compile(r"^--(no-)?([a-z][a-z0-9-]*)$")  # "--no-allow-multiple-definition"
_MARKED_DEFAULT = re.compile(r"\((?:this is )?the default\)|\(default\)", re.I)
_PLACEHOLDER = re.compile(r"_<[\w-]+>_")  # "CPACK_RPM_<component>_PACKAGE_AUTOREQ"
_SETTING = re.compile(r"[\w.-]+=|\b[a-z]+[A-Z]\w*|\b[A-Z]\w*[a-z][A-Z]\w*|"  # "FactoryReset=", "SpeedMeter"
                      r"\b[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]\b")  # "udp6_csum_tx"


Terms = Callable[[str], set[str]]  # a text's words, as the caller compares them


def _plain_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][\w-]*", text.lower()) if len(w) > 3}


def after_yes_or_no(claim: str) -> str:
    """What an answer says after its opening "Yes" or "No" ("No, it is on by default." gives "it is on by
    default."); the whole claim when it opens with neither."""
    m = _ANSWER.match(claim)
    return claim if m is None else _AFTER_ANSWER.sub("", claim[m.end():], count=1)


def answer_polarity(claim: str) -> bool | None:
    """True for an answer that opens with "Yes", False for "No", None otherwise."""
    m = _ANSWER.match(claim)
    return None if m is None else m.group(1).lower() == "yes"


def expected_answer(question: str, passage: str, terms: Terms = _plain_words,
                    ignore: frozenset[str] = frozenset(), label: str = "") -> bool | None:
    """Whether the passage says "yes" to the question: its stated default, turned round for a negated
    question, or what it says is done by default. None when the passage states neither, or does not name the
    setting the question names. `terms` reads a text's words as the caller compares them; `ignore` holds
    words that only name the source files ("zstd" in "… by zstd by default"); `label` is the term the
    passage's item defines, which its sentences leave unsaid ("journal_write"); a label that states the
    default of the setting asked about ("page-completions (On)") answers first."""
    labelled = boolean_value(label_default(label, question) or "")
    if labelled is not None:
        return labelled != bool(_NEGATED.search(question))
    files = _with_parts(ignore)
    names = {n.rstrip("=").lower() for n in _SETTING.findall(question) if not _names_file(n, terms, files)}
    if any(n not in passage.lower() for n in names) and not _names_label(question, label):
        return None  # a default of another setting answers nothing
    default = stated_default_boolean(passage)
    if default is None:
        done = done_by_default(question, passage, terms, ignore, label)
        if done is not None:
            return done
        option = _option_default(question, passage, label, terms)
        if option is not None:
            return option != bool(_NEGATED.search(question))
        phrase = _default_phrase_answer(question, passage, terms, ignore)
        return phrase if phrase is not None else stated_outright(question, passage, terms, ignore, label)
    return default != bool(_NEGATED.search(question))


def stated_outright(question: str, passage: str, terms: Terms = _plain_words,
                    ignore: frozenset[str] = frozenset(), label: str = "") -> bool | None:
    """"Does Git follow symbolic links when accessing a .gitignore file in the working tree?" against "Git does not
    follow symbolic links when accessing a .gitignore file in the working tree.": for a question that asks of no
    default, a sentence that says every word of it answers it, yes unless one of the two negates what the other
    says ("Is the hook suppressed by --no-verify?" against "it is not suppressed by the --no-verify option": no).
    None when no sentence does or sentences disagree; a sentence that states a condition ("If …") or a contrast
    the question does not ("… rather than …") answers nothing, nor does an option's item the question does not
    name."""
    if _DEFAULT_WORD.search(question):
        return None
    asked = terms(_PLAIN_NEGATION.sub(" ", _ANY.sub(" ", question))) - ignore
    labelled = terms(re.sub(r"[_=]", " ", label))
    if named := _names_label(question, label):
        asked -= terms(named)
    if len(asked) < MIN_STATED_WORDS or (_OPTION_ITEM.match(label) and not named):
        return None  # an option's item says what the option does, not what the program does without it
    found = set()
    for sentence in _SENTENCE.split(passage):
        if STATES_CONDITION.match(sentence) or len(_CONTRAST.findall(sentence)) != len(_CONTRAST.findall(question)):
            continue  # "… rather than writing modified copies" says the opposite of part of what it holds
        said = _with_same_verbs(terms(sentence) | labelled, terms)
        if _says_all(asked, said):
            clause = next((c for c in _CLAUSE.split(sentence)
                           if _says_all(asked, _with_same_verbs(terms(c) | labelled, terms))), sentence)
            found.add(len(_NOT.findall(clause)) % 2 == len(_NOT.findall(question)) % 2)
    return the_one(found)


def _option_default(question: str, passage: str, label: str, terms: Terms) -> bool | None:
    """"Does gold allow multiple definitions of symbols by default?" against the item "--no-allow-multiple-definition
    / Do not allow multiple definitions (default)": an option marked as the default, whose name's words the
    question all says, answers by its form: "--no-…" no, any other yes. None for any other passage."""
    m = _OPTION_LABEL.match(label.strip())
    if m is None or not _MARKED_DEFAULT.search(passage):
        return None
    return _option_form(m, terms(question), terms)


def _option_form(option: re.Match, asked: set[str], terms: Terms, ignore: frozenset[str] = frozenset()) -> bool | None:
    """What an option's form says when the asked words say all the words of its name: True for "--allow-…",
    False for "--no-allow-…"; None when they do not."""
    named = terms(option.group(2).replace("-", " ")) - ignore
    return option.group(1) is None if named and _says_all(named, asked) else None


def _default_phrase_answer(question: str, passage: str, terms: Terms, ignore: frozenset[str]) -> bool | None:
    """"Does xxd use upper case hex letters by default?" against "Default is lower case.": False when the short
    value the passage states as the default shares a word with the question but names another ("lower"); True
    when the question says all its words ("Does git push use a thin transfer …" against "The default is
    --thin."); an option's "--no-" form says no when the question says all its other words ("The default is
    --no-informative-errors."); None when no one such value is stated, or it shares no word ("The default is
    --verify")."""
    if _NEGATED.search(question):
        return None
    asked = terms(question) - ignore
    found = set()
    for m in (m for pattern in _DEFAULT_PHRASE for m in pattern.finditer(passage)):
        option = _OPTION_LABEL.match(m.group(1).lower())
        if option and option.group(1):
            if _option_form(option, asked, terms, ignore) is False:
                found.add(False)
            continue
        said = terms(m.group(1)) - ignore
        if said and said & asked:
            found.add(said <= asked)
    return the_one(found)


def done_by_default(question: str, passage: str, terms: Terms = _plain_words,
                    ignore: frozenset[str] = frozenset(), label: str = "") -> bool | None:
    """"Are source files preserved by default?" against "Source files are preserved by default.", or "Does du
    follow symbolic links by default?" against "don't follow any symbolic links (this is the default)": the
    answer to the question (True for yes) when a sentence that marks a default holds every word of it, the
    sentence's negation and the question's turning it round ("Are … omitted by default?"); None when no
    sentence does (or sentences disagree). Only for questions that ask "… by default". The words of
    the item's label count as said by each of its sentences ("a commit record is written" under
    "journal_write" answers "… written at the end of a journal transaction")."""
    if not _BY_DEFAULT.search(question):
        return None
    ignore = _with_parts(ignore)  # "git-merge": "git merge run …"
    asked = terms(_ANY.sub(" ", _BY_DEFAULT.sub(" ", _NOT.sub(" ", question)))) - ignore
    # "-l" in "Does git tag -l print …": the item may be another flag's; "fq_pie" names the page (tc-fq_pie.8).
    asked = {w for w in asked if len(w) > 1 and not _names_file(w, terms, ignore)}
    if len(asked) < MIN_ASKED_WORDS:
        return None
    labelled = terms(re.sub(r"[_=]", " ", label))
    if named := _names_label(question, label):  # "(CPACK_RPM_PACKAGE_AUTOREQ)" is said by the item's label
        asked -= terms(named)
    turned = _turned(question, asked, terms)
    found = set()
    for sentence in _default_statements(passage):
        if not _MARKS_DEFAULT.search(sentence):
            continue
        said = _with_same_verbs(terms(sentence) | labelled, terms)
        asks_not, says_not = (bool(_NOT.search(_RELATIVE_NEGATION.sub(r"\1", text)))
                              for text in _without_shared_negations(question, sentence))
        if _says_all(asked, said):
            found.add((says_not == asks_not) != _says_other_value(question, sentence))
        elif any(_says_all(words, said) for words in turned):  # "assertions are disabled" for "… enabled?"
            found.add(says_not != asks_not)
    return the_one(found)


def _without_shared_negations(question: str, sentence: str) -> tuple[str, str]:
    """The question and the sentence without a negation they share ("Does git merge merge histories that do not
    share a common ancestor …?" against "… refuses to merge histories that do not share a common ancestor"):
    it says nothing of the default, so only "refuses" negates."""
    for m in _NEGATED_WORD.finditer(question):
        phrase = re.compile(rf"\b{m.group(1)}\s+{re.escape(m.group(2))}\b", re.I)
        if phrase.search(sentence):
            question, sentence = phrase.sub(m.group(2), question), phrase.sub(m.group(2), sentence)
    return question, sentence


def _names_label(question: str, label: str) -> str | None:
    """The name by which the question names the setting the passage's item defines ("… by default
    (CMAKE_FIND_PACKAGE_RESOLVE_SYMLINKS)?"), a placeholder in the label standing for any part or none
    ("CPACK_RPM_PACKAGE_AUTOREQ" names "CPACK_RPM_<component>_PACKAGE_AUTOREQ"); None when it does not. The
    other names the question gives ("<PackageName>_DIR") then describe that setting, and the item's sentences
    need not repeat them."""
    name = label.strip().rstrip("=")
    if not name:
        return None
    pattern = r"_(?:[\w-]+_)?".join(re.escape(part) for part in _PLACEHOLDER.split(name))
    m = re.search(r"(?<![\w-])" + pattern + r"(?![\w-])", question, re.I)
    return m.group(0) if m else None


def _with_parts(file_words: frozenset[str]) -> frozenset[str]:
    """The words naming the source files, and the parts of hyphenated ones ("git-merge": "git", "merge")."""
    return file_words | {part for word in file_words for part in word.split("-")}


def _names_file(name: str, terms: Terms, files: frozenset[str]) -> bool:
    """"fq_pie" in "… in fq_pie?" names the page (tc-fq_pie.8), not a setting of it: its words are the file's
    (`files`, with their parts)."""
    words = terms(re.sub(r"[._=-]", " ", name))
    return bool(words) and words <= files


_ON_OFF = (("on", "off"), ("true", "false"))  # values that are no words to compare ("on" is a stop word)


def _says_other_value(question: str, sentence: str) -> bool:
    """"Is dq_rate_estimator turned on by default?" against "By default, dq_rate_estimator is turned off.": the
    sentence says the other value of a pair the question names one of, and not the question's."""
    for pair in _ON_OFF:
        for asked, other in (pair, pair[::-1]):
            if re.search(rf"\b{asked}\b", question, re.I) and re.search(rf"\b{other}\b", sentence, re.I) \
                    and not re.search(rf"\b{asked}\b", sentence, re.I):
                return True
    return False


def _turned(question: str, asked: set[str], terms: Terms) -> list[set[str]]:
    """The asked words with "enabled" and "disabled" (or "set" and "unset") swapped, one word at a time, so
    that "By default, assertions are disabled" answers "Are assertions enabled by default?" (no); none when the
    question says neither."""
    found = [w for w in _TURNS if re.search(rf"\b{w}\b", question, re.I)]
    return [(asked - terms(word)) | terms(_TURNS[word]) for word in found]


def _says_all(asked: set[str], said: set[str]) -> bool:
    """Every asked word is said, a verb also as its -ing or -s form ("change" in "defaults to not changing",
    "run" in "e2fsck runs in an interactive mode by default"), a noun also in the other number when the stemmer
    took an "-es" off its plural ("packag" of "packages" for "PACKAGE")."""
    return all(w in said or f"{w}e" in said or w.removesuffix("e") in said or f"{w.removesuffix('e')}ing" in said
               or f"{w}s" in said for w in asked)


def _with_same_verbs(said: set[str], terms: Terms) -> set[str]:
    """The said words, plus the other verbs of a group in `_SAME_VERBS` when a sentence says one in any form
    ("includes" also says "add" and "contain")."""
    for forms, verbs in _same_verb_forms(terms):
        if forms & said:
            said = said | verbs
    return said


@lru_cache(maxsize=None)
def _same_verb_forms(terms: Terms) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """Per group of `_SAME_VERBS`: every form of its verbs as `terms` reads them, and the verbs themselves; made
    once per `terms` rather than for each sentence checked."""
    return tuple((frozenset(w for v in group for w in terms(f"{v} {v}s {v}d {v}ed {v}es {v.removesuffix('e')}ing")),
                  frozenset(w for v in group for w in terms(v))) for group in _SAME_VERBS)


def _default_statements(passage: str) -> list[str]:
    """The passage's sentences, a bare "This is the default behaviour." joined to the sentence it marks."""
    out: list[str] = []
    for sentence in _SENTENCE.split(passage):
        if out and _MARKS_THE_ONE_BEFORE.match(sentence.strip()):
            out[-1] += " " + sentence
        else:
            out.append(sentence)
    return out
