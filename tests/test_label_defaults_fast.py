"""Definition lists whose entries follow each other with no blank line, each label stating its default as
"name (value)" (readline's variables are listed so), and the answers checked against them (fast tier: no model)."""

from engine.checks import check_sentences, evidence_for, only_repeats
from engine.defaults import label_default
from engine.passages import items
from engine.prompting import Source
from engine.yes_no import expected_answer

# Entries run on without blank lines; the chunk starts inside the entry before the first label.
EDITOR = """              when the pager is active.  The value is ignored if it is
              negative.
       beep-style (visible)
              Controls what happens when the editor wants to ring the bell.
              If set to none, it never rings.
       prompt-items (250)
              This sets when the person is asked whether to list the possible
              matches.  It may be set to any whole number.  If the number of
              matches is at least this value, the editor asks first;
              otherwise they are listed at once.
       auto-paging (On)
              If set to On, the editor shows a screenful of matches at a
              time.  The default is Off for the older pager command, which
              is unbound.
       case-folding (Off)
              If set to On, matching ignores the case of letters.
"""
SRC = Source(1, "/docs/editor.5.md", 0, None, None, EDITOR)


def test_labels_without_blank_lines_between_entries_each_open_an_item():
    found = items(EDITOR)
    assert [i.label for i in found] == ["", "beep-style (visible)", "prompt-items (250)", "auto-paging (On)",
                                        "case-folding (Off)"]
    assert found[2].paragraphs[0].startswith("This sets when the person is asked")
    assert EDITOR[found[3].start:].startswith("       auto-paging (On)")


def test_a_label_states_the_default_of_the_setting_the_question_names():
    assert label_default("prompt-items (250)", "What is the default of prompt-items?") == "250"
    assert label_default("prompt-items (250)", "What is the default of auto-paging?") is None
    assert label_default("ENV_PATH (string)", "What does ENV_PATH default to?") is None  # a type, not a default
    assert label_default("-s, --special-files", "What does -s do?") is None


def test_a_yes_no_answer_is_checked_against_the_label_before_the_sentences():
    question = "Is the editor's auto-paging on by default?"
    # the body's "The default is Off" is about another command; the label says On
    assert expected_answer(question, "auto-paging (On) If set to On … The default is Off for the older command.",
                           label="auto-paging (On)") is True
    assert not check_sentences("No.", [SRC], None, question=question)[0].supported
    assert check_sentences("Yes.", [SRC], None, question=question)[0].supported
    assert check_sentences("No.", [SRC], None, question="Is case-folding on by default?")[0].supported


def test_a_number_in_the_label_supports_the_answer_and_another_number_misses_it():
    question = "How many matches make the editor ask before listing them by default (prompt-items)?"
    assert check_sentences("250.", [SRC], None, question=question)[0].supported
    checks = check_sentences("It asks at 100 matches.", [SRC], None, question=question)
    assert not checks[0].supported
    ev = evidence_for(question, [SRC], None)
    assert ev.text.startswith("prompt-items (250)")


def test_a_default_stated_across_justified_spacing_answers_yes_or_no():
    src = Source(1, "/docs/shell.1.md", 0, None, None,
                 "The shell supports a history expansion feature similar to the one in csh. This section says "
                 "which syntax features are available. This feature is  enabled  by  default  for interactive "
                 "shells, and can be disabled with the +H option.")
    question = "Is history expansion enabled by default in interactive shells?"
    yes = check_sentences("Yes. The history expansion feature is enabled by default in interactive shells.", [src],
                          None, question=question)
    assert yes[0].supported and "enabled  by  default" in yes[0].evidence
    no = check_sentences("No. The history expansion feature is not enabled by default in interactive shells.",
                         [src], None, question=question)
    assert not no[0].supported
    unsaid = Source(1, "/docs/shell.1.md", 0, None, None,
                    "The shell supports a history expansion feature similar to the one in csh.")
    assert not check_sentences("Yes. The history expansion feature is enabled by default in interactive shells.",
                               [unsaid], None, question=question)[0].supported  # nothing says it


def test_an_answer_that_repeats_the_question_with_its_verb_in_another_form_names_nothing():
    assert only_repeats("pgbench uses the default seed.", "Which seed does pgbench use by default?")
    assert not only_repeats("pgbench uses the time as its seed.", "Which seed does pgbench use by default?")


def test_how_many_megabytes_is_answered_by_megabytes():
    src = Source(1, "/docs/zip.1.md", 0, None, None,
                 "-dd Display dots while each entry is zipped. The default is a dot every 10 MB of input file "
                 "processed.")
    question = "Every how many megabytes of input does zip display a dot by default?"
    assert check_sentences("10 MB.", [src], None, question=question)[0].supported


def test_of_the_first_answering_passages_the_one_whose_label_states_the_default_says_yes_or_no():
    from engine.answering import Window, check_context
    from engine.checks import _yes_no_passage

    older = Window(1, "In the first release, the editor's auto-paging was off by default.",
                   "In the first release, the editor's auto-paging was off by default.")
    labelled = Window(1, "If set to On, the editor shows a screenful of matches at a time.",
                      "auto-paging (On) If set to On, the editor shows a screenful of matches at a time.",
                      "auto-paging (On)")
    ctx = check_context([SRC], None)
    found = _yes_no_passage("Is the editor's auto-paging on by default?", [(2.0, older), (1.9, labelled)], ctx)
    assert found is not None and found[1] is labelled and found[2] is True


def test_no_then_the_question_stated_as_true_in_the_same_sentence_says_both():
    question = "Is the editor's case-folding on by default?"
    checks = check_sentences("No, the editor's case-folding is on by default.", [SRC], None, question=question)
    assert not checks[0].supported and checks[0].reason == "it says both yes and no"
    assert check_sentences("No, the editor's case-folding is not on by default.", [SRC], None,
                           question=question)[0].supported
