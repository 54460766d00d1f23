"""A number that stands in the passage but is not the default it states (fast tier: no model)."""

from engine.checks import check_sentences
from engine.defaults import respective_default, stated_default_name, stated_default_number
from engine.prompting import Source

XZ = Source(1, "/docs/xz.1.md", 0, None, None, """       lc=lc  Specify the number of literal context bits.  The minimum is 0 and
              the maximum is 4; the default is 3.  In addition, the sum of lc
              and lp must not exceed 4.
""")


def test_the_ways_a_sentence_states_a_default_number():
    assert stated_default_number("The minimum is 0 and the maximum is 4; the default is 3.") == "3"
    assert stated_default_number("If =# is not present, it defaults to 1.") == "1"
    assert stated_default_number("-#: selects # compression level [1-19] (default: 3)") == "3"
    assert stated_default_number("maximum line width (default of 75 columns)") == "75"
    assert stated_default_number("Use a buffer of size to query the kernel ring buffer. This is 16392 by default.") \
        == "16392"
    assert stated_default_number("DefaultLimitNOFILE= defaults to 1024:524288.") == "1024:524288"
    assert stated_default_number("The flags -1 through -9 specify the block size to be 100,000 bytes through "
                                 "900,000 bytes (the default) respectively.") == "900,000"
    assert stated_default_number("The default is fast for presets 0-3 and normal for presets 4-9.") is None
    assert stated_default_number("The default is 1; for clients the default is 2.") is None  # undecided


def test_another_number_of_the_passage_is_not_the_default():
    question = "What is the default number of literal context bits (lc) in xz?"
    wrong = check_sentences("4.", [XZ], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says the default is 3"
    assert check_sentences("3.", [XZ], None, question=question)[0].supported
    maximum = check_sentences("4.", [XZ], None, question="What is the maximum number of literal context bits?")[0]
    assert maximum.supported, maximum.reason  # no default asked for: the maximum is a fine answer


XZ_CHECK = Source(2, "/docs/xz.1.md", 0, None, None, "Embedded .xz decompressors don't necessarily support files "
                  "created with integrity check types other than none and crc32. Since the default is "
                  "--check=crc64, you must use --check=none or --check=crc32 when creating files for them.")


def test_a_named_default_is_read_only_when_one_word_closes_the_phrase():
    assert stated_default_name("Since the default is --check=crc64, you must use") == "--check=crc64"
    assert stated_default_name("If the argument is omitted, it defaults to auto.") == "auto"
    assert stated_default_name("The default is fast for presets 0-3 and normal for presets 4-9.") is None
    assert stated_default_name('Defaults to "off".') is None  # a boolean: engine/yes_no.py reads it
    assert stated_default_name("The default is 10.") is None  # a number: stated_default_number reads it


def test_another_name_of_the_passage_is_not_the_default():
    question = "Which integrity check does xz use by default?"
    wrong = check_sentences("The CRC32 check.", [XZ_CHECK], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says the default is --check=crc64"
    assert check_sentences("CRC64.", [XZ_CHECK], None, question=question)[0].supported


BZIP2 = Source(3, "/docs/bzip2.1.md", 0, None, None, """       The flags -1 through -9 specify the
       block size to be 100,000 bytes through 900,000 bytes (the default)  re-
       spectively.  At decompression time, the block size used for compression is read from the header.
""")


def test_the_first_value_of_a_range_is_not_the_default_marked_after_the_last():
    question = "What is bzip2's default block size?"
    wrong = check_sentences("It is 100,000 bytes.", [BZIP2], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says the default is 900,000"
    assert check_sentences("It is 900,000 bytes.", [BZIP2], None, question=question)[0].supported


def test_a_question_about_what_happens_when_none_is_given_asks_for_the_default():
    xargs = Source(1, "/docs/xargs.1.md", 0, None, None, "xargs reads items from the standard input and executes the "
                   "command (default is echo) one or more times with any initial-arguments.")
    question = "What command does xargs run when none is given?"
    wrong = check_sentences("It reads items from the standard input.", [xargs], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says the default is echo"
    assert check_sentences("It executes echo.", [xargs], None, question=question)[0].supported


def test_defaults_stated_after_by_default_or_for_a_named_argument():
    assert stated_default_number("By default 64 KB of buffer space is used for each file.") == "64"
    assert stated_default_number("-x9,17 will set tabs at positions 9, 17, 25, 33, etc. The default for n is 8.") == "8"
    assert stated_default_name("By default, ACTION is read, which means that devices are read.") == "read"
    assert stated_default_name("By default, the unit, sizes are expressed in, is byte, and unit prefixes are "
                               "in power of 2^10 (1024).") == "byte"
    assert stated_default_name("By default, max-lines is one.") is None  # a number word: not a name


LESS_BUFFERS = Source(1, "/docs/less.1.md", 0, None, None, """       -bn or --buffers=n
              Specifies the amount of buffer space less will use for each file, in units of kilobytes (1024 bytes).
              By default 64 KB of buffer space is used for each file (unless the file is a pipe; see the -B option).
""")


def test_a_number_of_the_passage_is_not_the_default_it_states_after_by_default():
    question = "How much buffer space does less use for each file by default?"
    wrong = check_sentences("1024 bytes.", [LESS_BUFFERS], None, question=question)[0]
    assert not wrong.supported and "the default is 64" in wrong.reason
    assert check_sentences("64 KB.", [LESS_BUFFERS], None, question=question)[0].supported


FINDMNT_BYTES = Source(1, "/docs/findmnt.8.md", 0, None, None, """       -b, --bytes
              Print the sizes in bytes rather than in a human-readable format.
              By default, the unit, sizes are expressed in, is byte, and unit prefixes are in power of 2^10 (1024).
""")


def test_a_number_where_the_passage_states_a_named_default_misses_it():
    question = "In which unit does findmnt express sizes by default?"
    wrong = check_sentences("1024", [FINDMNT_BYTES], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says the default is byte"
    assert check_sentences("In bytes.", [FINDMNT_BYTES], None, question=question)[0].supported


GREP_DEVICES = Source(1, "/docs/grep.1.md", 0, None, None, """       -D ACTION, --devices=ACTION
              If an input file is a device, FIFO or socket, use ACTION to process it. By default, ACTION is read,
              which means that devices are read just as if they were ordinary files.
""")


def test_a_claim_resting_on_a_sentence_without_the_default_misses_the_one_its_neighbour_states():
    question = "Which ACTION does grep apply to devices, FIFOs and sockets by default?"
    wrong = check_sentences("If an input file is a device, FIFO or socket, use ACTION to process it.", [GREP_DEVICES],
                            None, question=question)[0]
    assert not wrong.supported and wrong.reason.endswith("says the default is read")
    assert check_sentences("ACTION is read.", [GREP_DEVICES], None, question=question)[0].supported


def test_an_answer_naming_both_values_commits_to_neither():
    losetup = Source(1, "/docs/losetup.8.md", 0, None, None, """       --direct-io[=on|off]
              Enable or disable direct I/O for the backing file. The optional argument can be either on or off.
              If the optional argument is omitted, it defaults to on.
""")
    question = "What does losetup's --direct-io default to when its argument is omitted?"
    wrong = check_sentences("--direct-io[on|off]", [losetup], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "it names both values and commits to neither"
    assert check_sentences("It defaults to on.", [losetup], None, question=question)[0].supported
    cmp = Source(2, "/docs/openssl-cmp.1ssl.md", 0, None, None, """       -server [http[s]://]address[:port]
           The scheme "https" may be given only if the -tls_used option is used. In this case the default port
           is 443, else 80.
""")
    question = "In openssl cmp, what is the default port when the server URL scheme is https?"
    both = check_sentences("80 or 443.", [cmp], None, question=question)[0]
    assert not both.supported and both.reason == "it names both values and commits to neither"
    assert check_sentences("443.", [cmp], None, question=question)[0].supported


def test_each_setting_of_a_list_has_the_default_in_its_place():
    said = "The default values for LOW_ID, HIGH_ID, ID_COUNT are respectively 2000, 90000 and 4096."
    assert respective_default("What is the default of HIGH_ID?", said) == "90000"
    assert respective_default("What is the default of ID_COUNT?", said) == "4096"
    assert respective_default("What is the default of OTHER_ID?", said) is None
    assert respective_default("What is HIGH_ID?", "The default values for A and B are 1 and 2.") is None  # no order
    page = Source(1, "/docs/idtool.8.md", 0, None, None, """       MAX_ENTRIES (number)
           The largest number of entries in one line. The default value is 0, meaning no limit.

       LOW_ID (number), HIGH_ID (number), ID_COUNT (number)
           If /etc/ids exists, new accounts get ID_COUNT unused ids between LOW_ID and HIGH_ID.

           The default values for LOW_ID, HIGH_ID, ID_COUNT are respectively 2000, 90000 and 4096.
""")
    question = "What is the default value of HIGH_ID for idtool?"
    assert check_sentences("90000.", [page], None, question=question)[0].supported
    wrong = check_sentences("4096.", [page], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says the default is 90000"


def test_a_claim_giving_the_stated_default_needs_no_support_for_its_other_words():
    assert stated_default_number("tcp_base_mss (Integer; default: 512; since Linux 2.6.17)") == "512"
    assert stated_default_number("--num-callers=<number> [default: 12]") == "12"
    page = Source(1, "/docs/tcp.7.md", 0, None, None, """       tcp_base_mss (Integer; default: 512; since Linux 2.6.17)
              The initial value of search_low to be used by the packetization layer Path MTU discovery.
""")
    question = "What is the default value of tcp_base_mss?"
    assert check_sentences("The default value is 512 bytes.", [page], None, question=question)[0].supported
    wrong = check_sentences("The default value is 2.6 bytes.", [page], None, question=question)[0]
    assert not wrong.supported
    unasked = check_sentences("The value is 512 bytes.", [page], None, question="What is tcp_base_mss used for?")[0]
    assert not unasked.supported  # not a question about the default: the words must be supported
    timer = Source(2, "/docs/systemd.timer.5.md", 0, None, None, """       AccuracySec=
           Specify the accuracy the timer shall elapse with. Defaults to 1min. The timer is scheduled to elapse
           within a time window.
""")
    question = "What is the default AccuracySec of a systemd timer?"
    assert not check_sentences("1us.", [timer], None, question=question)[0].supported  # another unit
    assert check_sentences("The default is 1 minute.", [timer], None, question=question)[0].supported


def test_defaults_stated_with_more_words_around_them():
    assert stated_default_number("The default tab width is 8. Allowed values are 1 to 63.") == "8"
    assert stated_default_number("to prevent curl from following too many redirects, by default, the limit is set "
                                 "to 50 redirects. Set this option to -1 to make it unlimited.") == "50"
    assert stated_default_name("Use --basic for enabling HTTP Basic with a remote host. Basic is the default "
                               "authentication method curl uses with proxies.") == "Basic"
    assert stated_default_name("The default compression type is xz.") == "xz"
    assert stated_default_name("This mode is the default.") is None  # "mode" names no value
    assert stated_default_name("It is the default.") is None


CURL = Source(3, "/docs/curl.1.md", 0, None, None, """--happy-eyeballs-timeout-ms <milliseconds>
  RFC 6555 says "It is RECOMMENDED that connection attempts be paced 150-250 ms apart to balance human
  factors against network load."  libcurl currently defaults to 200 ms. Firefox and Chrome currently
  default to 300 ms.""")


def test_of_several_defaults_the_one_of_what_the_question_names():
    question = "How many milliseconds does libcurl use by default for the happy eyeballs timeout?"
    wrong = check_sentences("150 ms.", [CURL], None, question=question)[0]
    assert not wrong.supported and wrong.reason.endswith("says the default is 200"), wrong.reason
    assert check_sentences("200 ms.", [CURL], None, question=question)[0].supported


IMAP = Source(4, "/docs/git-config.1.md", 0, None, None, """imap.port
  An integer port number to connect to on the server. Defaults to 143 for imap:// hosts and 993 for imaps://
  hosts. Ignored when imap.tunnel is set.""")


def test_a_default_given_for_each_case_is_the_one_the_question_says():
    question = "Which port does git connect to by default for imaps:// hosts (imap.port)?"
    wrong = check_sentences("143 for imaps:// hosts.", [IMAP], None, question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says the default is 993", wrong.reason
    assert check_sentences("993.", [IMAP], None, question=question)[0].supported


AGENT = Source(5, "/docs/ssh-agent.1.md", 0, None, None, """     -t life
             Set a default value for the maximum lifetime of identities added to the agent.  The lifetime may
             be specified in seconds or in a time format specified in sshd_config(5).

             A lifetime specified for an identity with ssh-add(1) overrides this value.  Without this option
             the default maximum lifetime is forever.""")


def test_a_default_stated_by_the_next_passage_supports_the_claim():
    question = "Without -t, what is ssh-agent's default maximum lifetime of identities?"
    right = check_sentences("The default lifetime is forever.", [AGENT], None, question=question)[0]
    assert right.supported and "forever" in right.evidence, right
    wrong = check_sentences("The default lifetime is one hour.", [AGENT], None, question=question)[0]
    assert not wrong.supported


ARPD = Source(1, "/docs/arpd.8.md", 0, None, None, """OPTIONS
       -n <TIME>
              Specifies the timeout of the negative cache. When resolution fails, arpd suppresses further
              attempts to resolve for this period. This option only makes sense together with option '-k'.
              This timeout should not be too much longer than the boot time of a typical host not
              supporting gratuitous ARP. Default value is 60 seconds.

       -R <RATE>
              Maximal steady rate of broadcasts sent by arpd in packets per second. Default value is 1.

       -B <NUMBER>
              The number of broadcasts sent by arpd back to back. Default value is 3. Together with the
              -R option, this option ensures that the number of ARP queries that are broadcast does not
              exceed B+R*T over any interval of time T.
""")


def test_a_claimed_default_may_rest_on_a_later_sentence_of_the_same_item():
    question = "What is the default timeout of arpd's negative cache?"
    right = check_sentences("60 seconds.", [ARPD], None, question=question)[0]
    assert right.supported and "60 seconds" in right.evidence
    assert not check_sentences("30 seconds.", [ARPD], None, question=question)[0].supported
    # another item's default is no count of this one's: "-R <RATE>" says "Default value is 1."
    wrong = check_sentences("1.", [ARPD], None, question="How many broadcasts does arpd send back to back by default?")
    assert not wrong[0].supported


STASH = Source(1, "/docs/git-stash.1.md", 0, None, None, """       stash.showPatch
           If this is set to true, the git stash show command without an
           option will show the stash entry in patch form. Defaults to false.
           See description of show command in git-stash(1).

       stash.showStat
           If this is set to true, the git stash show command without an
           option will show diffstat of the stash entry. Defaults to true. See
           description of show command in git-stash(1).
""")


def test_a_true_or_false_default_is_checked_against_the_one_the_passage_states():
    wrong = check_sentences("The default value is true.", [STASH], None,
                            question="What is the default value of stash.showPatch?")[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on states the opposite default"
    right = check_sentences("The default value is true, but you can specify a different value.", [STASH], None,
                            question="What is the default value of stash.showStat?")[0]
    assert right.supported and right.evidence == "Defaults to true."


def test_of_several_numbers_the_first_answers_and_the_others_may_be_what_the_passage_adds():
    repack = Source(1, "/docs/git-repack.1.md", 0, None, None, """       --window=<n>, --depth=<n>
           These two options affect how the objects contained in the pack are
           stored using delta compression.

           The default value for --window is 10 and --depth is 50. The maximum
           depth is 4095.
""")
    question = "What is the default value of git repack's --window option?"
    assert check_sentences("It is set to 10 and --depth is 50.", [repack], None, question=question)[0].supported
    assert not check_sentences("It is set to 50 and --window is 10.", [repack], None, question=question)[0].supported
    assert not check_sentences("It is 10 or 50.", [repack], None, question=question)[0].supported


def test_what_a_command_shows_by_default_is_a_stated_default():
    assert stated_default_name("By default, the command shows the diffstat, but it will accept any format.") \
        == "diffstat"
    assert stated_default_name("By default, the window list shows the index, name and flag of the windows.") is None
    show = Source(1, "/docs/git-stash.1.md", 0, None, None, """       show [-u|--include-untracked] [<diff-options>] [<stash>]
           Show the changes recorded in the stash entry as a diff between the
           stashed contents and the commit back when the stash entry was first
           created. By default, the command shows the diffstat, but it will
           accept any format known to git diff.
""")
    question = "What does git stash show display by default?"
    wrong = check_sentences("The command shows the changes recorded in the stash entry as a diff between the stashed "
                            "contents and the commit back when the stash entry was first created.", [show], None,
                            question=question)[0]
    assert not wrong.supported and wrong.reason == "the passage it rests on says the default is diffstat"
    assert check_sentences("It shows the diffstat.", [show], None, question=question)[0].supported
