"""The on-disk index: LanceDB tables `files` (the commit record) and `chunks` (text + vectors + full-text index).

Crash safety rests on one rule: a file's chunks are written first and its `files` row last, and on removal
the row goes first. `repair()` at every start deletes chunks that no `files` row vouches for, so a kill at
any moment leaves an index the next start makes consistent without re-embedding anything that did not change.
"""

from __future__ import annotations

import json
import logging
import os
import time
import warnings
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pyarrow as pa

from common import atomic
from common.errors import ConfigError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_IN_BATCH = 256  # values per SQL IN (...) list

FILES_SCHEMA = pa.schema(
    [
        pa.field("path", pa.string(), nullable=False),
        pa.field("folder", pa.string()),
        pa.field("size", pa.int64()),
        pa.field("mtime_ns", pa.int64()),
        pa.field("file_hash", pa.string()),
        pa.field("file_type", pa.string()),
        pa.field("n_chunks", pa.int32()),
        pa.field("status", pa.string()),  # ok | error | skipped
        pa.field("error", pa.string()),
        pa.field("indexed_at", pa.float64()),
    ]
)


def chunks_schema(dim: int) -> pa.Schema:
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("path", pa.string(), nullable=False),
            pa.field("folder", pa.string()),
            pa.field("file_hash", pa.string()),
            pa.field("chunk_no", pa.int32()),
            pa.field("chunk_hash", pa.string()),
            pa.field("text", pa.string()),
            pa.field("vector", pa.list_(pa.float32(), dim)),
            pa.field("start", pa.int32()),
            pa.field("end", pa.int32()),
            pa.field("page", pa.int32()),
            pa.field("heading", pa.string()),
            pa.field("file_type", pa.string()),
            pa.field("mtime_ns", pa.int64()),
        ]
    )


@dataclass
class FileRecord:
    path: str
    folder: str
    size: int
    mtime_ns: int
    file_hash: str
    file_type: str
    n_chunks: int
    status: str
    error: str
    indexed_at: float = 0.0


def filter_clause(folder: str | None = None, file_types: Sequence[str] | None = None,
                  since_ns: int | None = None, until_ns: int | None = None) -> str | None:
    """The WHERE clause that restricts chunks to a folder, some file types, or files modified in a time span."""
    parts = []
    if folder:
        parts.append(f"folder = {sql_str(folder)}")
    if file_types:
        parts.append(f"file_type IN ({', '.join(sql_str(t) for t in file_types)})")
    if since_ns is not None:
        parts.append(f"mtime_ns >= {int(since_ns)}")
    if until_ns is not None:
        parts.append(f"mtime_ns < {int(until_ns)}")
    return " AND ".join(parts) or None


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _in_list(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(sql_str(v) for v in values)})"


def _batches(values: Sequence[str], size: int = _IN_BATCH) -> Iterable[Sequence[str]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


LEGACY_VECTORS = "torch-fp32"  # indexes made before the vector kind was recorded


def read_meta(index_dir: Path) -> dict | None:
    """The index's recorded schema, model and vector kind; None when there is no index yet."""
    path = Path(index_dir) / "meta.json"
    return json.loads(path.read_text()) if path.exists() else None


def stored_vector_kind(index_dir: Path) -> str | None:
    meta = read_meta(index_dir)
    return None if meta is None else meta.get("vectors", LEGACY_VECTORS)


class Store:
    """All reads and writes of the index go through here. Writes come from one thread at a time."""

    def __init__(self, index_dir: Path, dim: int, model_id: str, optimize_every: int = 20,
                 vectors: str = LEGACY_VECTORS) -> None:
        """`model_id` and `vectors` (the backend and precision that made the vectors) are recorded on creation;
        an index made otherwise is refused, so vectors of two kinds are never mixed."""
        from indexer.lancedb_import import import_lancedb

        lancedb = import_lancedb()

        self.index_dir = Path(index_dir)
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self.dim = dim
        self.model_id = model_id
        self.vectors = vectors
        self.optimize_every = optimize_every  # commits between compactions
        self._check_meta()
        # Readers in other threads or processes see new versions at once.
        self.db = lancedb.connect(str(self.index_dir / "lance"), read_consistency_interval=timedelta(0))
        existing = set(self.db.list_tables().tables)
        self.files = self.db.open_table("files") if "files" in existing else self.db.create_table("files", schema=FILES_SCHEMA)
        self.chunks = (
            self.db.open_table("chunks") if "chunks" in existing else self.db.create_table("chunks", schema=chunks_schema(dim))
        )
        self._writes_since_optimize = 0
        self._fts_ready = any(i.index_type == "FTS" for i in self.chunks.list_indices())

    # -- schema and model bookkeeping -------------------------------------------------------------
    def _check_meta(self) -> None:
        meta_path = self.index_dir / "meta.json"
        meta = {"schema_version": SCHEMA_VERSION, "embed_model": self.model_id, "dim": self.dim, "vectors": self.vectors}
        stored = read_meta(self.index_dir)
        if stored is not None:
            if stored.get("schema_version") != SCHEMA_VERSION:
                raise ConfigError(
                    f"The index at {self.index_dir} was made by another version of Hearth; rebuild it with `index --rebuild`."
                )
            if stored.get("embed_model") != self.model_id or stored.get("dim") != self.dim:
                raise ConfigError(
                    f"The index was built with embedding model {stored.get('embed_model')}, not {self.model_id}; "
                    "set embed_model back to the model it was built with, then re-embed it with `hearth search-model "
                    "<folder>` (the current index answers meanwhile), or rebuild it with `hearth index --rebuild`."
                )
            if stored.get("vectors", LEGACY_VECTORS) != self.vectors:
                raise ConfigError(
                    f"The index's vectors were made by {stored.get('vectors', LEGACY_VECTORS)}, not {self.vectors}, "
                    "and two kinds are never mixed: set embed_backend back to auto, or re-embed the index with "
                    "`hearth search-model --backend <kind>` (the current index answers meanwhile)."
                )
            return
        atomic.write_json(meta_path, meta)

    @staticmethod
    def exists(index_dir: Path) -> bool:
        """Whether an index was made here: its meta and both tables are on disk (opening it creates nothing)."""
        lance = Path(index_dir) / "lance"
        return read_meta(index_dir) is not None and all((lance / f"{t}.lance").is_dir() for t in ("files", "chunks"))

    @staticmethod
    def destroy(index_dir: Path) -> None:
        import shutil

        shutil.rmtree(index_dir, ignore_errors=True)

    # -- reads --------------------------------------------------------------------------------------
    def file_records(self, paths: Sequence[str] | None = None) -> dict[str, FileRecord]:
        """Every file row; or, with `paths`, only the rows of those paths and of files under them (the
        watcher's few changed paths, without reading a table of 100k files)."""
        if paths is None:
            rows = self.files.to_arrow().to_pylist()
        elif not paths:
            return {}
        else:
            where = " OR ".join(f"path = {sql_str(p)} OR starts_with(path, {sql_str(p.rstrip(os.sep) + os.sep)})"
                                for p in paths)
            rows = self.files.search().where(where).limit(None).to_arrow().to_pylist()
        return {r["path"]: FileRecord(**r) for r in rows}

    def vectors_for(self, chunk_hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors for any of these chunk hashes, wherever they are (same file, copy, rename)."""
        found: dict[str, np.ndarray] = {}
        unique = sorted(set(chunk_hashes))
        for group in _batches(unique):
            tbl = self.chunks.search().where(_in_list("chunk_hash", group)).select(["chunk_hash", "vector"]).limit(None).to_arrow()
            if tbl.num_rows:
                vecs = np.asarray(tbl.column("vector").combine_chunks().flatten().to_numpy(), dtype=np.float32)
                vecs = vecs.reshape(tbl.num_rows, self.dim)
                for h, v in zip(tbl.column("chunk_hash").to_pylist(), vecs):
                    found.setdefault(h, v)
        return found

    def chunk_count(self) -> int:
        return self.chunks.count_rows()

    @property
    def version(self) -> int:
        """The chunks table's version; it changes with every write (caches compare it)."""
        return self.chunks.version

    def all_vectors(self) -> tuple[list[tuple[str, int]], np.ndarray]:
        """Every chunk's (path, chunk_no) and its vector, as one float32 matrix."""
        tbl = self.chunks.search().select(["path", "chunk_no", "vector"]).limit(None).to_arrow()
        flat = tbl.column("vector").combine_chunks().flatten().to_numpy()
        matrix = np.ascontiguousarray(flat, dtype=np.float32).reshape(tbl.num_rows, self.dim)
        return list(zip(tbl.column("path").to_pylist(), tbl.column("chunk_no").to_pylist())), matrix

    def chunks_near(self, path: str, chunk_no: int, n: int, columns: list[str]) -> list[dict]:
        """A file's chunks numbered within `n` of `chunk_no` (a hit's neighbours)."""
        return self.chunk_rows(f"path = {sql_str(path)} AND chunk_no >= {chunk_no - n} AND chunk_no <= {chunk_no + n}",
                               columns)

    def chunks_at(self, keys: Sequence[tuple[str, int]], columns: list[str]) -> list[dict]:
        """The chunks with these (path, chunk_no) keys."""
        rows: list[dict] = []
        keys = list(keys)
        for i in range(0, len(keys), _IN_BATCH):
            clause = " OR ".join(f"(path = {sql_str(p)} AND chunk_no = {int(c)})" for p, c in keys[i : i + _IN_BATCH])
            rows += self.chunk_rows(clause, columns)
        return rows

    def chunks_of(self, paths: Sequence[str], columns: list[str]) -> list[dict]:
        """Every chunk of these files."""
        rows: list[dict] = []
        for group in _batches(sorted(set(paths))):
            rows += self.chunk_rows(_in_list("path", group), columns)
        return rows

    def containing(self, needles: Sequence[str], k: int, columns: list[str], where: str | None = None) -> list[dict]:
        """Chunks whose text contains any of these strings (a scan; for scripts the word index cannot split)."""
        like = " OR ".join(f"text LIKE {sql_str('%' + n.replace('%', '').replace('_', '') + '%')}" for n in needles)
        return self.chunk_rows(f"({like})" + (f" AND {where}" if where else ""), columns, max(k, 1))

    def nearest(self, query_vector: np.ndarray, k: int, columns: list[str], where: str | None = None) -> list[dict]:
        """The k chunks nearest to a normalised vector; each row carries `_distance` (squared L2)."""
        q = self.chunks.search(np.asarray(query_vector, dtype=np.float32), vector_column_name="vector")
        q = q.select(columns + ["_distance"])
        if where:
            q = q.where(where, prefilter=True)
        return q.limit(k).to_list()

    def fulltext(self, query: str, k: int, columns: list[str], where: str | None = None) -> list[dict]:
        """The k chunks best matching `query` by BM25; each row carries `_score`. A query of only stop
        words or symbols matches nothing."""
        if not self.chunks.count_rows():
            return []
        self.ensure_indexes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q = self.chunks.search(query, query_type="fts").select(columns + ["_score"])
            if where:
                q = q.where(where, prefilter=True)
            try:
                return q.limit(k).to_list()
            except (ValueError, RuntimeError):
                return []

    def chunk_rows(self, where: str | None = None, columns: list[str] | None = None,
                   limit: int | None = None) -> list[dict]:
        q = self.chunks.search()
        if where:
            q = q.where(where)
        if columns:
            q = q.select(columns)
        return q.limit(limit).to_arrow().to_pylist()

    # -- writes -------------------------------------------------------------------------------------
    def commit(self, chunk_rows: list[dict], file_rows: list[dict]) -> None:
        """Add chunks, then upsert their files' rows (the commit), then drop chunks of older versions."""
        if chunk_rows:
            self.chunks.add(pa.Table.from_pylist(chunk_rows, schema=self.chunks.schema))
        if not file_rows:
            return
        self.files.merge_insert("path").when_matched_update_all().when_not_matched_insert_all().execute(
            pa.Table.from_pylist(file_rows, schema=FILES_SCHEMA)
        )
        for i in range(0, len(file_rows), _IN_BATCH):
            group = file_rows[i : i + _IN_BATCH]
            clause = " OR ".join(
                f"(path = {sql_str(r['path'])} AND file_hash != {sql_str(r['file_hash'])})" for r in group
            )
            self.chunks.delete(clause)
        self._writes_since_optimize += 1

    def touch(self, file_rows: list[dict]) -> None:
        """Update rows whose content did not change (only size/mtime did)."""
        if file_rows:
            self.files.merge_insert("path").when_matched_update_all().when_not_matched_insert_all().execute(
                pa.Table.from_pylist(file_rows, schema=FILES_SCHEMA)
            )
            self._writes_since_optimize += 1

    def remove(self, paths: Sequence[str]) -> None:
        """Forget files: the commit record first, so a kill in between leaves only orphans that repair drops."""
        for group in _batches(list(paths)):
            self.files.delete(_in_list("path", group))
            self.chunks.delete(_in_list("path", group))
        self._writes_since_optimize += 1

    def move(self, old: str, new: str, new_folder: str, new_record: dict) -> int:
        """A rename: copy the old path's chunks (vectors included) under the new path, commit, drop the old."""
        rows = self.chunk_rows(f"path = {sql_str(old)}")
        for r in rows:
            r["path"] = new
            r["folder"] = new_folder
            r["id"] = chunk_id(new, r["file_hash"], r["chunk_no"])
            r["mtime_ns"] = new_record["mtime_ns"]
        self.commit(rows, [new_record])
        self.remove([old])
        return len(rows)

    def repair(self) -> int:
        """Delete chunks whose (path, file_hash) has no ok `files` row; returns how many were dropped."""
        files = self.files.search().where("status = 'ok'").select(["path", "file_hash"]).limit(None).to_arrow()
        committed = set(zip(files.column("path").to_pylist(), files.column("file_hash").to_pylist()))
        tbl = self.chunks.search().select(["path", "file_hash"]).limit(None).to_arrow()
        present = {}
        for key in zip(tbl.column("path").to_pylist(), tbl.column("file_hash").to_pylist()):
            present[key] = present.get(key, 0) + 1
        orphans = [k for k in present if k not in committed]
        for i in range(0, len(orphans), _IN_BATCH):
            group = orphans[i : i + _IN_BATCH]
            self.chunks.delete(" OR ".join(f"(path = {sql_str(p)} AND file_hash = {sql_str(h)})" for p, h in group))
        # A committed file whose chunks went missing (should not happen) is forgotten so it is indexed again.
        missing = [p for p, h in committed if (p, h) not in present]
        for group in _batches(missing):
            self.files.delete(_in_list("path", group))
        dropped = sum(present[k] for k in orphans)
        if dropped or missing:
            log.warning("repair: dropped %d orphan chunks, %d incomplete files", dropped, len(missing))
        return dropped

    def ensure_indexes(self) -> None:
        """Full-text index on chunk text and scalar indexes for the columns writes filter on."""
        if self._fts_ready or self.chunks.count_rows() == 0:
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            names = {i.name for i in self.chunks.list_indices()}
            if "text_idx" not in names:
                self.chunks.create_fts_index("text", use_tantivy=False, replace=True)
                self._fts_ready = True
            for col in ("path", "chunk_hash"):
                if f"{col}_idx" not in names:
                    self.chunks.create_scalar_index(col, replace=True)
            if "path_idx" not in {i.name for i in self.files.list_indices()} and self.files.count_rows():
                self.files.create_scalar_index("path", replace=True)

    def optimize(self, force: bool = False) -> None:
        """Compact small fragments, fold new rows into the indexes, drop old versions. Cheap to skip."""
        if not force and self._writes_since_optimize < self.optimize_every:
            return
        t0 = time.perf_counter()
        self.ensure_indexes()
        for tbl in (self.chunks, self.files):
            tbl.optimize(cleanup_older_than=timedelta(seconds=30))
        self._writes_since_optimize = 0
        log.info("index optimized in %.2fs", time.perf_counter() - t0)


def chunk_id(path: str, file_hash: str, chunk_no: int) -> str:
    import hashlib

    return hashlib.blake2b(f"{path}\0{file_hash}\0{chunk_no}".encode(), digest_size=12).hexdigest()
