"""Defaults that a man page wraps onto an option or a quote, states as "Default 16", or names in words
("Default is lower case"); the answers checked against them (fast tier: no model)."""

from engine.answering import DEFAULT_QUESTION, QUANTITY_QUESTION, STATES_DEFAULT, Window, answer_shape_bonus
from engine.checks import _missed_default, check_sentences, evidence_for
from engine.claim_text import content_words, missing_facts, split_sentences
from engine.defaults import stated_default_boolean, stated_default_name, stated_default_number
from engine.prompting import Source
from engine.yes_no import expected_answer


def test_a_line_that_opens_with_an_option_or_a_quote_continues_the_wrapped_sentence():
    assert split_sentences("Less is sent. The default is\n           --compact.") == \
        ["Less is sent.", "The default is --compact."]
    assert split_sentences("Pick the walk. The default is normally\n   \"linear\", but not always.") == \
        ["Pick the walk.", 'The default is normally "linear", but not always.']
    assert split_sentences("Two kinds\n- one\n- two") == ["Two kinds", "- one", "- two"]  # bullets stay apart


def test_a_yes_no_answer_reads_a_default_wrapped_onto_the_next_line():
    src = Source(1, "/docs/sync.1.md", 0, None, None,
                 "--[no-]compact\n           Compact transfers send less when both sides share most objects. "
                 "The default is\n           --compact.\n")
    question = "Does sync use compact transfers by default?"
    assert check_sentences("Yes.", [src], None, question=question)[0].supported
    assert not check_sentences("No.", [src], None, question=question)[0].supported


def test_default_then_a_number_states_that_number():
    assert stated_default_number("Format <cols> bytes per row. Default 24 (-p: 40, -b: 8).") == "24"
    assert STATES_DEFAULT.search("Default 24 (-p: 40, -b: 8).")
    assert stated_default_number("Set the default 5 times") is None


def test_the_passage_that_states_the_default_number_is_the_evidence_over_an_example_that_matches_more_words():
    example = Source(1, "/docs/hexview.1.md", 0, None, None,
                     "Print 96 bytes with 12 bytes per row.\n% hexview -l 96 -c 12 file\n")
    option = Source(2, "/docs/hexview.1.md", 1, None, None,
                    "-c cols\n       Format <cols> bytes per row. Default 24 (-p: 40, -b: 8). Max 128.\n")
    question = "How many bytes per row does hexview print by default?"
    assert "Default 24" in evidence_for(question, [example, option], None).text
    assert not check_sentences("128 bytes.", [example, option], None, question=question)[0].supported


def test_a_default_named_in_words_answers_a_yes_no_question_about_another_value():
    text = "-u     Use upper case letters for digits above nine. Default is lower case."
    asked = "Does hexview use upper case letters by default?"
    assert expected_answer(asked, text, content_words) is False
    assert expected_answer("Does hexview use lower case letters by default?", text, content_words) is True
    assert expected_answer("Does hexview pad rows by default?", text, content_words) is None  # shares no word
    src = Source(1, "/docs/hexview.1.md", 0, None, None, text)
    assert check_sentences("No, hexview uses lower case letters.", [src], None, question=asked)[0].supported
    assert not check_sentences("Yes.", [src], None, question=asked)[0].supported


def test_a_default_stated_in_the_next_sentence_is_the_one_a_bare_value_must_give():
    text = ("--word-diff[=<mode>] Show a word diff. By default, words are split at whitespace; see --word-regex "
            "below. The <mode> defaults to plain, and must be one of:")
    sentence = "By default, words are split at whitespace; see --word-regex below."
    window = Window(1, sentence, text, "--word-diff[=<mode>]")
    question = "What mode does wdiff's --word-diff default to?"
    # the sentence says there is a default but names no value, so the passage's stated one counts
    assert "plain" in _missed_default("--word-diff=none.", question, window, window)
    assert _missed_default("It is plain.", question, window, window) == ""
    named = Window(1, "By default, words are split at whitespace.", "By default, words are split at whitespace.")
    assert _missed_default("--word-diff=none.", question, named, named) == ""  # nothing to hold it to


def test_a_manual_section_number_is_no_quantity_that_answers_how_many():
    question = "Below what percentage of the changes does tree --dirstat hide a directory?"
    see_also = Window(1, "The defaults are set by the tree.dirstat variable (see tree-config(1)).",
                      "The defaults are set by the tree.dirstat variable (see tree-config(1)).")
    limit = Window(1, "A whole number sets a cut-off percent (4%).", "A whole number sets a cut-off percent (4%).")
    bonus = answer_shape_bonus(question, [see_also, limit])
    assert bonus[0] == 0 and bonus[1] > 0


def test_a_default_given_as_a_value_of_a_number_is_the_one_an_answer_must_give():
    src = Source(1, "/docs/link.1.md", 0, None, None,
                 "--split-at[=count]\n           No single output section holds more than count entries; one "
                 "input section is never split.  count defaults to a value of 4096.\n")
    question = "What does the count of link's --split-at default to?"
    assert stated_default_number("count defaults to a value of 4096.") == "4096"
    assert not check_sentences("1.", [src], None, question=question)[0].supported  # "one" is in the text
    assert check_sentences("4096.", [src], None, question=question)[0].supported


def test_of_two_defaults_that_hang_on_another_setting_the_one_for_it_left_unset_is_the_default():
    text = ('Defaults to "yes" when Policy= is not set, or set to "up". Defaults to "no" when Policy= is set '
            'to "down".')
    assert stated_default_boolean(text) is True
    assert stated_default_boolean('Defaults to "yes" when Policy= is set to "up". Defaults to "no".') is None
    question = "Is the link required for online by default (Required=)?"
    src = Source(1, "/docs/link.5.md", 0, None, None, "Required=\n           Takes a boolean. " + text)
    assert check_sentences("Yes.", [src], None, question=question)[0].supported


def test_the_default_value_of_a_setting_under_a_label_states_a_default():
    assert STATES_DEFAULT.search("The default value of HISTFILE, the file the shell keeps its history in")


def test_a_question_that_opens_with_a_when_clause_asks_no_time():
    question = "When no input encoding is given to recode, what is the default taken from?"
    assert not QUANTITY_QUESTION.search(question)
    assert QUANTITY_QUESTION.search("When does cron run the daily jobs?")
    src = Source(1, "/docs/recode.1.md", 0, None, None,
                 "If no input encoding is given, the default is taken from the current locale's character set.")
    assert check_sentences("The default is taken from the current locale's character set.", [src], None,
                           question=question)[0].supported


def test_disabled_by_default_answers_whether_it_is_enabled():
    text = "-ea Enables checks. By default, checks are disabled in all modules and classes."
    assert expected_answer("Are checks enabled by default?", text, content_words) is False
    assert expected_answer("Are checks disabled by default?", text, content_words) is True
    src = Source(1, "/docs/vm.1.md", 0, None, None, text)
    assert check_sentences("No.", [src], None, question="Are checks enabled by default?")[0].supported
    assert not check_sentences("Yes.", [src], None, question="Are checks enabled by default?")[0].supported


def test_a_line_wrapped_after_a_closing_parenthesis_continues_the_sentence():
    assert split_sentences("Gives the ratio as a percentage (%)\n       of all runs. Next.") == \
        ["Gives the ratio as a percentage (%) of all runs.", "Next."]


def test_an_identifier_must_be_in_the_source_as_whole_words():
    source = "cloudvault\n             Overrides the endpoint. Defaults to https://cloudvault.example.com/"
    assert missing_facts("https://vault.example.com/", source) == ["vault.example.com"]
    assert missing_facts("https://cloudvault.example.com/", source) == []
    assert missing_facts("It is 4096 bytes for --dig-holes.", "--dig-holes uses 4096 bytes") == []  # dashes


def test_a_question_about_a_setting_left_unset_asks_for_its_default():
    assert DEFAULT_QUESTION.search("Which log format does the tool use when log_format is unset?")
    assert DEFAULT_QUESTION.search("How long does it wait when the build timeout is not set?")
    assert not DEFAULT_QUESTION.search("What happens when the disk is full?")

    question = "Which log format does the tool use when log_format is unset?"
    label = Window(1, "Controls the format of log lines.", "log_format Controls the format of log lines.")
    stated = Window(1, "If unset, default is plain.", "If unset, default is plain.")
    bonus = answer_shape_bonus(question, [label, stated])
    assert bonus is not None and bonus[1] > bonus[0]


def test_a_name_stated_as_the_default_under_a_condition_is_the_one_a_bare_name_must_give():
    assert stated_default_name("The default is WixUI_Basic in case no components have been defined and "
                               "WixUI_Tree otherwise.") == "WixUI_Basic"
    assert stated_default_name("The default is fast for presets.") is None
    src = Source(1, "/docs/pkg-generators.7.md", 0, None, None,
                 "PKG_WIX_UI_REF\n       This variable allows you to override the Id of the <UIRef> element.\n\n"
                 "       The default is WixUI_Basic in case no components have been defined and WixUI_Tree\n"
                 "       otherwise.\n")
    question = "Which WiX UI does the packager use by default when no components are defined (PKG_WIX_UI_REF)?"
    assert check_sentences("The packager uses WixUI_Basic.", [src], None, question=question)[0].supported
    assert not check_sentences("The packager uses WixUI_Minimal.", [src], None, question=question)[0].supported
