"""Every diff test runs on both raw-diff engines: the compiled accelerator and pure Python."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsdiff.diff import words


@pytest.fixture(scope="module", autouse=True, params=["native", "pure"])
def diff_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    before = words.engine()
    name = str(request.param)
    if name == "native":
        pytest.importorskip("fast_diff_match_patch")
    words.set_engine(name)
    yield name
    words.set_engine(before)
