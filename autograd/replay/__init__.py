"""The replay wing: ``trace`` records a graph and the program writer turns it into straight-line
Python. It imports the engine, the notation view and the leaves (docs/architecture.md)."""
