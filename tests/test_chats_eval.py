"""Chats persist and can be managed; evaluation metrics are computed correctly; the reranker interface works."""

import json
import math

import pytest

from engine.chats import ChatStore
from engine.evaluation import EvalQuery, calibrate_threshold, load_queries, score
from engine.retrieval import Filters, Hit
from common.errors import HearthError


def test_chat_store_roundtrip(tmp_path):
    store = ChatStore(tmp_path / "chats")
    chat = store.create()
    store.append_turn(chat, "Where is the spare key?", {"answer": "Under the blue pot [1].", "refused": False,
                                                        "sources": [{"n": 1, "path": "/k.txt", "chunk": 0, "page": None}]})
    again = store.get(chat.id)
    assert again.title == "Where is the spare key?" and again.history()[1]["content"] == "Under the blue pot [1]."
    store.rename(chat.id, "Keys")
    (tmp_path / "chats" / "broken.json").write_text("{not json")
    assert [c.title for c in store.list()] == ["Keys"]  # a damaged file does not hide the others
    store.delete(chat.id)
    with pytest.raises(HearthError, match="No chat"):
        store.get(chat.id)
    with pytest.raises(HearthError):
        store.get("../etc/passwd")


def test_metrics_by_hand():
    queries = [EvalQuery("a", ["/a"]), EvalQuery("b", ["/b1", "/b2"]), EvalQuery("c", ["/c"])]
    ranked = {"a": ["/a", "/x"], "b": ["/x", "/b2", "/b2", "/y", "/b1"], "c": ["/x", "/y"]}
    r = score(queries, lambda q: ranked[q], k=2)
    assert r.hit_rate == pytest.approx(2 / 3)
    assert r.recall == pytest.approx((1 + 0.5 + 0) / 3)
    assert r.mrr10 == pytest.approx((1 + 0.5 + 0) / 3)  # duplicates of /b2 collapse: /b2 is rank 2
    # files ranked /x, /b2, /y, /b1: relevant at ranks 2 and 4 → DCG 1/log2(3) + 1/log2(5); ideal 1 + 1/log2(3)
    ndcg_b = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert r.ndcg10 == pytest.approx((1 + ndcg_b + 0) / 3, rel=1e-4)


def test_load_queries_errors_name_the_line(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text(json.dumps({"query": "ok", "relevant": ["a.txt"]}) + "\n" + '{"query": 3}\n')
    with pytest.raises(HearthError, match="line 2"):
        load_queries(f, tmp_path)
    f.write_text(json.dumps({"query": "ok", "relevant": ["a.txt"]}) + "\n")
    assert load_queries(f, tmp_path)[0].relevant == [str(tmp_path / "a.txt")]


def test_calibrated_threshold_separates_scores():
    assert 0.3 < calibrate_threshold([0.5, 0.6, 0.7, 0.45], [0.1, 0.2, 0.25, 0.3]) <= 0.45


def test_filters_sql():
    assert Filters().where() is None
    w = Filters(folder="/home/o'neil", file_types=["pdf", "markdown"], since=10).where()
    assert w == "folder = '/home/o''neil' AND file_type IN ('pdf', 'markdown') AND mtime_ns >= 10000000000"


def test_cross_encoder_reranker_on_a_tiny_random_model(tmp_path):
    """The cross-encoder path loads a local folder and reorders by its scores (random weights: order only)."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    from engine.rerank import CrossEncoderReranker
    from indexer.embedding import bundled_embedder_dir

    model_dir = tmp_path / "ce"
    cfg = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, num_labels=1)
    BertForSequenceClassification(cfg).save_pretrained(model_dir)
    BertTokenizerFast.from_pretrained(str(bundled_embedder_dir())).save_pretrained(model_dir)
    rr = CrossEncoderReranker(str(model_dir))
    hits = [Hit(f"/{i}", 0, 1.0 - i / 10, f"passage number {i} about thing {i}", None, None) for i in range(5)]
    out = rr("thing", hits)
    raw = rr.model.predict([("thing", h.text) for h in hits])
    assert [h.path for h in out] == [hits[i].path for i in sorted(range(5), key=lambda i: -raw[i])]
    assert out[0].score == pytest.approx(float(max(raw)), rel=1e-5)
