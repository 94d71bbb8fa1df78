"""One module per ``itbudget`` command; each has ``register(subparsers)`` and a ``run``."""
