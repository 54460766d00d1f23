"""Fixed choices the CLI and the GUI offer, in a module light enough to import for `--help`."""

QUANTS = ("Q4_K_M", "Q5_K_M", "Q8_0")  # what an export can be requantized to (or None: the merged file as is)
