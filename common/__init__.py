"""App-wide code every layer may use: errors, data-dir paths, atomic writes, JSON lines, progress and cancel
types, offline mode and versioned on-disk formats. It imports nothing of Hearth's own."""
