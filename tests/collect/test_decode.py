"""Content-Encoding undone chunk by chunk within a budget (collect/decode.py)."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdiff.collect.decode import STEP_BYTES, BodyDecoder, DecodeError, OverBudget
from tests.collect.bombs import MIB, gzip_bytes, gzip_of_zeros

TEXT = b"<html><body>" + b"<p>The council said the report would be published.</p>" * 400


def deflate(data: bytes, *, raw: bool = False) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def decode(encoding: str, body: bytes, *, budget: int = 10 * MIB, chunk: int = 4096) -> bytes:
    decoder = BodyDecoder(encoding, budget)
    for start in range(0, len(body), chunk):
        decoder.feed(body[start : start + chunk])
    return decoder.body()


ENCODED = {
    "": TEXT,
    "identity": TEXT,
    "none": TEXT,  # not a coding at all: what misconfigured servers send, read as browsers do
    "UTF-8": TEXT,
    "gzip, none": gzip_bytes(TEXT),
    "gzip": gzip_bytes(TEXT),
    "x-gzip": gzip_bytes(TEXT),
    "GZip ": gzip_bytes(TEXT),
    "deflate": deflate(TEXT),
    "deflate (raw)": deflate(TEXT, raw=True),
    "gzip, deflate": deflate(gzip_bytes(TEXT)),
    "deflate, gzip, identity": gzip_bytes(deflate(TEXT)),
    "gzip (two members)": gzip_bytes(TEXT[:1000]) + gzip_bytes(TEXT[1000:]),
    "gzip (junk after)": gzip_bytes(TEXT) + b"\n\0garbage",
}


@pytest.mark.parametrize("case", list(ENCODED))
@pytest.mark.parametrize("chunk", [1, 7, 4096, 1 << 20])
def test_every_supported_coding_round_trips(case: str, chunk: int) -> None:
    encoding = case.split(" (")[0]
    assert decode(encoding, ENCODED[case], chunk=chunk) == TEXT


@given(data=st.binary(max_size=3000), cuts=st.lists(st.integers(0, 3000), max_size=8))
def test_any_chunking_gives_the_same_body(data: bytes, cuts: list[int]) -> None:
    body = deflate(gzip_bytes(data), raw=True)
    decoder = BodyDecoder("gzip, deflate", 10_000)
    edges = [0, *sorted(c % (len(body) + 1) for c in cuts), len(body)]
    for start, end in zip(edges, edges[1:], strict=False):
        decoder.feed(body[start:end])
    assert decoder.body() == data


def test_a_stream_that_ends_early_keeps_what_came() -> None:
    body = gzip_bytes(TEXT)
    assert TEXT.startswith(decode("gzip", body[: len(body) // 2]))


@pytest.mark.parametrize(
    ("encoding", "body", "message"),
    [
        ("br", b"\x1b\x00", "unsupported Content-Encoding 'br'"),
        ("gzip, zstd", b"", "unsupported Content-Encoding 'zstd'"),
        ("compress", b"\x1f\x9d", "unsupported Content-Encoding 'compress'"),
        ("mystery", b"", "unsupported Content-Encoding 'mystery'"),
        ("gzip, " * 5, b"", "5 Content-Encoding layers"),
        ("gzip", b"this is not gzip at all", "corrupt gzip data"),
        ("deflate", b"\x78\x9c" + b"\xff" * 20, "corrupt deflate data"),
        ("gzip", gzip_bytes(TEXT)[:20] + b"\xff" * 200, "corrupt gzip data"),
    ],
)
def test_what_cannot_be_decoded_says_why(encoding: str, body: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        decode(encoding, body)


def test_over_budget_keeps_exactly_the_budget() -> None:
    decoder = BodyDecoder("gzip", 1000)
    with pytest.raises(OverBudget):
        decoder.feed(gzip_bytes(TEXT))
    assert decoder.body() == TEXT[:1000]


@pytest.mark.parametrize("layers", [1, 2])
def test_a_bomb_stops_at_the_budget_in_small_steps(layers: int) -> None:
    """A GiB of zeros: decoding stops one step past the budget, whatever the raw chunk."""
    body = gzip_of_zeros(1024)
    if layers == 2:
        body = gzip_bytes(body)
    decoder = BodyDecoder(", ".join(["gzip"] * layers), 100_000)
    with pytest.raises(OverBudget):
        decoder.feed(body)
    assert decoder.size == 100_000
    assert max(len(part) for part in decoder._parts) <= STEP_BYTES


def test_an_intermediate_layer_is_budgeted_too() -> None:
    """The outer layer of "gzip, gzip" expands to far more than the budget, but to junk the
    inner layer ignores: counting only the decoded body would let it run on."""
    inner = gzip_bytes(b"ok") + bytes(50 * MIB)  # a member, then 50 MiB of "junk"
    decoder = BodyDecoder("gzip, gzip", 1_000_000)
    with pytest.raises(OverBudget):
        decoder.feed(gzip_bytes(inner))
    assert decoder.body() == b"ok"
