"""Extraction quality and speed over ../shared/corpora/extraction-aeb.

    .venv/bin/python bench/extract.py            # all 181 pages, every setting
    .venv/bin/python bench/extract.py --quick    # 40 pages, newsdiff vs trafilatura's default

Figures per setting:
- F1: token-shingle F1 between the extracted body and the ground truth's ``articleBody``, as the
  article-extraction-benchmark scores it: 4-token shingles (tokens are ``\\w+`` runs), precision
  and recall per page averaged over pages, F1 of the two averages.
- para F1: paragraph-boundary agreement. The ground truth separates paragraphs with blank lines;
  a paragraph counts as matched when one extracted paragraph has exactly its tokens. Paragraph
  precision and recall per page (pages whose ground truth has a single paragraph are left out),
  averaged, F1 of the averages. Merged or split paragraphs lower it; so does lost text.
- ms/page: median and mean wall time of one extraction (decoding and parsing included).
- SF: pages where a standfirst (the summary line under the headline) was found; it is kept
  apart from the paragraphs, so it counts in none of the figures above. ``--standfirsts`` lists
  them (the page's host and the standfirst) for review by eye.

The corpus is third-party text: it is read here and never copied into the project.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsdiff.collect import extract as ex  # noqa: E402
from newsdiff.collect import strategies as st  # noqa: E402
from newsdiff.errors import ExtractionError  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "extraction-aeb"
TOKEN = re.compile(r"\w+")
SHINGLE = 4

Extracted = tuple[list[str], str | None]  # paragraphs, standfirst
Extractor = Callable[[bytes, str], Extracted]


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))


def _pr(tp: int, fp: int, fn: int) -> tuple[float, float]:
    if tp == fp == fn == 0:
        return 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def shingle_pr(truth: str, pred: str) -> tuple[float, float]:
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    return _pr(tp, sum((p - t).values()), sum((t - p).values()))


def paragraph_pr(truth: list[str], pred: list[str]) -> tuple[float, float]:
    t = Counter(" ".join(TOKEN.findall(x)) for x in truth)
    p = Counter(" ".join(TOKEN.findall(x)) for x in pred)
    t.pop("", None)
    p.pop("", None)
    tp = sum((t & p).values())
    return _pr(tp, sum((p - t).values()), sum((t - p).values()))


def f1(precisions: list[float], recalls: list[float]) -> tuple[float, float, float]:
    p, r = statistics.fmean(precisions), statistics.fmean(recalls)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def newsdiff_extractor(**options: Any) -> Extractor:
    def run(body: bytes, url: str) -> Extracted:
        saved = dict(st.TRAFILATURA_OPTIONS)
        st.TRAFILATURA_OPTIONS.update(options)
        try:
            result = ex.extract_article(body, url, min_chars=1)
        except ExtractionError:
            return [], None
        else:
            return list(result.paragraphs), result.standfirst
        finally:
            st.TRAFILATURA_OPTIONS.clear()
            st.TRAFILATURA_OPTIONS.update(saved)

    return run


def trafilatura_default(body: bytes, url: str) -> Extracted:
    text = st.trafilatura.extract(body, url=url) or ""
    return [line for line in text.split("\n") if line.strip()], None


SETTINGS: dict[str, Extractor] = {
    "newsdiff": newsdiff_extractor(),
    "trafilatura default": trafilatura_default,
    "newsdiff no favor_precision": newsdiff_extractor(favor_precision=False),
    "newsdiff favor_recall": newsdiff_extractor(favor_precision=False, favor_recall=True),
    "newsdiff no tables": newsdiff_extractor(include_tables=False),
    "newsdiff fast": newsdiff_extractor(fast=True),
}
QUICK = ("newsdiff", "trafilatura default")


def load(limit: int | None) -> list[tuple[str, bytes, str, str]]:
    truth = json.loads((CORPUS / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        body = gzip.decompress((CORPUS / "html" / f"{key}.html.gz").read_bytes())
        pages.append((key, body, truth[key].get("url") or "", truth[key]["articleBody"] or ""))
    return pages


@dataclass
class Tally:
    setting: str
    sp: list[float] = field(default_factory=list)
    sr: list[float] = field(default_factory=list)
    pp: list[float] = field(default_factory=list)
    pr: list[float] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    standfirsts: list[tuple[str, str]] = field(default_factory=list)  # (url, standfirst)

    def summary(self) -> dict[str, Any]:
        precision, recall, score = f1(self.sp, self.sr)
        return {
            "setting": self.setting,
            "pages": len(self.sp),
            "precision": precision,
            "recall": recall,
            "f1": score,
            "para_f1": f1(self.pp, self.pr)[2],
            "ms_median": statistics.median(self.times),
            "ms_mean": statistics.fmean(self.times),
            "standfirsts": len(self.standfirsts),
        }


def measure(names: list[str], pages: list[tuple[str, bytes, str, str]]) -> list[Tally]:
    """Every setting on each page in turn, so that load from other processes falls on all
    settings alike."""
    tallies = [Tally(name) for name in names]
    for _, body, url, truth in pages:
        truth_paragraphs = [x for x in re.split(r"\n\s*\n", truth) if x.strip()]
        for tally in tallies:
            started = time.perf_counter()
            paragraphs, standfirst = SETTINGS[tally.setting](body, url)
            tally.times.append((time.perf_counter() - started) * 1000)
            if standfirst:
                tally.standfirsts.append((url, standfirst))
            p, r = shingle_pr(truth, "\n".join(paragraphs))
            tally.sp.append(p)
            tally.sr.append(r)
            if len(truth_paragraphs) > 1:
                p, r = paragraph_pr(truth_paragraphs, paragraphs)
                tally.pp.append(p)
                tally.pr.append(r)
    return tallies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="40 pages, two settings")
    parser.add_argument("--setting", action="append", choices=sorted(SETTINGS))
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--standfirsts", action="store_true", help="list the standfirsts the first setting found"
    )
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 1
    warnings.simplefilter("ignore")
    pages = load(40 if args.quick else None)
    names = args.setting or (QUICK if args.quick else tuple(SETTINGS))
    SETTINGS[names[0]](pages[0][1], pages[0][2])  # warm-up: imports and caches
    tallies = measure(list(names), pages)
    results = [t.summary() for t in tallies]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    base = next((r for r in results if r["setting"] == "trafilatura default"), None)
    print(f"{len(pages)} pages from {CORPUS}")
    print(f"{'setting':<28} {'P':>6} {'R':>6} {'F1':>6} {'para F1':>8} {'SF':>4} {'ms/page':>16}")
    for r in results:
        ratio = f" ({r['ms_mean'] / base['ms_mean']:.2f}x)" if base else ""
        print(
            f"{r['setting']:<28} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} "
            f"{r['para_f1']:8.3f} {r['standfirsts']:4d} {r['ms_median']:6.1f} med "
            f"{r['ms_mean']:5.1f} mean{ratio}"
        )
    if base:
        print("ratios: mean ms/page against 'trafilatura default'")
    if args.standfirsts:
        print(f"\nstandfirsts found by {tallies[0].setting}:")
        for url, standfirst in tallies[0].standfirsts:
            print(f"  {urlsplit(url).netloc:<28} {standfirst[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
