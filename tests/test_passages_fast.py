"""Labelled passages (engine/passages.py) and the checks that rest on them (fast tier: no model)."""

from engine.answering import source_windows
from engine.checks import check_sentences, evidence_for
from engine.passages import items, source_items
from engine.prompting import Source

JOURNALD = """OPTIONS
       All options are configured in the [Journal] section:

       SyncIntervalSec=
           The timeout before synchronizing journal files to disk. After
           syncing, journal files are placed in the OFFLINE state.

           Note that syncing is unconditionally done immediately after a log
           message of priority CRIT. The default timeout is 5 minutes.

       MaxLevelStore=
           Controls the maximum log level of messages that are stored. The
           default is 10 for all of them.
"""


def test_a_label_line_and_its_indented_paragraphs_make_one_item():
    found = [i for i in items(JOURNALD) if i.label]
    assert [i.label for i in found] == ["OPTIONS", "SyncIntervalSec=", "MaxLevelStore="]
    sync = found[1]
    assert len(sync.paragraphs) == 2 and sync.paragraphs[1].endswith("The default timeout is 5 minutes.")
    assert "MaxLevelStore" not in " ".join(sync.paragraphs)  # the next setting starts a new item


def test_plain_prose_is_one_item_per_paragraph_without_labels():
    text = "The bulk rise takes four hours.\nIt doubles.\n\nShape the loaf. Rest it overnight.\n"
    assert [(i.label, len(i.paragraphs)) for i in items(text)] == [("", 1), ("", 1)]


def test_the_default_two_paragraphs_below_its_setting_is_found_and_checked():
    src = Source(1, "/docs/journald.conf.md", 0, None, None, JOURNALD)
    question = "What is journald's default SyncIntervalSec timeout?"
    ev = evidence_for(question, [src], None)
    assert ev.text.startswith("SyncIntervalSec=") and "5 minutes" in ev.text
    right = check_sentences("The default SyncIntervalSec= timeout is 5 minutes [1].", [src], None, question=question)
    wrong = check_sentences("The default SyncIntervalSec= timeout is 10 minutes [1].", [src], None, question=question)
    assert right[0].supported, right[0].reason
    assert not wrong[0].supported and "10" in wrong[0].missing  # 10 is on the page, but as another setting's


def test_a_source_that_starts_inside_an_item_takes_its_label_from_an_overlapping_source():
    at = JOURNALD.index("           Note that syncing")
    whole = Source(1, "/docs/journald.conf.md", 3, None, None, JOURNALD)
    tail = Source(2, "/docs/journald.conf.md", 4, None, None, JOURNALD[at:])
    other = Source(3, "/docs/other.md", 0, None, None, JOURNALD[at:])  # same text, another file: no label
    found = source_items([whole, tail, other])
    assert found[2][0].label == "SyncIntervalSec=" and found[3][0].label == ""
    assert any(w.source == 2 and w.text.startswith("SyncIntervalSec= … ") for w in source_windows([whole, tail]))


def test_a_caption_introduces_the_indented_example_under_it():
    text = ("       For example, consider the following mke2fs.conf fragment:\n\n"
            "       [defaults]\n            blocksize = 4096\n            inode_ratio = 16384\n\n"
            "       blocksize\n              This relation specifies the default blocksize.\n")
    example = items(text)[1]
    assert example.caption.endswith("fragment:") and example.label == "[defaults]"
    src = Source(1, "/docs/mke2fs.conf.md", 0, None, None, text)
    ev = evidence_for("In the example fragment, what blocksize is set?", [src], None)
    assert "4096" in ev.text


NETWORKD = """[NETWORK] SECTION OPTIONS
       SpeedMeter=
           Takes a boolean. If set to yes, systemd-networkd measures the
           traffic of each interface. Defaults to no.

       SpeedMeterIntervalSec=
           Specifies the time interval to calculate the traffic speed of
           each interface. If SpeedMeter=no, the value is ignored. Defaults
           to 10sec.

       ManageForeignRoutes=
           A boolean. When true, networkd removes foreign routes. Defaults
           to true.
"""


def test_a_camelcase_option_name_and_the_default_beside_it_answer_a_question_in_plain_words():
    src = Source(1, "/docs/networkd.conf.md", 0, None, None, NETWORKD)
    question = "Over what interval does networkd compute the traffic speed by default?"
    ev = evidence_for(question, [src], None)
    assert ev.text.startswith("SpeedMeterIntervalSec=") and "10sec" in ev.text  # not SpeedMeter's "no"
    assert check_sentences("10sec.", [src], None, question=question)[0].supported


def test_an_answer_that_only_repeats_a_what_question_is_not_an_answer():
    src = Source(1, "/docs/networkd.conf.md", 0, None, None, NETWORKD)
    echo = check_sentences("SpeedMeter= is the default [1].", [src], None, question="What is SpeedMeter by default?")
    assert not echo[0].supported and echo[0].reason == "it only repeats the question"
    value = check_sentences("SpeedMeter= defaults to no [1].", [src], None, question="What is SpeedMeter by default?")
    assert value[0].supported, value[0].reason  # "no" is an answer, though a stop word elsewhere
    framed = check_sentences("The SpeedMeter= option [1].", [src], None, question="What is SpeedMeter by default?")
    assert framed[0].reason == "it only repeats the question"  # "option" only frames the name asked about
    yes_no = check_sentences("ManageForeignRoutes= defaults to true [1].", [src], None,
                             question="Does ManageForeignRoutes= default to true?")
    assert yes_no[0].reason != "it only repeats the question"  # a yes/no question is answered by its own words


def test_a_conditional_when_does_not_ask_for_a_number():
    text = ("       Shell\n           The login shell of the user. If not specified, this will be set to\n"
            "           /usr/sbin/nologin.\n")
    src = Source(1, "/docs/sysusers.d.md", 0, None, None, text)
    checks = check_sentences("/usr/sbin/nologin [1]", [src], None,
                             question="Which login shell is set when none is specified?")
    assert checks[0].supported, checks[0].reason
    when = check_sentences("The login shell [1].", [src], None, question="When is the login shell set?")
    assert not when[0].supported  # "when" as the question word still asks for a time


def test_with_the_default_of_states_a_default():
    text = ("       Cache-Start, Cache-Grow, Cache-Limit\n"
            "           APT uses a resizable memory mapped cache file. Cache-Start is a hint of the size\n"
            "           the cache will grow to, the memory APT requests at startup. The default value is\n"
            "           20971520 bytes. Note that this space must be available, so lower it on small devices.\n\n"
            "           Cache-Grow defines in bytes with the default of 1048576 how much the cache size\n"
            "           will be increased when the space defined by Cache-Start is not enough.\n")
    src = Source(1, "/docs/apt.conf.md", 0, None, None, text)
    ev = evidence_for("By how many bytes does Cache-Grow increase the cache by default?", [src], None)
    assert "1048576" in ev.text
