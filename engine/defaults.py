"""What a sentence states as a default: a boolean ("Defaults to no"), a number ("the default is 3", "(default: 3)",
"This is 16392 by default") or one word ("the default is --check=crc64,"), and the default of each setting a
list names ("The default values for A, B, C are respectively 100000, 600100000 and 65536").

A main claim may give a value that stands in the right passage yet is not the default asked for: "The minimum
is 0 and the maximum is 4; the default is 3." answered with "4". The checks compare the claim with these values,
and a yes/no answer with the boolean (engine/yes_no.py).
"""

from __future__ import annotations

import re
from typing import TypeVar

T = TypeVar("T")


def the_one(values: set[T]) -> T | None:
    """The value when exactly one was read: none says nothing, two disagree."""
    return next(iter(values)) if len(values) == 1 else None


BOOLEAN_PAIRS = (("yes", "no"), ("on", "off"), ("true", "false"), ("enabled", "disabled"))  # (true, false) words
_BOOLEAN = "|".join(word for pair in BOOLEAN_PAIRS for word in pair)
_VALUE = r"[\"'«“]?(" + _BOOLEAN + r")\b"
_STATED_BOOLEAN = [  # each captures the value
    re.compile(r"\bdefault(?:s|ed|ing)?\s+to\s+" + _VALUE, re.I),  # "Defaults to true"
    re.compile(r"\bdefault(?:\s+(?:value|setting))?\s*(?:is(?:\s+set\s+to)?|:|=)\s*" + _VALUE,
               re.I),  # "The default value is false", "default: no" (not "the default on Debian")
    re.compile(r"\bby\s+default,?\s+(?:(?:it|(?:this|the)\s+(?:flag|option|setting|feature))\s+)?(?:is\s+)?"
               r"(?:set\s+to\s+|turned\s+)?" + _VALUE,
               re.I),  # "By default it is set to "true"", "By default this flag is on."
    re.compile(r"\b(" + _BOOLEAN + r")[\"'»”]?\s+(?:is\s+)?(?:\(the default\)|by default|the default)",
               re.I),  # "When false (the default)", "enabled by default"
]


_NEGATION_BEFORE = re.compile(r"(?:\bnot|\bnever|n't)\s+$", re.I)  # "Strict mode is not enabled by default."
_NEGATION_REACH = 8  # characters before a value that may hold its negation


def stated_default_boolean(text: str) -> bool | None:
    """The boolean default the text states, or None when it states none or contradicts itself."""
    text = " ".join(text.split())  # justified man-page lines: "enabled  by  default"
    values, when_unset = set(), set()
    for pattern in _STATED_BOOLEAN:
        for m in pattern.finditer(text):
            negated = bool(_NEGATION_BEFORE.search(text[max(0, m.start(1) - _NEGATION_REACH) : m.start(1)]))
            value = boolean_value(m.group(1)) != negated
            values.add(value)
            if _WHEN_UNSET.match(text, m.end()):
                when_unset.add(value)
    return the_one(values) if len(values) == 1 else the_one(when_unset)


# Of two defaults that depend on another setting, the one for when it is left alone is the default: "Defaults to
# "yes" when ActivationPolicy= is not set, or set to "up" … Defaults to "no" when ActivationPolicy= is set to …".
_WHEN_UNSET = re.compile(r"[\"'»”]?\s+(?:when|if)\s+[\w.=-]+\s+is\s+(?:not\s+set|unset|not\s+specified)\b", re.I)


_NUMBER = r"(-?\d+(?:[.,:]\d+)*)"  # as engine.claim_text reads numbers: "1024:524288" is one
_STATED_NUMBER = [  # each captures the number
    re.compile(r"\bdefault(?:\s+[a-z][\w-]*){0,2}?(?:\s+for\s+[\w-]+)?\s+(?:is|was)\s+"
               r"(?:the\s+special\s+value\s+of\s+)?" + _NUMBER,
               re.I),  # "the default is 3", "The default tab width is 8", "the default for n is 8"
    re.compile(r"\bdefaults?\s+to\s+(?:a\s+value\s+of\s+)?" + _NUMBER,
               re.I),  # "it defaults to 1", "count defaults to a value of 32768"
    re.compile(r"\(default:?\s*" + _NUMBER, re.I),  # "(default: 3)", "(default 76)"
    re.compile(r"(?:^|[.;]\s+)default\s+" + _NUMBER + r"\b", re.I),  # "Default 16 (-i: 12, -ps: 30, -b: 6)."
    re.compile(r"\bdefault:\s*" + _NUMBER, re.I),  # "[default: 12]", "(Integer; default: 512; since Linux 2.6.17)"
    re.compile(r"\bdefault\s+of\s+" + _NUMBER, re.I),  # "(default of 75 columns)"
    re.compile(_NUMBER + r"(?:\s+[a-z]+)?\s+by\s+default\b", re.I),  # "This is 16392 by default"
    re.compile(r"\bby\s+default,?\s+" + _NUMBER, re.I),  # "By default 64 KB of buffer space is used"
    re.compile(r"\bby\s+default,?\s+(?:[\w-]+\s+){1,4}?is\s+(?:set\s+to\s+)?" + _NUMBER,
               re.I),  # "by default, the limit is set to 50 redirects"
    re.compile(_NUMBER + r"(?:\s+[a-z]+)?\s+\((?:this\s+is\s+)?(?:the\s+)?default\)",
               re.I),  # "100,000 bytes through 900,000 bytes (the default)"
]


def stated_default_number(sentence: str) -> str | None:
    """The one number the sentence states as a default, as written; None when it states none, or several."""
    return the_one({number for number, _ in stated_default_numbers(sentence)})


_LEAD_IN_CHARS = 80  # how far before a stated default its subject may stand ("libcurl currently defaults to")
_CLAUSE_END = re.compile(r"[.;:!?][\"'”»]?\s")


def stated_default_numbers(text: str) -> list[tuple[str, str]]:
    """Each number the text states as a default, with the words before it back to the last clause end: what
    it is the default of ("libcurl currently defaults to 200 ms. Firefox and Chrome currently default to 300
    ms." gives 200 for libcurl and 300 for Firefox and Chrome)."""
    found = []
    for pattern in _STATED_NUMBER:
        for m in pattern.finditer(text):
            lead_in = text[max(0, m.start() - _LEAD_IN_CHARS) : m.start()]
            found.append((m.group(1).rstrip(".,"), _CLAUSE_END.split(lead_in)[-1]))
    return found


_NAME = r"[\"'«“]?(-{0,2}[A-Za-z][\w=.:/+-]*?)[\"'»”]?(?=[.,;)]*(?:\s|$))"
_CONDITION = r"(?:in\s+case|when|if|unless)\b"  # "The default is WixUI_InstallDir in case no components …"
_STATED_NAME = [  # a single word closes the phrase: "the default is --check=crc64," (not "is fast for presets")
    re.compile(r"\bdefault(?:\s+[a-z][\w-]*){0,2}?\s+is\s+" + _NAME + r"(?:[.,;)]|\s+" + _CONDITION + ")",
               re.I),  # "the default is --check=crc64,", "The default compression type is xz.", "… is X in case …"
    re.compile(r"\bdefault(?:s|ing)?\s+to\s+" + _NAME + r"[.,;)]", re.I),
    re.compile(r"\(default:\s*" + _NAME + r"\)", re.I),
    # "… use SHA-256 instead of the default SHA-1": a value-like word only (a capital, digit or sign), as "instead
    # of the default behaviour" names no value
    re.compile(r"\b(?:instead\s+of|rather\s+than)\s+the\s+default\s+(?=[\"'«“]?[\w.-]*(?-i:[A-Z0-9=/-]))" + _NAME,
               re.I),
    re.compile(r"(?<![\w-])default=" + _NAME, re.I),  # gcloud's "--reservation-affinity=…; default=\"any\""
    re.compile(r"\bby\s+default,?\s+(?:[\w-]+,?\s+){1,6}?is\s+" + _NAME + r"[.,;)]",
               re.I),  # "By default, ACTION is read,", "By default, the unit, sizes are expressed in, is byte,"
    re.compile(r"(?:^|[.!?]\s+)" + _NAME + r"\s+is\s+the\s+default\b",
               re.I),  # "Basic is the default authentication method curl uses with proxies."
    # "By default, the command shows the diffstat, but it …"; not a list ("… shows the index, name and flag").
    re.compile(r"\bby\s+default,?\s+(?:[\w-]+\s+){1,3}?(?:will\s+)?(?:show|display|print|use|output)s?\s+"
               r"(?:the\s+)?" + _NAME + r"(?:[.;)]|,\s+but\b)", re.I),
]
_NOT_A_NAME = {"the", "a", "an", "to", "not", "no", "yes", "on", "off", "true", "false", "used", "set",
               "this", "that", "it", "which", "what", "there",  # "This is the default."
               "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}  # numbers


def stated_default_name(sentence: str) -> str | None:
    """The one word the sentence states as a default ("the default is --check=crc64."), when it is not a
    number or a boolean (read above)."""
    values = {m.group(1) for pattern in _STATED_NAME for m in pattern.finditer(sentence)}
    return the_one({v for v in values if v.lower() not in _NOT_A_NAME})


_VALUE_TYPES = {"string", "str", "boolean", "bool", "number", "integer", "int", "float", "list", "path", "octal",
                "text", "char", "character", "size", "time"}  # "ENV_PATH (string)" gives a type, not a default
_LABEL_DEFAULT = re.compile(r"^([\w.-]+)\s+\(([\w.-]+)\)$")  # "keyseq-timeout (500)", "page-completions (On)"


def label_default(label: str, question: str) -> str | None:
    """The default an item's label states as "name (value)", as readline's variables are listed
    ("completion-query-items (100)"), when the question names that setting; None otherwise."""
    m = _LABEL_DEFAULT.match(label.strip())
    if not m or m.group(2).lower() in _VALUE_TYPES:
        return None
    named = re.search(r"(?<![\w-])" + re.escape(m.group(1)) + r"(?![\w-])", question, re.I)
    return m.group(2) if named else None


def boolean_value(word: str) -> bool | None:
    """True for "on", "yes", "true", "enabled"; False for their opposites; None for any other word."""
    for true, false in BOOLEAN_PAIRS:
        if word.lower() in (true, false):
            return word.lower() == true
    return None


_RESPECTIVELY = re.compile(r"\bdefault\s+values\s+(?:for|of)\s+(?P<names>[^.;:]+?)\s+are\s+respectively\s+"
                           r"(?P<values>[^;]+?)\.?(?:\s*$|\.\s)", re.I)
_LIST_SEPARATOR = re.compile(r",\s+(?:and\s+)?|\s+and\s+")  # not "1,000"


def respective_default(question: str, sentence: str) -> str | None:
    """"The default values for SUB_GID_MIN, SUB_GID_MAX, SUB_GID_COUNT are respectively 100000, 600100000 and
    65536": the default of the one listed setting the question names (65536 for SUB_GID_COUNT)."""
    m = _RESPECTIVELY.search(sentence)
    if not m:
        return None
    names, values = _LIST_SEPARATOR.split(m.group("names")), _LIST_SEPARATOR.split(m.group("values"))
    if len(names) != len(values):
        return None
    asked = {value for name, value in zip(names, values)
             if re.search(r"(?<![\w=])" + re.escape(name.strip()) + r"(?![\w])", question, re.I)}
    return the_one(asked)
