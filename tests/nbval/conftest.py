"""nbval runs the reference notebooks here (see scripts/nbval_refs.py). Their kernels
read child-level data, which needs a pseudonymisation key; outputs are aggregates, so
any key gives the same figures."""

import os

os.environ.setdefault("EVALTOOLS_SALT", "nbval-reference-key-not-secret")
