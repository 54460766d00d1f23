"""The number a sentence states as a default: "the default is 3", "defaults to 1", "(default: 3)",
"default of 75 columns", "This is 16392 by default".

A main claim may give a number that stands in the right passage yet is not the default asked for: "The minimum
is 0 and the maximum is 4; the default is 3." answered with "4". The check compares the claim with this value.
"""

from __future__ import annotations

import re

_NUMBER = r"(-?\d+(?:[.,:]\d+)*)"  # as engine.checks reads numbers: "1024:524288" is one
_STATED = [  # each captures the number
    re.compile(r"\bdefault(?:\s+(?:value|setting|level|size))?\s+(?:is|was)\s+(?:the\s+special\s+value\s+of\s+)?"
               + _NUMBER, re.I),  # "the default is 3", "the default is the special value of 0"
    re.compile(r"\bdefaults?\s+to\s+" + _NUMBER, re.I),  # "it defaults to 1"
    re.compile(r"\(default:?\s*" + _NUMBER, re.I),  # "(default: 3)", "(default 76)"
    re.compile(r"\bdefault\s+of\s+" + _NUMBER, re.I),  # "(default of 75 columns)"
    re.compile(_NUMBER + r"(?:\s+[a-z]+)?\s+by\s+default\b", re.I),  # "This is 16392 by default"
]


_NAME = r"[\"'«“]?(-{0,2}[A-Za-z][\w=.:/+-]*?)[\"'»”]?(?=[.,;)]*(?:\s|$))"
_STATED_NAME = [  # a single word closes the phrase: "the default is --check=crc64," (not "is fast for presets")
    re.compile(r"\bdefault(?:\s+(?:value|setting|mode))?\s+is\s+" + _NAME + r"[.,;)]", re.I),
    re.compile(r"\bdefaults?\s+to\s+" + _NAME + r"[.,;)]", re.I),
    re.compile(r"\(default:\s*" + _NAME + r"\)", re.I),
]
_NOT_A_NAME = {"the", "a", "an", "to", "not", "no", "yes", "on", "off", "true", "false", "none", "zero", "used", "set"}


def stated_default_name(sentence: str) -> str | None:
    """The one word the sentence states as a default ("the default is --check=crc64."), when it is not a
    number or a boolean (engine/yes_no.py reads those)."""
    values = {m.group(1) for pattern in _STATED_NAME for m in pattern.finditer(sentence)}
    values = {v for v in values if v.lower() not in _NOT_A_NAME}
    return values.pop() if len(values) == 1 else None


def stated_default_number(sentence: str) -> str | None:
    """The one number the sentence states as a default, as written; None when it states none, or several."""
    values = {m.group(1).rstrip(".,") for pattern in _STATED for m in pattern.finditer(sentence)}
    return values.pop() if len(values) == 1 else None
