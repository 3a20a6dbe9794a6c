"""Every diff test runs on both raw-diff engines: the compiled accelerator and pure Python."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsdiff.diff import myers


@pytest.fixture(scope="module", autouse=True, params=["native", "pure"])
def diff_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    before = myers.engine()
    name = str(request.param)
    if name == "native":
        pytest.importorskip("fast_diff_match_patch")
    myers.set_engine(name)
    yield name
    myers.set_engine(before)
