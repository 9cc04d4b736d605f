"""The core's public surface is declared, sorted and importable."""

import microcred


def test_all_is_sorted_and_complete() -> None:
    assert microcred.__all__ == sorted(microcred.__all__)
    for name in microcred.__all__:
        assert getattr(microcred, name).__module__.startswith("microcred.")


def test_core_never_imports_flask() -> None:
    from pathlib import Path

    core = Path(microcred.__file__).parent
    offenders = [
        p.name
        for p in core.glob("*.py")
        if "import flask" in p.read_text().lower() or "from flask" in p.read_text().lower()
    ]
    assert offenders == []
