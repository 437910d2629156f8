"""Issue 11 §5: the digits demo's full run reaches >= 95 % and trains in under 3 minutes of CPU time.

Not part of the default run (about two minutes): ``pytest tests/benchmarks/test_digits_full.py``.
The expected confusion matrix is NumPy's replay of the same run (tests/test_multiclass.py).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nn.book.digits import train_digits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_multiclass import digits_numpy


def test_the_full_digits_run():
    start = time.process_time()
    run = train_digits()
    seconds = time.process_time() - start
    _, expected = digits_numpy(32, 60)
    assert run.confusion == expected
    assert run.accuracy >= 0.95
    assert seconds < 180, f"{seconds:.0f} s of CPU time"
