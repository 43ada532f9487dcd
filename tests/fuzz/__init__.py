"""The fuzz run (docs/reliability.md#fuzzing): real sample events, mutated, through real handlers.

The whole run is ``python -m tests.fuzz.events``; ``tests/faults/test_fuzz.py`` runs a reduced one.
"""
