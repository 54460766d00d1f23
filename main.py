"""Hearth: a local assistant that answers from your own files. `python main.py` is the `hearth` command.

Heavy imports (torch, LanceDB, llama.cpp) happen inside the commands, so `--help` is instant and worker
processes that re-import this module stay light.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    from cli import main

    multiprocessing.freeze_support()
    sys.exit(main())
