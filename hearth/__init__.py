"""`python -m hearth` runs the `hearth` command (the same as `python main.py` in a checkout)."""
