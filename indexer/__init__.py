"""Indexer: scan folders, parse, chunk, embed and store in LanceDB; keep it current with a watcher."""
