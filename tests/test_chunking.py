"""Chunking follows structure, respects the token budget, keeps exact offsets and overlaps."""

from indexer.chunking import HFTokenCounter, chunk_blocks, document_text
from indexer.embedding import bundled_embedder_dir
from indexer.parsers.registry import Block

TOK = HFTokenCounter(str(bundled_embedder_dir() / "tokenizer.json"))


def _sentences(n: int, word: str) -> str:
    return " ".join(f"Sentence {i} talks about {word} number {i}." for i in range(n))


def test_chunks_fit_budget_and_offsets_are_exact():
    blocks = [Block(_sentences(40, "apples"), heading="Fruit"), Block(_sentences(40, "pears"), heading="Fruit")]
    full, _ = document_text(blocks)
    chunks = chunk_blocks(blocks, TOK, max_tokens=60, overlap=12)
    assert len(chunks) > 4
    for c in chunks:
        assert full[c.start : c.end] == c.text
        assert TOK.count([c.text])[0] <= 60 + 2  # joins may add a token or two
        assert c.heading == "Fruit"
    assert [c.chunk_no for c in chunks] == list(range(len(chunks)))
    # consecutive chunks overlap by whole sentences
    assert any(chunks[i + 1].start < chunks[i].end for i in range(len(chunks) - 1))


def test_page_and_section_breaks():
    blocks = [
        Block(_sentences(12, "alpha"), page=1, heading="A"),
        Block(_sentences(12, "beta"), page=2, heading="A"),
        Block(_sentences(12, "gamma"), page=2, heading="B"),
    ]
    chunks = chunk_blocks(blocks, TOK, max_tokens=300, overlap=0)  # sections reach the 75-token minimum
    assert [(c.page, c.heading) for c in chunks] == [(1, "A"), (2, "A"), (2, "B")]
    assert "gamma" not in chunks[1].text and "alpha" not in chunks[1].text


def test_a_sentence_longer_than_a_chunk_is_cut_on_token_boundaries():
    long = "word " * 500
    chunks = chunk_blocks([Block(long.strip())], TOK, max_tokens=100, overlap=0)
    assert len(chunks) == 5
    assert "".join(c.text for c in chunks).replace(" ", "") == long.replace(" ", "")


def test_chunk_hash_depends_on_text_and_heading():
    a = chunk_blocks([Block("same text here", heading="H1")], TOK)[0]
    b = chunk_blocks([Block("same text here", heading="H2")], TOK)[0]
    c = chunk_blocks([Block("same text here", heading="H1")], TOK)[0]
    assert a.hash == c.hash != b.hash
