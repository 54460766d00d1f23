"""The answer checks, routing and fusion as plain functions (fast tier: no model)."""

from engine.answering import source_windows
from engine.checks import check_sentences, evidence_for
from engine.claim_text import missing_facts, numbers, remove_missing_citations, split_sentences
from engine.collection import route
from engine.prompting import Source
from engine.retrieval import Hit, exact_terms, fuse

DOUGH = Source(1, "/docs/bread.md", 0, None, None,
               "## Rising\n\nThe bulk rise takes four to six hours at 24 °C. The dough is ready when it has\n"
               "grown by about half. After shaping, the loaf rests in the fridge overnight, 10 to 14 hours.")
LOCK = Source(2, "/docs/faillock.conf.md", 0, None, None,
              "unlock_time=n The access will be re-enabled after n seconds after the lock out. The default is 600 "
              "(10 minutes).")


def test_sentences_numbers_and_units():
    assert split_sentences("It rises for 4 hours [1]. Bake it, e.g. at 250 °C. Done!") == [
        "It rises for 4 hours [1].", "Bake it, e.g. at 250 °C.", "Done!"]
    assert split_sentences("a line that wraps\ninto the next. Row two,\nStill row three") == [
        "a line that wraps into the next.", "Row two,", "Still row three"]
    assert split_sentences("No. It is off by default, see No. 5.") == ["No.", "It is off by default, see No. 5."]
    assert numbers("four to six hours, 8,000 ports, 2.5 kg, 30s, ext4") == {"4", "6", "8000", "2.5", "30"}
    assert missing_facts("It takes 10 seconds.", LOCK.text) == ["10 second"]
    assert missing_facts("It takes 10 minutes.", LOCK.text) == []
    assert missing_facts("Call HeatRight on 0161 496 0000.", "The plumber is Dave.") == ["0000", "0161", "496",
                                                                                       "HeatRight"]


def test_a_wrong_number_is_flagged_and_the_evidence_answers_the_question():
    checks = check_sentences("The dough should rise for 12 to 14 hours [1].", [DOUGH], None,
                             question="How long should the bread dough rise?")
    assert not checks[0].supported and "12" in checks[0].missing
    assert check_sentences("The bulk rise takes four to six hours [1].", [DOUGH], None)[0].supported
    ev = evidence_for("How long should the bread dough rise?", [DOUGH], None)
    assert ev.source == 1 and "four to six hours" in ev.text


def test_a_how_many_answer_without_a_number_is_not_an_answer():
    checks = check_sentences("The access is re-enabled after the lock out.", [LOCK], None,
                             question="After how many seconds is the access re-enabled?")
    assert not checks[0].supported and "number" in checks[0].reason


def test_citations_to_missing_sources_are_removed():
    text, removed = remove_missing_citations("Yes [1]. No [4]. Maybe [2][7].", 2)
    assert text == "Yes [1]. No. Maybe [2]." and removed == [4, 7]


def test_collection_questions_are_routed_by_rules():
    q = route("List my PDFs from 2023 about taxes?")
    assert (q.kind, q.topic, q.file_types, q.year) == ("list", "taxes", ["pdf"], 2023)
    assert route("How many files mention HeatRight?").kind == "count"
    assert route("Which documents talk about the garlic?").topic == "garlic"
    for question in ("How long should the dough rise?", "What is the phone number of the plumber?",
                     "Which day is recycling collected?", "list the steps to bake bread"):
        assert route(question) is None, question


def hit(path: str, score: float, text: str, vector: bool) -> Hit:
    return Hit(path, 0, score, text, None, None, vector_score=score if vector else None, lexical=not vector)


def test_fusion_keeps_an_exact_match_that_rrf_loses():
    sentence = "The quokka zephyr ledger lists 4711 marzipan crates."
    long_chunk = "filler " * 100 + sentence + " filler" * 100
    vec = [hit("/short-a", 0.80, "Notes on the quokka and the zephyr ledger.", True),
           hit("/short-b", 0.78, "A zephyr ledger of marzipan crates.", True)]
    text = [hit("/long", 9.0, long_chunk, False), hit("/short-b", 4.0, "A zephyr ledger of marzipan crates.", False),
            hit("/short-a", 3.5, "Notes on the quokka and the zephyr ledger.", False)]
    assert fuse([vec, text], 3, "rrf")[0].path != "/long"  # today: a file in both lists beats one in one
    assert fuse([vec, text], 3, "convex", 0.5, query=sentence, exact_bonus=0.5)[0].path == "/long"
    assert exact_terms('find "the heron waits" INV-2023-0042') == (["the heron waits"], ["inv-2023-0042"])


def test_words_that_only_frame_the_answer_need_no_support():
    fmt = Source(3, "/docs/fmt.1.md", 0, None, None, "       -w, --width=WIDTH\n              maximum line width "
                 "(default of 75 columns)\n\n       -g, --goal=WIDTH\n              goal width (default of 93% of width)\n")
    question = "What is fmt's default maximum line width?"
    assert check_sentences("The default value is 75 columns.", [fmt], None, question=question)[0].supported
    wrong = check_sentences("The default value is 80 columns.", [fmt], None, question=question)[0]
    assert not wrong.supported and wrong.missing == ["80"]



def test_a_file_the_question_names_answers_before_another_file():
    head = Source(1, "/docs/head.1.md", 0, None, None, "Print the first 5 lines of each FILE to standard output.")
    tail = Source(2, "/docs/tail.1.md", 0, None, None, "Print the last 10 lines of each FILE to standard output.")
    assert evidence_for("How many lines does tail print?", [head, tail], None).source == 2
    assert evidence_for("How many lines does head print?", [tail, head], None).source == 1
    wrong = check_sentences("5 lines.", [head, tail], None, question="How many lines does tail's print show?")[0]
    assert not wrong.supported and "10 lines" in wrong.evidence


def test_the_main_claim_rests_on_the_file_the_question_names_in_full():
    pr = Source(1, "/docs/pr.1.md", 0, None, None, "       -l, --length=PAGE_LENGTH\n              set the page length "
                "to PAGE_LENGTH (66) lines\n")
    termios = Source(2, "/docs/termios.3.md", 0, None, None, "Lines of a page: the page length in lines of the "
                     "terminal. The default is 4095.")  # ranks above pr's passage for the question's words
    question = "What is pr's default page length in lines?"
    wrong = check_sentences("The default page length is 4095 characters.", [pr, termios], None, question=question)[0]
    assert not wrong.supported and wrong.source == 1 and "4095" in wrong.missing
    assert check_sentences("The default page length is 66 lines.", [pr, termios], None, question=question)[0].supported
    # "SHA crypt" names only part of des_crypt.3: the answer may rest on any file
    defs = Source(1, "/docs/login.defs.5.md", 0, None, None, "If not specified, the libc will choose the default "
                  "number of rounds (5000), which is orders of magnitude too low for modern hardware.")
    des = Source(2, "/docs/des_crypt.3.md", 0, None, None, "These functions encrypt and decrypt data with DES.")
    assert check_sentences("5000 rounds.", [defs, des], None,
                           question="How many rounds does libc choose by default for SHA crypt?")[0].supported


def test_a_number_of_a_numbered_list_must_be_the_one_the_question_names():
    ionice = Source(1, "/docs/ionice.1.md", 0, None, None, "       -c, --class class\n           Specify the name or "
                    "number of the scheduling class to use; 0 for\n           none, 1 for realtime, 2 for best-effort, "
                    "3 for idle.\n")
    question = "Which number selects the idle class with ionice's -c option?"
    wrong = check_sentences("1.", [ionice], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on gives 3 for idle"
    assert check_sentences("Class 3 (idle).", [ionice], None, question=question)[0].supported
    # a question that names no single choice is not judged by the list
    assert check_sentences("0.", [ionice], None, question="Which number is the lowest class number?")[0].supported


FAILLOCK_EXAMPLE = Source(3, "/docs/pam_faillock.8.md", 0, None, None, """EXAMPLES
  Here are two possible configuration examples for /etc/pam.d/login. They make pam_faillock to lock the account
  after 4 consecutive failed logins during the default interval of 15 minutes. The accounts will be
  automatically unlocked after 20 minutes.""")
WAITRETRY = Source(4, "/docs/wget.1.md", 0, None, None, """--waitretry=seconds
  If you don't want Wget to wait between every retrieval, but only between retries of failed downloads, you can
  use this option. By default, Wget will assume a value of 10 seconds.""")


def test_a_measure_does_not_answer_how_many_of_something_counted():
    logins = "After how many consecutive failed logins do the pam_faillock examples lock the account?"
    wrong = check_sentences("15 minutes.", [FAILLOCK_EXAMPLE], None, question=logins)[0]
    assert not wrong.supported, wrong
    assert wrong.reason == "it gives 15 minutes, not a number of consecutive failed logins", wrong.reason
    assert check_sentences("4.", [FAILLOCK_EXAMPLE], None, question=logins)[0].supported
    tries = "How many times does wget try a download by default?"
    seconds = check_sentences("10 times.", [WAITRETRY], None, question=tries)[0]
    assert not seconds.supported and "10 in seconds" in seconds.reason, seconds.reason


def test_the_value_in_the_asked_unit_comes_from_the_sentence_about_the_question():
    question = "After how many minutes are accounts automatically unlocked in the pam_faillock examples?"
    wrong = check_sentences("15 minutes", [FAILLOCK_EXAMPLE], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says 20 minutes", wrong.reason
    assert check_sentences("20 minutes.", [FAILLOCK_EXAMPLE], None, question=question)[0].supported
    interval = "How many minutes is the default interval for failed logins in the pam_faillock examples?"
    assert check_sentences("15 minutes.", [FAILLOCK_EXAMPLE], None, question=interval)[0].supported


def test_a_symbol_answer_is_checked_as_the_symbol_standing_alone_in_the_passage():
    keywords = Source(1, "/docs/pygettext.md", 0, None, None,
                      "pygettext searches only for _() by default, even though xgettext recognizes gettext and "
                      "dgettext. The -k flag adds keywords such as my_gettext.")
    question = "Which keyword does pygettext search for by default?"
    checks = check_sentences("_", [keywords], None, question=question)
    assert checks[0].supported and "_()" in checks[0].evidence  # before: "it does not answer the question"
    assert not check_sentences("%", [keywords], None, question=question)[0].supported
    flag = Source(1, "/docs/ptx.md", 0, None, None, "-F, --flag-truncation=STRING use STRING for flagging line "
                                                    "truncations. The default is '/'.")
    assert check_sentences("'/'.", [flag], None, question="What string does ptx use to flag truncations?")[0].supported
    paths = Source(1, "/docs/dpkg.md", 0, None, None, "The default location of the database is /var/lib/dpkg.")
    assert not check_sentences("/", [paths], None, question="What string does dpkg use to flag truncations?")[0].supported


def test_a_quoted_symbol_inside_the_questions_own_words_is_checked_as_that_symbol():
    sort_by = Source(1, "/docs/gcloud_list.md", 0, None, None,
                     "--sort-by=[FIELD,...] Comma-separated list of resource field key names to sort by. The default "
                     "order is ascending. Prefix a field with ``~'' for descending order on that field.")
    question = "Which prefix makes a sort-by field descending in gcloud list?"
    right = check_sentences('The prefix is "~".', [sort_by], None, question=question)[0]
    assert right.supported and "``~''" in right.evidence, right.reason  # before: "it only repeats the question"
    wrong = check_sentences('The prefix is "%".', [sort_by], None, question=question)[0]
    assert not wrong.supported and wrong.reason.endswith("%"), wrong.reason
    assert not check_sentences("The prefix is the field.", [sort_by], None, question=question)[0].supported


def test_an_abbreviation_is_no_fact_and_a_time_zone_is_no_quantity():
    rate = Source(1, "/docs/backend.md", 0, None, None,
                  "--logging-sample-rate=RATE This configures the sampling rate of requests to the load balancer. "
                  "The default value is 1.0.")
    checks = check_sentences("The default value is 1.0, but it can be changed (e.g., per service).", [rate], None,
                             question="What is the default logging sample rate of a backend service?")
    assert checks[0].supported, checks[0].reason  # before: "not in the passage it rests on: e.g"
    zone = Source(1, "/docs/scheduler.md", 0, None, None,
                  '--time-zone=TIME_ZONE Specifies the time zone. For UTC use the string "utc". Default is "utc".')
    checks = check_sentences("UTC.", [zone], None, question="What time zone does a scheduler job use by default?")
    assert checks[0].supported, checks[0].reason  # before: "it does not give the number the question asks for"
    assert not check_sentences("The library.", [zone], None, question="What time does the job run?")[0].supported


def test_a_default_of_none_or_of_a_stop_word_contradicts_a_claim_of_another_value():
    revocation = Source(1, "/docs/templates.md", 0, None, None,
                        "--key-revocation-action-type=POLICY Specifies the behavior of the instance when the KMS key "
                        "of one of its attached disks is revoked. The default is none. POLICY must be one of: none, "
                        "stop.")
    question = "What is the default key revocation action type of an instance template?"
    wrong = check_sentences("The default key revocation action type is policy.", [revocation], None,
                            question=question)[0]
    assert not wrong.supported and wrong.reason.endswith("the default is none"), wrong.reason  # before: supported
    for right in ("The default is none.", "There is no revocation action by default."):
        assert check_sentences(right, [revocation], None, question=question)[0].supported, right
    affinity = Source(1, "/docs/templates.md", 0, None, None,
                      '--reservation-affinity=RESERVATION_AFFINITY; default="any" The type of reservation for '
                      "instances created from this template. RESERVATION_AFFINITY must be one of: any, none, "
                      "specific.")
    question = "What is the default reservation affinity of an instance template?"
    wrong = check_sentences("The default reservation affinity is specific.", [affinity], None, question=question)[0]
    assert not wrong.supported and wrong.reason.endswith("the default is any"), wrong.reason
    assert check_sentences('The default is "any".', [affinity], None, question=question)[0].supported


def test_a_number_without_its_sign_is_not_the_negative_number_the_passage_states():
    maxdays = Source(1, "/docs/passwd.md", 0, None, None,
                     "-x, --maxdays MAX_DAYS Set the maximum number of days a password remains valid. Passing the "
                     "number -1 as MAX_DAYS will remove checking a password's validity.")
    question = "Which MAX_DAYS value removes checking a password's validity in passwd?"
    wrong = check_sentences("1.", [maxdays], None, question=question)[0]
    assert not wrong.supported and wrong.missing == ["1"], wrong  # before: supported ("-1" read as 1)
    assert check_sentences("-1.", [maxdays], None, question=question)[0].supported
    pages = Source(1, "/docs/pages.md", 0, None, None, "The tool prints pages 1-5 by default.")
    assert check_sentences("Pages 1-5.", [pages], None, question="Which pages does the tool print by default?")[0].supported


ASK_PASSWORD = Source(1, "/docs/systemd-ask-password.1.md", 0, None, None, """OPTIONS
The following options are understood:
--icon=
    Specify an icon name alongside the password query.
--credential=
    Configure a credential to read the password from – if it exists. If not specified, defaults to "password".
--timeout=
    Specify the query timeout in seconds. Defaults to 90s. A timeout of 0 waits indefinitely.
--echo=yes|no|masked
    Controls whether to echo user input. Takes a boolean or the special string "masked", the default being the
    latter. If enabled the typed characters are echoed literally.""")


def test_a_value_must_be_the_one_of_the_sentence_that_answers_the_question():
    question = "Which timeout value makes systemd-ask-password wait indefinitely?"
    wrong = check_sentences("90s.", [ASK_PASSWORD], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says 0", wrong.reason
    assert check_sentences("0.", [ASK_PASSWORD], None, question=question)[0].supported
    default = "What is the default query timeout of systemd-ask-password?"  # the default's own rules decide it
    assert check_sentences("90s.", [ASK_PASSWORD], None, question=default)[0].supported


def test_a_default_stated_as_the_default_being_rests_on_its_own_item():
    question = "What is the default of systemd-ask-password's --echo option?"
    right = check_sentences('The default is "masked".', [ASK_PASSWORD], None, question=question)[0]
    assert right.supported and "the default being the latter" in right.evidence, right
    lead = evidence_for(question, [ASK_PASSWORD], None)
    assert lead is not None and "masked" in lead.text, lead


SHASUM = Source(1, "/docs/shasum.1.md", 0, None, None, """EXAMPLES
To compute the digests of some files, say: shasum file1 file2. Or, if you want to use SHA-256 instead of the default
SHA-1, simply say: shasum -a 256 file1 file2.""")


def test_a_value_used_instead_of_the_default_is_not_the_default():
    question = "Which algorithm does shasum use by default?"
    wrong = check_sentences("The SHA-256 algorithm.", [SHASUM], None, question=question)[0]
    assert not wrong.supported and "the default is SHA-1" in wrong.reason, wrong
    assert check_sentences("The SHA-1 algorithm.", [SHASUM], None, question=question)[0].supported


LDD_SECURITY = Source(1, "/docs/ldd.1.md", 0, None, None, """Security
Be aware that in some circumstances (e.g., where the program specifies an ELF interpreter other than ld-linux.so),
some versions of ldd may attempt to obtain the dependency information by attempting to directly execute the
program, which may lead to the execution of whatever code is defined in the program's ELF interpreter, and perhaps
to execution of the program itself. (Before glibc 2.27, the upstream ldd implementation did this for example,
although most distributions provided a modified version that did not.) Thus, you should never employ ldd on an
untrusted executable, since this may result in the execution of arbitrary code.""")


def test_the_lead_keeps_the_sentence_that_answers_when_its_passage_is_cut():
    question = "Before which glibc version did the upstream ldd implementation directly execute the program?"
    lead = evidence_for(question, [LDD_SECURITY], None)
    assert lead is not None and "Before glibc 2.27" in lead.text and len(lead.text) <= 400, lead


HASH_OBJECT = Source(1, "/docs/git-hash-object.1.md", 0, None, None, """# SYNOPSIS

       git hash-object [-t <type>] [-w] [--path=<file> | --no-filters]
                       [--stdin [--literally]] [--] <file>...
       git hash-object [-t <type>] [-w] --stdin-paths [--no-filters]

# DESCRIPTION

       Computes the object ID value for an object with specified type with the
       contents of the named file (which can be outside of the work tree), and
       optionally writes the resulting object into the object database.
       Reports its object ID to its standard output. When <type> is not
       specified, it defaults to "blob".
""")


def test_a_usage_line_answers_no_question():
    question = "What object type does git hash-object use when no type is specified?"
    lead = evidence_for(question, [HASH_OBJECT], None)
    assert lead is not None and 'defaults to "blob"' in lead.text and "[-w]" not in lead.text, lead
    assert check_sentences('The object type is "blob".', [HASH_OBJECT], None, question=question)[0].supported


KERNEL_INSTALL = Source(1, "/docs/kernel-install.8.md", 0, None, None, """This can be used to override a
       system-supplied executables with a local file if needed; a symbolic
       link in /etc/kernel/install.d/ with the same name as an executable in
       /usr/lib/kernel/install.d/, pointing to /dev/null, disables the
       executable entirely. Executables must have the extension ".install";
       other extensions are ignored.
""")


def test_a_quoted_value_of_the_sentence_that_answers_needs_no_support_for_its_frame():
    question = "Which extension must kernel-install plugin executables have?"
    said = 'The following files must have the extension "{}" in their location:'
    assert check_sentences(said.format(".install"), [KERNEL_INSTALL], None, question=question)[0].supported
    wrong = check_sentences(said.format(".conf"), [KERNEL_INSTALL], None, question=question)[0]
    assert not wrong.supported, wrong


CHCPU_EXIT = Source(1, "/docs/chcpu.8.md", 0, None, None, """# EXIT STATUS

       chcpu has the following exit status values:

       0
           success

       1
           failure

       64
           partial success
""")


def test_a_row_labelled_by_its_number_answers_and_the_line_announcing_the_list_does_not():
    lead = evidence_for("What exit status does chcpu return for partial success?", [CHCPU_EXIT], None)
    assert lead is not None and lead.text == "64 partial success", lead


MD5SUM = Source(1, "/docs/md5sum.1.md", 0, None, None, """       The sums are computed as described in RFC 1321.  When checking, the in‐
       put  should be a former output of this program.
""")


def test_the_number_of_the_sentence_that_answers_needs_no_support_for_the_words_around_it():
    question = "Which RFC describes how md5sum computes its sums?"
    said = "The RFC {} describes how to use the md5sum function."
    assert check_sentences(said.format(1321), [MD5SUM], None, question=question)[0].supported
    assert not check_sentences(said.format(1320), [MD5SUM], None, question=question)[0].supported
    reload = Source(2, "/docs/init-d-script.5.md", 0, None, None, "If the daemon performs reload action upon "
                    "receiving a SIGHUP signal, this variable should be set to 1 or HUP.")
    vague = "The signal number should be set to the one that is used when the handler is invoked."  # "one" is no 1
    assert not check_sentences(vague, [reload], None, question="To which signal number should RELOAD_SIGNAL be "
                               "set when the daemon reloads upon SIGHUP?")[0].supported


NSEQ = Source(1, "/docs/openssl-nseq.1ssl.md", 0, None, None, """# OPTIONS

       -toseq
           Normally a Netscape certificate sequence will be input and the
           output is the certificates contained in it. With the -toseq option
           the situation is reversed: a Netscape certificate sequence is
           created from a file of certificates.

# EXAMPLES

       Output the certificates in a Netscape certificate sequence
        openssl nseq -in nseq.pem -out certs.pem

       Create a Netscape certificate sequence
        openssl nseq -in certs.pem -toseq -out nseq.pem
""")


def test_an_example_command_line_answers_no_question():
    question = "Which openssl nseq option creates a Netscape certificate sequence from a file of certificates?"
    lead = evidence_for(question, [NSEQ], None)
    assert lead is not None and "situation is reversed" in lead.text, lead


COMMIT_TREE = Source(1, "/docs/git-commit-tree.1.md", 0, None, None, """A commit object may have any number of parents.
With exactly one parent, it is an ordinary commit. Having more than one parent makes the commit a merge between several
lines of history. Initial (root) commits have no parents.""")


def test_no_things_is_none_of_them_for_how_many():
    question = "How many parents do initial root commits have?"
    wrong = check_sentences("1.", [COMMIT_TREE], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says no parents", wrong
    ordinary = "How many parents does an ordinary commit have?"  # its sentence says "one parent"
    assert check_sentences("1.", [COMMIT_TREE], None, question=ordinary)[0].supported


SYNC = Source(1, "/docs/sync.1.md", 0, None, None, """SYNC(1)                          User Commands                         SYNC(1)

# NAME
       sync - Synchronize cached writes to persistent storage

# DESCRIPTION
       If one or more files are specified, sync only them, or their containing
       file systems.

# AUTHOR
       Written by Jim Meyering and Giuseppe Scrivano.
""")


def test_who_wrote_leads_with_the_authors_not_the_running_header():
    lead = evidence_for("Who wrote sync?", [SYNC], None)
    assert lead is not None and "Jim Meyering" in lead.text, lead
    header = [w for w in source_windows([SYNC]) if w.sentence.startswith("SYNC(1)")]
    assert header and all(w.answers_nothing for w in header)
    body = [w for w in source_windows([SYNC]) if not w.sentence.startswith("SYNC(1)")]
    assert body and not any(w.answers_nothing for w in body)


INIT_SHARED = Source(1, "/docs/git-init.1.md", 0, None, None, """       --shared[=(false|true|umask|group|all|world|everybody|<perm>)]
           Specify that the Git repository is to be shared amongst several
           users. This allows users belonging to the same group to push into
           that repository.

           The option can have the following values, defaulting to group if no
           value is given:

           umask (or false)
               Use permissions reported by umask(2). The default, when
               --shared is not specified.
""")


def test_a_line_announcing_a_list_answers_when_it_states_the_default():
    lead = evidence_for("What does git init's --shared option default to if no value is given?", [INIT_SHARED], None)
    assert lead is not None and "defaulting to group" in lead.text, lead


LOCALE_CONF = Source(1, "/docs/locale.conf.5.md", 0, None, None, """# OPTIONS
       The following locale settings may be set using /etc/locale.conf: LANG=,
       LANGUAGE=, LC_CTYPE=, LC_NUMERIC=, LC_TIME=, LC_COLLATE=, LC_MONETARY=,
       LC_MESSAGES=, LC_PAPER=, LC_NAME=.

# EXAMPLE
       Example 1. German locale with English messages

       /etc/locale.conf:

           # Custom settings
           LANG=de_DE.UTF-8
           LC_MESSAGES=en_US.UTF-8
""")


def test_the_value_asked_of_a_name_is_the_one_the_passage_assigns_it():
    question = "What value of LANG does the locale.conf example set for a German locale?"
    wrong = check_sentences("The value of LANG is 1.", [LOCALE_CONF], None, question=question)[0]
    assert not wrong.supported, wrong
    other = check_sentences("LANG is set to en_US.UTF-8.", [LOCALE_CONF], None, question=question)[0]  # LC_MESSAGES'
    assert not other.supported and other.reason == "the passages that answer it give LANG=de_DE.UTF-8", other
    assert check_sentences("LANG is set to de_DE.UTF-8.", [LOCALE_CONF], None, question=question)[0].supported
    lead = evidence_for(question, [LOCALE_CONF], None)
    assert lead is not None and "LANG=de_DE.UTF-8" in lead.text, lead


INIT_BRANCH = Source(1, "/docs/git-init.1.md", 0, None, None, """       -b <branch-name>, --initial-branch=<branch-name>
           Use the specified name for the initial branch in the newly created
           repository. If not specified, fall back to the default name
           (currently master, but this is subject to change in the future; the
           name can be customized via the init.defaultBranch configuration
           variable).
""")


def test_a_question_for_a_variable_is_not_answered_by_its_value():
    question = "Which configuration variable customizes the default name of the initial branch in git init?"
    wrong = check_sentences('The default name of the initial branch is "master".', [INIT_BRANCH], None,
                            question=question)[0]
    assert not wrong.supported and wrong.reason == "it names no variable", wrong
    assert check_sentences("init.defaultBranch.", [INIT_BRANCH], None, question=question)[0].supported


def test_passages_that_answer_nothing_are_left_out_without_moving_the_others():
    from engine.answering import Vectors, rank_windows
    windows = source_windows([SYNC])
    skip = [w.answers_nothing for w in windows]
    question = "Which user commands synchronize cached writes?"
    every = {id(w): score for score, w in rank_windows(question, windows, Vectors(None))}
    kept = rank_windows(question, windows, Vectors(None), skip=skip)
    assert kept and all(not w.answers_nothing for _, w in kept)
    assert all(score == every[id(w)] for score, w in kept)


LDATTACH = Source(1, "/docs/ldattach.8.md", 0, None, None, """# DESCRIPTION

       The ldattach daemon opens the specified device file and attaches the
       line discipline to it.

# AUTHORS

       Tilman Schmidt <tilman@imap.cc>
""")
MAN_INTRO = Source(2, "/docs/intro.7.md", 0, None, None, """   Authors and copyright conditions
       Look at the header of the manual page source for the author(s) and
       copyright conditions. Note that these can be different from page to page!
""")


def test_a_name_under_an_authors_heading_answers_who_wrote_the_page():
    question = "Who is the author of ldattach?"
    assert check_sentences("Tilman Schmidt <tilman@imap.cc>", [LDATTACH, MAN_INTRO], None,
                           question=question)[0].supported
    assert not check_sentences("Karel Zak.", [LDATTACH, MAN_INTRO], None, question=question)[0].supported


MKFS_BFS = Source(1, "/docs/mkfs.bfs.8.md", 0, None, None, """# EXIT STATUS
       The exit status returned by mkfs.bfs is 0 when all went well, and 1
       when something went wrong.
""")


def test_a_number_paired_with_another_condition_is_not_the_answer():
    question = "What exit status does mkfs.bfs return when something went wrong?"
    wrong = check_sentences("0.", [MKFS_BFS], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on gives 1 when something went wrong", wrong
    assert check_sentences("1.", [MKFS_BFS], None, question=question)[0].supported
    assert check_sentences("0.", [MKFS_BFS], None,
                           question="What exit status does mkfs.bfs return when all went well?")[0].supported


BZCMP = Source(1, "/docs/bzcmp.1.md", 0, None, None,
               "# DESCRIPTION\n\nMessages from the cmp or diff programs refer to temporary filenames in\u2010\n"
               "stead of those specified. Both are well\u2010known tools.")


def test_a_line_end_hyphen_the_model_copied_without_its_line_break_is_read_as_the_joined_word():
    question = "What do messages from the cmp or diff programs refer to when run by bzdiff?"
    copied = "Messages from the cmp or diff programs refer to temporary filenames in\u2010stead of those specified."
    assert check_sentences(copied, [BZCMP], None, question=question)[0].supported
    assert not check_sentences(copied.replace("temporary", "permanent"), [BZCMP], None, question=question)[0].supported
    # A real hyphen stays: the passage holds "well" and "known", not "wellknown".
    assert check_sentences("Both are well\u2010known tools.", [BZCMP], None)[0].supported


SETSID = Source(1, "/docs/setsid.1.md", 0, None, None,
                "# OPTIONS\n\n-c, --ctty\n    Set the controlling terminal to the current one.\n\n-f, --fork\n"
                "    Always create a new process.\n\n# AUTHORS\n\nRick Sladkey <jrs@world.std.com>")
KEYSCAN = Source(1, "/docs/ssh-keyscan.1.md", 0, None, None,
                 "     -D      Print keys found as SSHFP DNS records.  The default is to print\n"
                 "             keys in a format usable as a ssh(1) known_hosts file.\n")


def test_a_which_option_question_needs_an_option():
    question = "Which setsid option sets the controlling terminal to the current one?"
    assert check_sentences("-c.", [SETSID], None, question=question)[0].supported
    assert check_sentences("The --ctty option sets it.", [SETSID], None, question=question)[0].supported
    number = check_sentences("1.", [SETSID], None, question=question)[0]
    assert not number.supported and number.reason == "it names no option", number
    keyscan = "Which ssh-keyscan option prints keys found as SSHFP DNS records?"
    # Supported by the passage as a stated default, and still no answer to "which option".
    for described in ("The default is to print keys in a format usable as a ssh(1) known_hosts file.",
                      "The default is to print keys in a format usable as a ssh(1)"):
        check = check_sentences(described, [KEYSCAN], None, question=keyscan)[0]
        assert not check.supported and check.reason == "it names no option", check


def test_the_heading_a_passage_sits_under_supports_the_words_of_a_claim():
    check = check_sentences("The author of setsid is Rick Sladkey.", [SETSID], None, question="Who wrote setsid?")[0]
    assert check.supported, check
    assert not check_sentences("The author of setsid is Rick Moranis.", [SETSID], None,
                               question="Who wrote setsid?")[0].supported
    # The heading supports the word, but "who wrote" asks for someone.
    nobody = check_sentences("The author of setsid.", [SETSID], None, question="Who wrote setsid?")[0]
    assert not nobody.supported and nobody.reason == "it names no one", nobody
    # "Andrew G." ends a sentence at the initial; its first name still names someone.
    warn = Source(1, "/docs/pam_warn.8.md", 0, None, None, "# AUTHOR\n\npam_warn was written by Andrew G. Morgan.")
    assert check_sentences("Andrew G. Morgan.", [warn], None, question="Who wrote pam_warn?")[0].supported


NOHUP = Source(1, "/docs/nohup.1.md", 0, None, None,
               "If standard input is a terminal, redirect it from an unreadable file. If standard output is a "
               "terminal, append output to 'nohup.out' if possible, '$HOME/nohup.out' otherwise. If standard error "
               "is a terminal, redirect it to standard output.")


def test_a_file_name_of_the_sentence_that_answers_needs_no_support_for_the_words_around_it():
    question = "To which file does nohup append output if standard output is a terminal?"
    assert check_sentences("To the file named nohup.out", [NOHUP], None, question=question)[0].supported
    assert not check_sentences("To the file named nohup.err", [NOHUP], None, question=question)[0].supported
    # The sentence that answers where standard error goes does not hold nohup.out.
    assert not check_sentences("To the file named nohup.out", [NOHUP], None,
                               question="Where does nohup redirect standard error if it is a terminal?")[0].supported



def test_a_plural_in_es_finds_its_singular_when_passages_are_ranked():
    from engine.answering import answering_passages, check_context

    ctx = check_context([Source(1, "/d/a.md", 0, None, None, "$ git config credential.helper 'cache --timeout=3600' "
                                "sets the time."),
                         Source(2, "/d/b.md", 0, None, None, "This example increases the cache time to 1 hour.")], None)
    ranked = answering_passages("To what timeout does the example increase the cache time?", ctx.windows,
                                ctx.vectors, set())
    assert ranked[0][1].sentence.startswith("This example increases") and ranked[0][0] > ranked[1][0], ranked
