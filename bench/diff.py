"""Benchmark the diff engine against difflib and git's word diff, on realistic edit pairs.

Each case is an article written by this script (sentences of news-like words, paragraphs of
two to four sentences) and an edited copy: a share of the words edited at scattered places
(replaced, deleted, or with a word or short phrase inserted), plus one paragraph inserted and
one moved. For each case, in one run:

* ``compare()`` in-process (newsdiff), with its compiled raw diff (fast-diff-match-patch) and,
  beside it, with the pure-Python one (``pure ms``),
* ``difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes()``,
* ``git diff --no-index --word-diff=porcelain`` on two temporary files (a process each run),

with medians (CPU time in-process, wall time for git), ratios against difflib, and quality:
the words each reports as changed (removed + added) against the minimum, the words the
generator actually changed (a moved paragraph changes none; the word-level LCS, which cannot
express moves, is shown too).

Then the same on real article texts: the article bodies of ``../shared/corpora/extraction-aeb``
(181 articles; each non-blank line of ``articleBody`` a paragraph, normalised as the store does),
each edited by the same generator (5% of the words, one paragraph inserted, one moved). Each
article is timed alone, ``compare()`` and difflib interleaved in the same loop; the figures are
the median of the per-article ratios and their spread (quartiles, 10th and 90th percentiles).
The corpus is skipped when absent. Never asserts anything.

Last measured on the corpus (repeat 7, 2 cores shared with other benchmarks at load 3.5-4.6),
three runs alternating with the tree before issue 15 item 8's last steps (635a1e1): median
ratio to difflib 0.57x, 0.64x, 0.61x (quartiles about 0.4-1.0x) against 0.73x, 0.67x, 0.70x.
The ratio moves with the machine's load (both sides are timed in CPU time, but not alike):
compare two trees in the same minutes. The last steps: a paragraph pair whose chunk-level
changes are clear (one change between equal ends; or every changed chunk found on one side
only, the shared ones in the same order: a unique longest common subsequence) gets its word
diff without encoding its chunks or running the raw diff (words.plan_changes), about two
thirds of the corpus pairs. Same-process A/B against 635a1e1: 0.91x the time per article
(quartiles 0.86-0.96), results identical on 602 comparisons; the generated cases 0.97-1.01x.

    python bench/diff.py [--quick] [--repeat N] [--profile CASE|corpus] [--only cases|corpus]
"""

from __future__ import annotations

import argparse
import cProfile
import difflib
import io
import json
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diff_match_patch import diff_match_patch  # noqa: E402

from newsdiff.diff import Document, compare, myers  # noqa: E402
from newsdiff.text import normalize_paragraphs  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "extraction-aeb"

FUNCTION = (
    "the the the the of of of to to to and and and a a in in is was that for on it with as "
    "by at from his her their they he she said has have had be been not but which who this an "
    "are were would will after before its also more than into over"
).split()
CONTENT = (
    "council inspectors report children services review social workers police hospital doctors "
    "family court evidence failures minister statement government department management borough "
    "director officials investigation inquiry safeguarding agencies Haringey Ofsted serious case "
    "mother partner lodger injuries death toddler London north protection plan visits nurse "
    "paediatrician warnings missed chances judge trial jury sentence appeal leaders reforms staff "
    "caseloads training budget cuts spending year month week Monday Tuesday Wednesday Thursday "
    "Friday morning evening spokesman spokeswoman confirmed denied announced published released "
    "found concluded criticised praised improved failed expected later earlier today yesterday "
    "progress improvement concerns weaknesses standards inspection framework unannounced visit "
    "records files assessments referrals thresholds schools health trust general practitioner "
    "parliament committee chair member secretary education local authority national figures data "
    "rose fell doubled number cases hundreds thousands percent million pounds funding agency"
).split()
NUMBERS = ["50", "17", "2008", "2009", "12", "3", "40", "1,000", "60", "8"]


def _word(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return rng.choice(FUNCTION)
    if r < 0.97:
        return rng.choice(CONTENT)
    return rng.choice(NUMBERS)


def _sentence(rng: random.Random) -> list[str]:
    words = [_word(rng) for _ in range(rng.randint(10, 28))]
    words[0] = words[0][:1].upper() + words[0][1:]
    if rng.random() < 0.4:
        k = rng.randint(2, len(words) - 3)
        words[k] += ","
    if rng.random() < 0.2:
        words[1] = "'" + words[1]
        words[-2] += "'"
    words[-1] += "."
    return words


def _paragraph(rng: random.Random) -> list[list[str]]:
    return [_sentence(rng) for _ in range(rng.randint(2, 4))]


def make_article(rng: random.Random, n_words: int) -> list[list[str]]:
    """Paragraphs as lists of words (punctuation attached), about ``n_words`` in all."""
    paragraphs: list[list[str]] = []
    total = 0
    while total < n_words:
        para = [w for s in _paragraph(rng) for w in s]
        paragraphs.append(para)
        total += len(para)
    return paragraphs


@dataclass
class Case:
    name: str
    old: Document
    new: Document
    changed: int  # words the generator removed + added


def edit_article(
    rng: random.Random, paragraphs: list[list[str]], rate: float
) -> tuple[list[list[str]], int]:
    """An edited copy: ``rate`` of the words edited, one paragraph inserted and one moved."""
    new = [list(p) for p in paragraphs]
    total = sum(len(p) for p in new)
    changed = 0
    slots = [(i, k) for i, p in enumerate(new) for k in range(len(p))]
    picked = rng.sample(slots, int(total * rate))
    picked.sort(reverse=True)  # edit from the end so indices stay valid
    last: tuple[int, int] | None = None
    for i, k in picked:
        if last is not None and last[0] == i and last[1] - k < 2:
            continue  # keep edits scattered: never two on neighbouring words
        last = (i, k)
        kind = rng.random()
        word = new[i][k]
        tail = "".join(ch for ch in word if not ch.isalnum())
        if kind < 0.6:  # replace a word
            core = word.rstrip(",.'")
            repl = core
            while repl.lower() == core.lower():
                repl = _word(rng)
            new[i][k] = repl + tail if word[-1:] in ",.'" else repl
            changed += 2
        elif kind < 0.75 and len(new[i]) > 12 and not tail:  # delete a word
            del new[i][k]
            changed += 1
        elif kind < 0.9:  # insert a word
            new[i].insert(k, _word(rng).lower())
            changed += 1
        else:  # insert a short phrase
            phrase = [rng.choice(CONTENT).lower() for _ in range(rng.randint(2, 4))]
            new[i][k:k] = phrase
            changed += len(phrase)
    inserted = [w for s in _paragraph(rng) for w in s]
    new.insert(rng.randint(0, len(new)), inserted)
    changed += len(inserted)
    src = rng.randrange(len(new))
    moved = new.pop(src)
    dst = rng.randrange(len(new) + 1)
    while abs(dst - src) < 2 and len(new) > 4:
        dst = rng.randrange(len(new) + 1)
    new.insert(dst, moved)
    return new, changed


def make_case(name: str, n_words: int, rate: float, seed: int) -> Case:
    rng = random.Random(seed)
    old = make_article(rng, n_words)
    new, changed = edit_article(rng, old, rate)
    title = "Inspectors report on Haringey children's services"
    return Case(
        name,
        Document(title, [" ".join(p) for p in old]),
        Document(title, [" ".join(p) for p in new]),
        changed,
    )


def doc_words(doc: Document) -> list[str]:
    return " ".join(doc.paragraphs).split()


def median_time(
    func: Callable[[], object],
    repeat: int,
    budget: float = 5.0,
    clock: Callable[[], float] = time.process_time,
) -> float:
    """Median time of ``func`` over up to ``repeat`` runs (fewer if ``budget`` s run out).

    In-process work is timed in CPU time (``process_time``), which other processes on a
    shared machine disturb much less than wall time; a subprocess is timed in wall time."""
    times: list[float] = []
    start = time.perf_counter()
    for _ in range(repeat):
        t0 = clock()
        func()
        times.append(clock() - t0)
        if time.perf_counter() - start > budget and len(times) >= 3:
            break
    return statistics.median(times)


def difflib_changed(a: list[str], b: list[str]) -> int:
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return sum((i2 - i1) + (j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")


def lcs_changed(a: list[str], b: list[str]) -> int:
    """Words removed + added by a minimal (LCS) word diff: Myers via dmp, no timeout."""
    table: dict[str, str] = {}
    enc_a = "".join(table.setdefault(w, chr(len(table) + 0x100)) for w in a)
    enc_b = "".join(table.setdefault(w, chr(len(table) + 0x100)) for w in b)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return sum(len(t) for op, t in dmp.diff_main(enc_a, enc_b, False) if op != 0)


class Git:
    def __init__(self, case: Case, tmp: Path) -> None:
        self.old = tmp / f"{case.name}-old.txt"
        self.new = tmp / f"{case.name}-new.txt"
        self.old.write_text("\n".join(case.old.paragraphs) + "\n", encoding="utf-8")
        self.new.write_text("\n".join(case.new.paragraphs) + "\n", encoding="utf-8")

    def run(self) -> str:
        proc = subprocess.run(
            ["git", "diff", "--no-index", "--word-diff=porcelain", str(self.old), str(self.new)],
            capture_output=True,
            text=True,
            check=False,
        )
        return proc.stdout

    def changed(self) -> int:
        n = 0
        for line in self.run().splitlines():
            if line.startswith(("---", "+++")):
                continue
            if line[:1] in "+-":
                n += len(line[1:].split())
        return n


def run_case(case: Case, repeat: int, tmp: Path, use_git: bool) -> dict[str, float]:
    a, b = doc_words(case.old), doc_words(case.new)
    engine = myers.engine()

    def ours() -> object:
        myers.set_engine(engine)
        return compare(case.old, case.new)

    def pure() -> object:
        myers.set_engine("pure")
        return compare(case.old, case.new)

    def base() -> object:
        return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()

    try:
        samples = interleaved([ours, pure, base], repeat)
        myers.set_engine("pure")
        pure_changed = compare(case.old, case.new).stats
    finally:
        myers.set_engine(engine)
    result = compare(case.old, case.new)
    stats = result.stats
    ratios = [t / d for t, d in zip(samples[0], samples[2], strict=True)]
    row: dict[str, float] = {
        "ours": statistics.median(samples[0]),
        "pure": statistics.median(samples[1]),
        "pure_changed": pure_changed.words_added + pure_changed.words_removed,
        "difflib": statistics.median(samples[2]),
        "ratio": statistics.median(ratios),
        "ratio_lo": _quantile(ratios, 0.25),
        "ratio_hi": _quantile(ratios, 0.75),
        "ours_changed": stats.words_added + stats.words_removed,
        "difflib_changed": difflib_changed(a, b),
        "lcs_changed": lcs_changed(a, b),
        "moved": stats.paragraphs_moved,
    }
    if use_git:
        git = Git(case, tmp)
        row["git"] = median_time(git.run, max(3, repeat // 3), clock=time.perf_counter)
        row["git_changed"] = git.changed()
    return row


def corpus_cases(seed: int = 15) -> list[Case]:
    """Real article bodies from the shared corpus, each with a generated edit (5% of the words,
    one paragraph inserted, one moved); none when the corpus is absent."""
    path = CORPUS / "ground-truth.json"
    if not path.is_file():
        return []
    articles = json.loads(path.read_text(encoding="utf-8"))
    cases = []
    for n, key in enumerate(sorted(articles)):
        paragraphs = normalize_paragraphs(articles[key]["articleBody"].splitlines())
        if not paragraphs:
            continue
        old = [p.split(" ") for p in paragraphs]
        new, changed = edit_article(random.Random(seed * 1000 + n), old, 0.05)
        cases.append(
            Case(
                key[:8],
                Document("", [" ".join(p) for p in old]),
                Document("", [" ".join(p) for p in new]),
                changed,
            )
        )
    return cases


def _loops(func: Callable[[], object], least: float = 0.002) -> int:
    """How many calls of ``func`` make one timing sample of at least ``least`` s CPU time."""
    n = 1
    while True:
        t0 = time.process_time()
        for _ in range(n):
            func()
        if time.process_time() - t0 >= least or n >= 1 << 14:
            return n
        n *= 2


def interleaved(funcs: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """CPU time per call of each of ``funcs``, one sample per repeat, timed in turn within each
    repeat (so a burst of load on the machine falls on all of them alike). A sample is the
    mean of enough calls to take a few milliseconds."""
    loops = [_loops(f) for f in funcs]
    samples: list[list[float]] = [[] for _ in funcs]
    for _ in range(repeat):
        for func, n, times in zip(funcs, loops, samples, strict=True):
            t0 = time.process_time()
            for _ in range(n):
                func()
            times.append((time.process_time() - t0) / n)
    return samples


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    at = q * (len(ordered) - 1)
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def _spread(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.2f}x, quartiles {_quantile(values, 0.25):.2f}-"
        f"{_quantile(values, 0.75):.2f}x, 10-90% {_quantile(values, 0.1):.2f}-"
        f"{_quantile(values, 0.9):.2f}x"
    )


def run_corpus(cases: list[Case], repeat: int) -> None:
    """Per-article ratios to difflib on real texts, for both raw-diff engines."""
    engine = myers.engine()
    ratios: dict[str, list[float]] = {"native": [], "pure": []}
    totals = {"ours": 0, "pure": 0, "minimum": 0, "difflib": 0}
    moved = 0
    try:
        for case in cases:
            a, b = doc_words(case.old), doc_words(case.new)

            def ours(case: Case = case) -> object:
                return compare(case.old, case.new)

            def base(a: list[str] = a, b: list[str] = b) -> object:
                return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()

            for name in ("native", "pure") if engine == "native" else ("pure",):
                myers.set_engine(name)
                t_ours, t_base = interleaved([ours, base], repeat)
                ratios[name].append(statistics.median(t_ours) / statistics.median(t_base))
                stats = compare(case.old, case.new).stats
                totals["ours" if name == "native" else "pure"] += (
                    stats.words_added + stats.words_removed
                )
                if name == "native":
                    moved += stats.paragraphs_moved
            totals["minimum"] += case.changed
            totals["difflib"] += difflib_changed(a, b)
    finally:
        myers.set_engine(engine)
    words = [len(doc_words(c.old)) for c in cases]
    print(
        f"\nreal article texts: {len(cases)} articles of {CORPUS.name} "
        f"(median {statistics.median(words):.0f} words, {min(words)}-{max(words)}), "
        f"5% of words edited, one paragraph inserted, one moved; median of {repeat} runs each"
    )
    for name, values in ratios.items():
        if values:
            label = "native raw diff" if name == "native" else "pure Python    "
            print(f"  compare() / difflib, {label}: {_spread(values)}")
    ours_changed = f"ours {totals['ours']}, " if ratios["native"] else ""
    print(
        f"  changed words, all articles: {ours_changed}pure {totals['pure']}, "
        f"minimum {totals['minimum']}, difflib {totals['difflib']}; "
        f"paragraphs moved {moved} (one per article generated)"
    )


def run_cases(cases: list[Case], repeat: int) -> None:
    use_git = shutil.which("git") is not None
    print(
        f"newsdiff compare() ({myers.engine()} raw diff; pure Python beside it) vs difflib "
        f"(word lists, autojunk=False) and git --word-diff; median of {repeat} runs"
    )
    header = (
        f"{'case':<10} {'words':>6} {'ours ms':>8} {'difflib ms':>10} {'ratio':>6} "
        f"{'quartiles':>11} "
        f"{'pure ms':>8} {'ratio':>6} "
        f"{'git ms':>7}  {'changed: ours':>13} {'minimum':>7} {'+%':>6} {'difflib':>7} "
        f"{'git':>6} {'LCS':>6}"
    )
    print(header)
    pure_changed: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            row = run_case(case, repeat, Path(tmp), use_git)
            pure_changed.append(f"{case.name} {row['pure_changed']:.0f}")
            excess = 100 * (row["ours_changed"] - case.changed) / case.changed
            git_ms = f"{row['git'] * 1000:7.1f}" if use_git else f"{'-':>7}"
            git_changed = f"{row['git_changed']:6.0f}" if use_git else f"{'-':>6}"
            print(
                f"{case.name:<10} {len(doc_words(case.old)):>6} {row['ours'] * 1000:8.2f} "
                f"{row['difflib'] * 1000:10.2f} {row['ratio']:5.2f}x "
                f"{row['ratio_lo']:5.2f}-{row['ratio_hi']:4.2f}x "
                f"{row['pure'] * 1000:8.2f} {row['pure'] / row['difflib']:5.2f}x "
                f"{git_ms}  {row['ours_changed']:13.0f} {case.changed:7d} {excess:+5.1f}% "
                f"{row['difflib_changed']:7.0f} {git_changed} {row['lcs_changed']:6.0f}"
            )
    print(
        "ratio = ours / difflib, median of the ratios in each run (CPU time; quartiles of "
        "them beside it);"
    )
    print("changed = words removed + added; minimum = words the generator")
    print("changed (a moved paragraph counts 0; difflib, git and LCS count it twice)")
    print(f"pure-Python raw diff, changed words: {', '.join(pure_changed)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats (CI)")
    parser.add_argument(
        "--profile",
        metavar="CASE",
        help="profile compare() on one case (e.g. 8000w-5%%), or on every article: corpus",
    )
    parser.add_argument(
        "--only", choices=["cases", "corpus"], help="only the generated cases, or only the corpus"
    )
    parser.add_argument("--repeat", type=int, default=0, help="timing repeats (default 30)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (5 if args.quick else 30)
    cases = [
        make_case("800w-5%", 800, 0.05, 1),
        make_case("8000w-5%", 8000, 0.05, 2),
        make_case("800w-30%", 800, 0.30, 3),
        make_case("8000w-30%", 8000, 0.30, 4),
    ]
    if args.profile:
        if args.profile == "corpus":
            profiled = corpus_cases()
        else:
            profiled = [c for c in cases if c.name == args.profile]
        profiler = cProfile.Profile()
        profiler.enable()
        for case in profiled:
            for _ in range(repeat):
                compare(case.old, case.new)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(18)
        print(out.getvalue())
        return 0
    if args.only != "corpus":
        run_cases(cases, repeat)
    if args.only != "cases":
        real = corpus_cases()
        if real:
            run_corpus(real, repeat)
        else:
            print(f"\nreal article texts: {CORPUS} is absent, skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
