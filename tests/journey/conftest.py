"""The whole product as people use it: `microcred demo` running, driven by a real Chromium.

The demo command itself is under test here: the fixture starts it as a learner would (its own
process, three app processes behind it, its own data folder), reads the URLs it prints, and
stops it with Ctrl-C (SIGINT) at the end, checking that it and its apps exit cleanly.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from demo_process import RunningDemo, start_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    """One running demo for a test module (its steps build on each other, like a story)."""
    running = start_demo(
        tmp_path_factory.mktemp("demo"),
        # Status lists kept one second, so the revocation step need not wait a minute.
        env={"ISSUER_STATUS_MAX_AGE": "1", "VERIFIER_STATUS_MIN_TTL": "1"},
    )
    yield running
    assert running.stop() == 0, "\n".join(running.output)
