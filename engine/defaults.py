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


def stated_default_number(sentence: str) -> str | None:
    """The one number the sentence states as a default, as written; None when it states none, or several."""
    values = {m.group(1).rstrip(".,") for pattern in _STATED for m in pattern.finditer(sentence)}
    return values.pop() if len(values) == 1 else None
