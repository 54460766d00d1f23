"""Yes/no answers to yes/no questions, checked against the boolean default a passage states.

"Does networkd measure traffic by default?" — "No." has no words to compare with a source; what can be
checked is whether the passage that answers the question says "Defaults to no" (or true, on, enabled …), or,
for "Are source files preserved by default?", whether it says "Source files are (not) preserved by default".
"""

from __future__ import annotations

import re

YES_NO_QUESTION = re.compile(r"^\W*(is|are|was|were|do|does|did|can|could|should|will|would|has|have|had|may|"
                             r"must|shall)\b", re.I)
_ANSWER = re.compile(r"^\W*(yes|no)\b", re.I)
_VALUE = r"[\"'«“]?(yes|no|on|off|true|false|enabled|disabled)\b"
_STATED = [  # each captures the value
    re.compile(r"\bdefault(?:s|ed)?\s+to\s+" + _VALUE, re.I),  # "Defaults to true"
    re.compile(r"\bdefault(?:\s+(?:value|setting))?\s*(?:is(?:\s+set\s+to)?|:|=)\s*" + _VALUE,
               re.I),  # "The default value is false", "default: no" (not "the default on Debian")
    re.compile(r"\bby\s+default,?\s+(?:it\s+)?(?:is\s+)?(?:set\s+to\s+)?" + _VALUE,
               re.I),  # "By default it is set to "true""
    re.compile(r"\b(yes|no|on|off|true|false|enabled|disabled)[\"'»”]?\s+(?:is\s+)?(?:\(the default\)|by default|"
               r"the default)", re.I),  # "When false (the default)", "enabled by default"
]
_TRUE = {"yes", "on", "true", "enabled"}
_NEGATED = re.compile(r"\b(not|disabled?|off|never)\b", re.I)  # "Is X disabled by default?": "Yes" means false
_NOT = re.compile(r"\b(not|never|no longer)\b|n't\b", re.I)  # negates what a sentence says is done by default
_BY_DEFAULT = re.compile(r"\bby default\b", re.I)
_PARTICIPLE = re.compile(r"\b[a-z]{3,}(?:ed|en|wn)\b", re.I)  # "preserved", "hidden", "shown": what is done
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SETTING = re.compile(r"[\w.-]+=|\b[a-z]+[A-Z]\w*|\b[A-Z]\w*[a-z][A-Z]\w*")  # "FactoryReset=", "SpeedMeter"


def answer_polarity(claim: str) -> bool | None:
    """True for an answer that opens with "Yes", False for "No", None otherwise."""
    m = _ANSWER.match(claim)
    return None if m is None else m.group(1).lower() == "yes"


def stated_default(text: str) -> bool | None:
    """The boolean default the text states, or None when it states none or contradicts itself."""
    values = {m.group(1).lower() in _TRUE for pattern in _STATED for m in pattern.finditer(text)}
    return values.pop() if len(values) == 1 else None


def expected_answer(question: str, passage: str) -> bool | None:
    """Whether the passage says "yes" to the question: its stated default, turned round for a negated
    question. None when the passage states no default, or does not name the setting the question names."""
    names = {n.rstrip("=").lower() for n in _SETTING.findall(question)}
    if any(n not in passage.lower() for n in names):
        return None  # a default of another setting answers nothing
    default = stated_default(passage)
    if default is None:
        done = done_by_default(question, passage)
        return None if done is None else done != bool(_NOT.search(question))
    return default != bool(_NEGATED.search(question))


def done_by_default(question: str, passage: str) -> bool | None:
    """"Are source files preserved by default?" against "Source files are preserved by default.": True when a
    sentence says the question's participles happen by default, False when it says they do not, None when no
    sentence says either (or sentences disagree). Only for questions that ask "… by default"."""
    if not _BY_DEFAULT.search(question):
        return None
    done = {w.lower() for w in _PARTICIPLE.findall(question)}
    found = {not _NOT.search(sentence) for sentence in _SENTENCE.split(passage)
             if _BY_DEFAULT.search(sentence) and done and done <= set(re.findall(r"[\w-]+", sentence.lower()))}
    return found.pop() if len(found) == 1 else None
