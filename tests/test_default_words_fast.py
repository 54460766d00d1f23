"""Yes/no answers checked against defaults stated in words ("Allow is the default.", "default behavior is to …",
"does nothing by default", "is unset", "The default is --no-…"), under the setting the question names (also
without its label's placeholder), by an option marked "(default)" or stated as "the default behavior", with
"includes" read as "adds", and with the file name's words and a negation the question repeats set aside (fast
tier: no model)."""

from engine.checks import check_sentences
from engine.claim_text import content_words
from engine.prompting import Source
from engine.yes_no import expected_answer


def _supported(answer: str, text: str, question: str, path: str = "/docs/tool.1.md") -> bool:
    return check_sentences(answer, [Source(1, path, 0, None, None, text)], None, question=question)[0].supported


def _only_supported(answer: str, text: str, question: str, path: str = "/docs/tool.1.md") -> None:
    """`answer` ("Yes." or "No.") passes the check and the other one is flagged."""
    other = "No." if answer == "Yes." else "Yes."
    assert _supported(answer, text, question, path)
    assert not _supported(other, text, question, path)


def test_a_word_that_is_the_default_answers_a_question_that_asks_that_word():
    text = ("--allow-remote-prompt\n       Disallow or allow clients to use remote prompts; see the option\n"
            "       prompt-mode for details. Allow is the default.\n")
    question = "Does promptd allow clients to use remote prompts by default?"
    assert expected_answer(question, " ".join(text.split()), content_words) is True
    _only_supported("Yes.", text, question, "/docs/promptd.1.md")
    other = text.replace("Allow is the default.", "Deny is the default.")
    assert expected_answer(question, " ".join(other.split()), content_words) is None  # names no asked word


def test_a_default_behaviour_marks_what_is_done_by_default():
    text = ("Because archives travel between systems, fetchz's default behavior is to match both wildcard and\n"
            "literal names case-sensitively.\n")
    question = "Does fetchz match names case-sensitively by default?"
    assert expected_answer(question, text, content_words) is True
    assert not _supported("No.", text, question)


def test_does_nothing_by_default_answers_whether_it_does_anything():
    text = ("STAMP_REGISTRY\n       The archive(STAMP) command does nothing by default. Set this variable to\n"
            "       enable it.\n")
    question = "Does the archive(STAMP) command do anything by default?"
    assert expected_answer(question, " ".join(text.split()), content_words) is False
    _only_supported("No.", text, question)


def test_unset_by_default_answers_whether_it_is_set():
    text = "BUILD_GLOBAL_TARGET\n       Switch on a global target. By default BUILD_GLOBAL_TARGET is unset.\n"
    assert expected_answer("Is BUILD_GLOBAL_TARGET set by default?", text, content_words) is False
    assert expected_answer("Is BUILD_GLOBAL_TARGET unset by default?", text, content_words) is True
    _only_supported("No.", text, "Is BUILD_GLOBAL_TARGET set by default?")
    # one word swapped at a time: "enabled" here, while "set" stays as the question says it
    unity = "BUILD_UNITY … By default, this variable is not set, which will result in unity builds being disabled."
    assert expected_answer("Are unity builds enabled by default when BUILD_UNITY is not set?", unity,
                           content_words, label="BUILD_UNITY") is False


def test_a_sentence_under_the_setting_the_question_names_need_not_repeat_the_other_names_it_gives():
    passage = "BUILD_RESOLVE_LINKS … This is not enabled by default because the links are often wanted."
    question = "Does find_module() resolve symbolic links in <ModuleName>_DIR by default (BUILD_RESOLVE_LINKS)?"
    assert expected_answer(question, passage, content_words, label="BUILD_RESOLVE_LINKS") is False
    assert expected_answer(question, passage, content_words, label="BUILD_OTHER_SETTING") is None
    unnamed = "Does find_module() resolve symbolic links in <ModuleName>_DIR by default?"
    assert expected_answer(unnamed, passage, content_words, label="BUILD_RESOLVE_LINKS") is None
    text = ("BUILD_RESOLVE_LINKS\n       Set to TRUE to tell find_module() calls to resolve symbolic links in\n"
            "       the value of <ModuleName>_DIR.\n\n       This is not enabled by default because the links are\n"
            "       often wanted.\n")
    _only_supported("No.", text, question)


def test_a_setting_named_without_the_placeholder_of_its_label_is_the_item_asked_about():
    text = ("PKG_RPM_<component>_PACKAGE_AUTOREQ\n       Enable or disable automatic dependency detection.\n\n"
            "       NOTE:\n          By default automatic dependency detection is enabled by the rpm generator.\n")
    question = "Is automatic dependency detection enabled by default for PKG packages (PKG_RPM_PACKAGE_AUTOREQ)?"
    _only_supported("Yes.", text, question)
    other = "Is automatic dependency detection enabled by default for PKG packages (PKG_RPM_PACKAGE_AUTOREQPROV)?"
    assert expected_answer(other, "By default automatic dependency detection is enabled by the rpm generator.",
                           content_words, label="PKG_RPM_<component>_PACKAGE_AUTOREQ") is None


def test_an_option_marked_as_the_default_answers_by_its_form():
    text = ("--allow-duplicate-names\n       Allow duplicate names of symbols\n\n"
            "--no-allow-duplicate-names\n       Do not allow duplicate names (default)\n")
    question = "Does the linker allow duplicate names of symbols by default?"
    _only_supported("No.", text, question, "/docs/ldx.1.md")
    assert expected_answer(question, "--no-allow-duplicate-names … Do not allow duplicate names (default)",
                           content_words, label="--no-allow-duplicate-names") is False
    assert expected_answer(question, "--allow-duplicate-names … Allow duplicate names (default)",
                           content_words, label="--allow-duplicate-names") is True
    assert expected_answer("Does the linker sort sections by default?", "--no-allow-duplicate-names … Do not "
                           "allow duplicate names (default)", content_words, label="--no-allow-duplicate-names") is None


def test_the_words_of_a_hyphenated_file_name_name_the_tool_not_what_is_asked():
    text = ("--[no-]verify\n       By default, the pre-push and commit-msg hooks are run. When --no-verify is\n"
            "       given, these are bypassed.\n")
    question = "Does git push run the pre-push and commit-msg hooks by default?"
    _only_supported("Yes.", text, question, "/docs/git-push.1.md")


def test_a_negation_the_question_repeats_from_the_sentence_does_not_turn_the_answer():
    text = ("--allow-unrelated-histories\n       By default, git merge command refuses to merge histories that do\n"
            "       not share a common ancestor.\n")
    question = "Does git merge merge histories that do not share a common ancestor by default?"
    _only_supported("No.", text, question, "/docs/git-merge.1.md")
    kept = "By default, this variable is not set, which will result in unity builds being disabled."
    assert expected_answer("Are unity builds enabled by default when BUILD_UNITY is not set?",
                           "BUILD_UNITY … " + kept, content_words, label="BUILD_UNITY") is False


def test_an_options_no_form_stated_as_the_default_says_no():
    text = ("--[no-]verbose-errors\n       When verbose errors are not enabled, all errors report \"denied\". The\n"
            "       default is --no-verbose-errors.\n")
    question = "Does the daemon send verbose errors to clients by default?"
    _only_supported("No.", text, question, "/docs/served.1.md")


def test_an_option_that_is_the_default_behavior_answers_whether_it_is_the_default():
    text = ("--reuse, --no-reuse\n       Reuse a matching download when one is found in the cache. --reuse is the\n"
            "       default behavior. Use --no-reuse to turn it off.\n")
    question = "Is --reuse the default behavior of fetchz?"
    _only_supported("Yes.", text, question, "/docs/fetchz.1.md")
    assert expected_answer(question, "--reuse, --no-reuse … --fresh is the default behavior.", content_words,
                           label="--reuse, --no-reuse") is None  # names no asked word


def test_includes_by_default_answers_whether_it_adds():
    text = "The index file, by default, includes a checksum line for every member of the archive.\n"
    question = "Does stampz add a checksum line for every member to the index file by default?"
    _only_supported("Yes.", text, question, "/docs/stampz.1.md")
    removed = "The index file, by default, drops the checksum line of every member of the archive."
    assert expected_answer(question, removed, content_words) is None
