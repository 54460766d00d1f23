"""The second look of a failed main claim at the whole files of its sources (fast tier: a fake store, no model)."""

from engine.checks import Evidence, check_answer
from engine.prompting import Source
from engine.wider_check import check_in_whole_files, files_to_read, rest_of_files

FAILLOCK = "/docs/faillock.conf.md"
CHUNKS = {
    FAILLOCK: [
        "faillock.conf is the configuration file of the pam_faillock module. It holds one option per line.",
        "deny=n Deny access if the number of consecutive authentication failures for this user during the "
        "recent interval exceeds n. The default is 3.",
        "fail_interval=n The length of the interval during which the consecutive authentication failures must "
        "happen for the user account lock out is n seconds. The default is 900 (15 minutes).",
        "unlock_time=n The access will be re-enabled after n seconds after the lock out. The default is 600 "
        "(10 minutes).",
    ],
    "/docs/bread.md": ["The bulk rise takes four to six hours at 24 °C. The loaf rests in the fridge overnight."],
}


class ChunkStore:
    """The one Store call the second look makes, over `chunks` (path → chunk texts)."""

    def __init__(self, chunks: dict[str, list[str]] = CHUNKS) -> None:
        self.chunks = chunks

    def chunks_of(self, paths, columns):
        return [{"path": p, "chunk_no": i, "text": t, "page": None, "heading": None}
                for p in paths for i, t in enumerate(self.chunks.get(p, []))]


def retrieved() -> list[Source]:
    """Retrieval brought the deny option and another file, not the unlock_time chunk."""
    return [Source(1, FAILLOCK, 1, None, None, CHUNKS[FAILLOCK][1]),
            Source(2, "/docs/bread.md", 0, None, None, CHUNKS["/docs/bread.md"][0])]


QUESTION = "What is the default unlock_time in faillock?"


def test_the_rest_of_the_files_is_every_chunk_the_sources_do_not_hold_numbered_after_them():
    more = rest_of_files(ChunkStore(), retrieved(), [FAILLOCK])
    assert [(s.n, s.path, s.chunk) for s in more] == [(3, FAILLOCK, 0), (4, FAILLOCK, 2), (5, FAILLOCK, 3)]


def test_the_files_read_are_the_cited_ones_and_the_evidences():
    evidence = Evidence("The bulk rise takes four to six hours", 2, 0.5)
    assert files_to_read(retrieved(), [1], None) == [FAILLOCK]
    assert files_to_read(retrieved(), [], evidence) == ["/docs/bread.md"]
    assert files_to_read(retrieved(), [1, 7], evidence) == [FAILLOCK, "/docs/bread.md"]  # [7] does not exist


def second_look(answer: str):
    checks, lead = check_answer(answer, QUESTION, retrieved(), None)
    assert lead is not None and not checks[0].supported  # the retrieved passages alone do not hold the value
    return check_in_whole_files(answer, QUESTION, retrieved(), checks, lead, ChunkStore(), None, None)


def test_a_right_answer_from_a_chunk_retrieval_missed_is_supported_and_that_chunk_joins_the_sources():
    sources, checks, lead = second_look("The default unlock_time is 600 seconds [1].")
    assert lead is None and checks[0].supported
    assert [(s.n, s.chunk) for s in sources[2:]] == [(3, 3)]  # only the chunk it rests on, numbered on
    assert checks[0].source == 3 and "600" in checks[0].evidence


def test_a_wrong_answer_still_fails_and_leads_with_the_whole_files_best_evidence():
    sources, checks, lead = second_look("The default unlock_time is 300 seconds [1].")
    assert not checks[0].supported and "600" in lead.text
    assert sources[lead.source - 1].chunk == 3 and len(sources) == 3  # only the lead's chunk joined


def test_a_citation_stands_for_its_file():
    """The claim cites [1] (deny); the passage stating it is in source 3, another chunk of the same file."""
    sources = retrieved() + [Source(3, FAILLOCK, 3, None, None, CHUNKS[FAILLOCK][3])]
    checks, lead = check_answer("The default unlock_time is 600 seconds [1].", QUESTION, sources, None)
    assert checks[0].supported and checks[0].source == 3 and lead is None



def test_a_retrieved_passage_that_says_otherwise_is_not_overturned_by_the_rest_of_the_file():
    """Set 56: the retrieved item gives "instrumentation" for the case asked; a later chunk of the same page says
    "robo … by default" of another case. The answer "robo" stays flagged."""
    page = "/docs/gcloud_firebase_test_android_run.md"
    chunks = {page: [
        "--type The type of test to run. If the --test flag is present, the test --type defaults to "
        "instrumentation. If --test is not present, then --type defaults to robo.",
        "--results-type The type of the test results. When no results type is given, robo is the test type "
        "used by default for them.",
    ]}
    question = "Which test type does the android run default to when --test is given?"
    given = [Source(1, page, 0, None, None, chunks[page][0])]
    checks, lead = check_answer("robo", question, given, None)
    assert not checks[0].supported and "instrumentation" in checks[0].reason
    wider = check_in_whole_files("robo", question, given, checks, lead, ChunkStore(chunks), None, None)
    assert wider is None or not wider[1][0].supported
