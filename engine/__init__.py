"""Answer engine: retrieval, context assembly, prompting and generation over the index."""
