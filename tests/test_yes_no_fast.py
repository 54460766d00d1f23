"""A bare "Yes" or "No" checked against the default the answering passage states (fast tier: no model)."""

import numpy as np

from engine.answering import answering_passages, check_context
from engine.checks import check_sentences, evidence_for
from engine.claim_text import content_words
from engine.prompting import Source
from engine.defaults import stated_default_boolean
from engine.yes_no import expected_answer

NETWORKD = """       SpeedMeter=
           Takes a boolean. If set to yes, systemd-networkd measures the
           traffic of each interface. Defaults to no.

       ManageForeignRoutes=
           A boolean. When true, networkd removes foreign routes. Defaults
           to true.
"""
SRC = Source(1, "/docs/networkd.conf.md", 0, None, None, NETWORKD)


def test_the_ways_a_page_states_a_boolean_default():
    assert stated_default_boolean("Takes a boolean. Defaults to true.") is True
    assert stated_default_boolean('By default  it is set to "false" (the previous version is deleted).') is False
    assert stated_default_boolean("When false (the default), the tunnel is always up.") is False
    assert stated_default_boolean("Aggregation is enabled by default.") is True
    assert stated_default_boolean("Controls flooding of broadcast traffic. By default this flag is on.") is True
    assert stated_default_boolean("By default, the flag is turned off.") is False
    assert stated_default_boolean("The default value is 0.") is None  # not a boolean
    assert stated_default_boolean("The default on Debian is xz.") is None  # "on" here is no value
    assert stated_default_boolean("Defaults to yes for servers; the default is no for clients.") is None  # undecided


def test_a_yes_or_no_agrees_or_disagrees_with_the_stated_default():
    question = "Does networkd measure the traffic of each interface by default (SpeedMeter=)?"
    no = check_sentences("No.", [SRC], None, question=question)[0]
    assert no.supported and "Defaults to no" in no.evidence
    yes = check_sentences("Yes, it does [1].", [SRC], None, question=question)[0]
    assert not yes.supported and yes.reason == "the passage it rests on says no"


def test_a_negated_question_turns_the_default_round():
    assert expected_answer("Is SpeedMeter= disabled by default?", NETWORKD.split("ManageForeignRoutes")[0]) is True
    checks = check_sentences("Yes.", [SRC], None, question="Is SpeedMeter= disabled by default?")
    assert checks[0].supported, checks[0].reason


def test_another_settings_default_decides_nothing():
    question = "Is a partition removed on a factory reset by default (FactoryReset=)?"
    checks = check_sentences("No.", [SRC], None, question=question)
    assert not checks[0].supported and checks[0].reason == "it does not answer the question"


ZSTD = Source(2, "/docs/zstd.1.md", 0, None, None, """   Operation Modifiers
       ○   Source files are preserved by default. It´s possible to remove them
           automatically by using the --rm command.

       ○   Hidden files are not shown by default.
""")


def test_what_a_page_says_is_done_by_default_answers_yes_or_no():
    assert expected_answer("Are source files preserved by zstd by default?", ZSTD.text, ignore=frozenset({"zstd"}))
    assert expected_answer("Are source files preserved by zstd by default?", ZSTD.text) is None  # zstd unnamed
    assert expected_answer("Are hidden files shown by default?", ZSTD.text) is False
    assert expected_answer("Are hidden files not shown by default?", ZSTD.text) is True
    assert expected_answer("Are source files removed by default?", ZSTD.text) is None  # the page never says
    yes = check_sentences("Yes.", [ZSTD], None, question="Are source files preserved by zstd by default?")[0]
    assert yes.supported and "preserved by default" in yes.evidence
    no = check_sentences("No.", [ZSTD], None, question="Are source files preserved by zstd by default?")[0]
    assert not no.supported and no.reason == "the passage it rests on says yes"


DU = Source(3, "/docs/du.1.md", 0, None, None, """       -L, --dereference
              dereference all symbolic links

       -P, --no-dereference
              don't follow any symbolic links (this is the default)
""")


def test_an_option_marked_as_the_default_answers_yes_or_no():
    question = "Does du follow symbolic links by default?"
    no = check_sentences("No.", [DU], None, question=question)[0]
    assert no.supported and "(this is the default)" in no.evidence
    yes = check_sentences("Yes, it does.", [DU], None, question=question)[0]
    assert not yes.supported and yes.reason == "the passage it rests on says no"
    assert expected_answer("Does du dereference all symbolic links by default?", DU.text) is None  # not marked


def test_this_is_the_default_marks_the_sentence_before_it():
    find = Source(1, "/docs/find.1.md", 0, None, None, """       -P     Never follow symbolic links. This is the default
              behaviour. When find examines or prints information about files, and the file is a symbolic
              link, the information used shall be taken from the properties of the symbolic link itself.
""")
    question = "Does find follow symbolic links by default?"
    checks = check_sentences("No. This is because find does not follow symbolic links by default.", [find], None,
                             question=question)
    assert [c.sentence for c in checks][0] == "No." and checks[0].supported
    wrong = check_sentences("Yes.", [find], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says no"


def test_defaults_to_not_doing_something_answers_no():
    runuser = Source(1, "/docs/runuser.1.md", 0, None, None, """       For backward compatibility, runuser
       defaults to not changing the current directory and to setting only the environment variables HOME and SHELL.
""")
    question = "Does runuser change the current directory by default?"
    assert check_sentences("No.", [runuser], None, question=question)[0].supported
    wrong = check_sentences("Yes.", [runuser], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says no"


def test_the_default_is_not_to_do_something_answers_no_even_for_another_flag_of_the_item():
    tag = Source(1, "/docs/git-tag.1.md", 0, None, None, """       -n<num>
           <num> specifies how many lines from the annotation, if any, are
           printed when using -l. Implies --list.

           The default is not to print any annotation lines. If no number is
           given to -n, only the first line is printed.
""")
    question = "Does git tag -l print annotation lines by default?"
    assert check_sentences("No.", [tag], None, question=question)[0].supported
    wrong = check_sentences("Yes.", [tag], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says no"


def test_a_negation_inside_a_that_clause_does_not_negate_what_is_done():
    fsck = Source(1, "/docs/git-fsck.1.md", 0, None, None, """       --[no-]dangling
           Print objects that exist but that are never directly used
           (default).  --no-dangling can be used to omit this information from
           the output.
""")
    question = "Does git fsck print dangling objects by default?"
    assert check_sentences("Yes.", [fsck], None, question=question)[0].supported
    wrong = check_sentences("No.", [fsck], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says yes"


def test_a_setting_named_in_snake_case_is_answered_by_its_own_default_only():
    question = "Is udp6_csum_tx on by default in ip l2tp?"
    other = "ip l2tp add session - add a new session to a tunnel name NAME sets the session network interface name. " \
            "Default is l2tpethN."
    assert expected_answer(question, other, content_words) is None  # another setting's default answers nothing
    assert expected_answer(question, "udp6_csum_tx STATE control if IPv6 UDP checksums should be calculated. "
                                     "Default is on.", content_words) is True


def test_turned_off_answers_turned_on_with_no_and_the_page_name_is_no_setting():
    pie = Source(1, "/docs/tc-fq_pie.8.md", 0, None, None, """   [no_]dq_rate_estimator
       dq_rate_estimator can be used to calculate queue delay using Little's Law,
       no_dq_rate_estimator can be used to calculate queue delay using timestamp.
       By default, dq_rate_estimator is turned off.
""")
    question = "Is dq_rate_estimator turned on by default in fq_pie?"
    assert check_sentences("No.", [pie], None, question=question)[0].supported
    wrong = check_sentences("Yes, by default.", [pie], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says no"


def test_a_statement_in_the_third_person_answers_a_does_question():
    page = Source(1, "/docs/fsck.8.md", 0, None, None, """       -s     Serialize checks. (Note: e2fsck(8) runs in an
              interactive mode by default. To make it run in a non-interactive mode, give -p.)
""")
    question = "Does e2fsck run in an interactive mode by default?"
    assert check_sentences("Yes.", [page], None, question=question)[0].supported
    wrong = check_sentences("No.", [page], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says yes"


def test_the_label_of_an_item_counts_as_said_by_its_sentences():
    page = Source(1, "/docs/debugfs.8.md", 0, None, None, """       journal_write [-c] file
              Write a file's blocks to the journal. By default, a commit record is written at the end of the
              transaction; the -c switch leaves it out.
""")
    question = "Is a commit record written at the end of a journal transaction by default?"
    assert check_sentences("Yes.", [page], None, question=question)[0].supported
    assert expected_answer(question, "By default, a commit record is written at the end of a transaction.") is None
    assert expected_answer(question, "By default, a commit record is written at the end of a transaction.",
                           label="journal_write") is True


def test_a_yes_or_no_rests_on_a_passage_that_answers_when_the_first_does_not():
    page = Source(1, "/docs/networkd.network.5.md", 0, None, None, """       RequiredFamilyForOnline=
           Takes an address family. When specified, an address in the given family is required before a
           link is deemed online, and before the machine is online. Takes one of "ipv4", "ipv6", "both" or "any".

       RequiredForOnline=
           Takes a boolean. When "no", the link is ignored when deciding whether the machine is online.
           Defaults to "yes".
""")
    question = "Is a link required before the machine is online by default (RequiredForOnline=)?"

    def embed(texts):  # a fake embedder that finds the other setting's passage closest to the question
        return np.array([[1.0, 0.0] if t == question or "Family" in t else [0.0, 1.0] for t in texts])

    yes = check_sentences("Yes.", [page], embed, question=question)[0]
    assert yes.supported and 'Defaults to "yes"' in yes.evidence
    no = check_sentences("No.", [page], embed, question=question)[0]
    assert not no.supported and no.reason == "the passage it rests on says yes"
    ctx = check_context([page], embed)
    ranked = answering_passages(question, ctx.windows, ctx.vectors, ctx.exclude)
    assert ranked[0][1].label == "RequiredFamilyForOnline="  # the passage that ranks first states no default
    lead = evidence_for(question, [page], embed)
    assert lead is not None and lead.text.startswith("RequiredForOnline=")


def test_a_value_negated_before_by_default_is_its_opposite():
    assert stated_default_boolean("Strict mode is not enabled by default.") is False
    assert stated_default_boolean("Compression isn't enabled by default.") is False
    assert stated_default_boolean("The cache is never disabled by default; see below.") is True
    page = Source(1, "/docs/mkfs.conf.5.md", 0, None, None, """       flags
              This relation defines flags of the name encoding. For utf8 encodings, the only available flag
              is strict, which rejects invalid names. Strict mode is not enabled by default.
""")
    question = "Is strict mode of the utf8 encoding flags enabled by default?"
    wrong = check_sentences("Yes.", [page], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says no"
    assert check_sentences("No.", [page], None, question=question)[0].supported


def test_an_answer_that_says_yes_and_then_no_is_not_supported():
    question = "Does networkd measure the traffic of each interface by default (SpeedMeter=)?"
    both = check_sentences("No, it does not. Answer: Yes, because it counts packets.", [SRC], None, question=question)
    assert not both[0].supported and both[0].reason == "it says both yes and no"
    one = check_sentences("No. It measures nothing unless SpeedMeter= is set.", [SRC], None, question=question)
    assert one[0].supported


def test_what_is_omitted_by_default_is_not_done():
    listening = "-l, --listening\n       Display only listening sockets (these are omitted by default)."
    assert expected_answer("Does ss display listening sockets by default?", listening, content_words, frozenset({"ss"})) is False
    assert expected_answer("Are listening sockets omitted by default?", listening, content_words, frozenset({"ss"})) is True
    src = Source(1, "/docs/ss.8.md", 0, None, None, listening)
    assert check_sentences("No, it does not.", [src], None, question="Does ss display listening sockets by default?")[0] \
        .supported


def test_a_no_followed_by_the_question_stated_as_fact_says_both():
    busctl = Source(1, "/docs/busctl.1.md", 0, None, None, """--watch-bind=BOOL
           Controls whether to wait for the specified AF_UNIX bus socket to appear in the file system before
           connecting to it. Defaults to off.""")
    question = "Does busctl wait by default for the AF_UNIX bus socket to appear before connecting?"
    both = check_sentences("No. Busctl waits by default for the AF_UNIX bus socket to appear before connecting.",
                           [busctl], None, question=question)[0]
    assert not both.supported and both.reason == "it says both yes and no", both.reason
    assert check_sentences("No. It does not wait by default.", [busctl], None, question=question)[0].supported
    conditional = "No. If busctl waits by default for the AF_UNIX bus socket to appear before connecting, set it."
    assert check_sentences(conditional, [busctl], None, question=question)[0].supported  # a condition, no claim


PLAIN_STATEMENTS = Source(4, "/docs/plain-statements.md", 0, None, None, """DESCRIPTION
       strip modifies the files named in its argument, rather than writing
       modified copies under different names.

NOTES
       Git does not follow symbolic links when accessing a .gitignore file in the working tree.

   prepare-commit-msg
       The purpose of the hook is to edit the message file in place, and it is
       not suppressed by the --no-verify option.

       -P, --no-dereference
              don't follow any symbolic links in the working tree.

       If the option is set, the hook rewrites the message file in place.
""")


def yes_no(question: str, text: str = PLAIN_STATEMENTS.text, label: str = "") -> bool | None:
    return expected_answer(question, text, content_words, label=label)


def test_a_plain_statement_answers_a_question_that_asks_of_no_default():
    assert yes_no("Does strip modify the files named in its argument rather than writing copies?")
    assert yes_no("Does Git follow symbolic links when accessing a .gitignore file?") is False
    # "not suppressed": the question's own negative word and the sentence's "not" each count
    assert yes_no("Is the prepare-commit-msg hook suppressed by the --no-verify option?") is False
    assert yes_no("Is the prepare-commit-msg hook not suppressed by the --no-verify option?")
    question = "Does Git follow symbolic links when accessing a .gitignore file?"
    assert check_sentences("No.", [PLAIN_STATEMENTS], None, question=question)[0].supported
    yes = check_sentences("Yes.", [PLAIN_STATEMENTS], None, question=question)[0]
    assert not yes.supported and yes.reason == "the passage it rests on says no"


def test_a_plain_statement_answers_nothing_it_only_contrasts_or_conditions():
    # "… rather than writing modified copies" holds these words but says the opposite of them
    assert yes_no("Does strip write modified copies under different names?") is None
    assert yes_no("Does the hook rewrite the message file in place?") is None  # said only "If the option is set"
    assert yes_no("Does it follow links?") is None  # too few words to find the sentence that answers
    assert yes_no("Is a .gitignore file followed by default?") is None  # asks of a default, which this does not state
    # an option's item says what the option does, not what the program does without it
    assert yes_no("Does git follow symbolic links in the working tree?", "don't follow any symbolic links in the "
                  "working tree", "-P, --no-dereference") is None


def test_each_clause_of_a_statement_keeps_its_own_negations():
    """"it does not run …, and that the states … do not include …": the second "not" is another clause's."""
    flush = ("The differences are that ip neighbour flush does not run when no arguments are given, and that the "
             "default neighbour states to be flushed do not include permanent and noarp.")
    question = "Does ip neighbour flush run when no arguments are given?"
    assert expected_answer(question, flush, content_words) is False  # before: both "not"s cancelled out: yes
    assert check_sentences("No.", [Source(1, "/docs/ip-neighbour.8.md", 0, None, None, flush)], None,
                           question=question)[0].supported


def test_failing_by_default_answers_whether_it_succeeds_by_default():
    empty = ("--allow-empty By default, cherry-picking an empty commit will fail, indicating that an explicit "
             "invocation of git commit --allow-empty is required.")
    assert expected_answer("Does cherry-picking an empty commit succeed by default?", empty, content_words) is False
    assert expected_answer("Does cherry-picking an empty commit fail by default?", empty, content_words) is True
    src = Source(1, "/docs/git-cherry-pick.1.md", 0, None, None, empty)
    assert check_sentences("No, it does not.", [src], None,
                           question="Does cherry-picking an empty commit succeed by default?")[0].supported
