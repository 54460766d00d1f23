"""`python -m hearth`: the `hearth` command. Also the entry point of the bundled app (packaging/)."""

import multiprocessing
import sys

from cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the parse workers are spawned; in a bundle they re-enter here
    sys.exit(main())
