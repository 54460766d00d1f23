"""Labelled passages (engine/passages.py) and the checks that rest on them (fast tier: no model)."""

from engine.checks import check_sentences, evidence_for, source_windows
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
