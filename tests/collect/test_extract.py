"""Article extraction on pages the project wrote (tests/data/pages), plus a quality floor on the
shared extraction corpus when it is present."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import select

from newsdiff.collect.extract import Extraction, decode_html, extract_article
from newsdiff.collect.paragraphs import html_paragraphs
from newsdiff.collect.rules import is_boilerplate
from newsdiff.config import OutletRules
from newsdiff.errors import ConfigError, ExtractionError
from tests.collect.conftest import Clock, make_settings
from tests.collect.server import Site
from tests.conftest import CORPORA

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
URL = "https://www.northgate-chronicle.example/uk/2008/11/13/baby-p.html"
OLD_SITE_URL = "http://www.riverside-post.example/news/1004.html"
EXPECTED = (PAGES / "baby-p-review.txt").read_text(encoding="utf-8").splitlines()
HEADLINE, PARAGRAPHS = EXPECTED[0], EXPECTED[1:]
FURNITURE = (
    "Most read",
    "Related",
    "Trending",
    "Viewed",
    "shares",
    "comments",
    "Share",
    "Advertisement",
    "Sign up",
    "Privacy",
    "©",
    "Subscribe",
    "Read more",
    "Photograph",
    "Last updated",
)


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def extract(name: str, **kwargs: object) -> Extraction:
    return extract_article(page(name), kwargs.pop("url", URL), **kwargs)  # type: ignore[arg-type]


def assert_no_furniture(result: Extraction) -> None:
    for paragraph in result.paragraphs:
        for word in FURNITURE:
            assert word not in paragraph, (word, paragraph)


@pytest.mark.parametrize("name", ["baby-p-review-2008.html", "baby-p-review-2015.html"])
def test_article_text_without_template(name: str) -> None:
    result = extract(name)
    assert result.title == HEADLINE
    assert list(result.paragraphs) == PARAGRAPHS
    assert_no_furniture(result)
    assert result.extractor == "trafilatura" and result.extractor_version
    assert result.byline and result.byline.startswith("Jane Ashby")


def test_template_change_is_not_an_edit() -> None:
    """The same article in the 2008 and the 2015 site template: different navigation,
    counters, related links, share buttons and footer; identical headline and paragraphs."""
    old, new = extract("baby-p-review-2008.html"), extract("baby-p-review-2015.html")
    assert (old.title, old.paragraphs) == (new.title, new.paragraphs)


def test_headline_variants_and_dates() -> None:
    result = extract("baby-p-review-2015.html", feed_title="Baby P: Haringey condemned")
    assert result.headlines == {
        "h1": HEADLINE,
        "og": "Baby P: inspectors condemn Haringey council",
        "html": "Inspectors condemn Haringey over death of Baby P – The Northgate Chronicle",
        "feed": "Baby P: Haringey condemned",
        "standfirst": None,  # looked for, not there (versions stored before have no such key)
    }
    assert result.title == HEADLINE  # the visible <h1>, not <title> or og:title
    assert result.published_at == datetime(2008, 11, 13, 9, 15, tzinfo=UTC)
    assert result.modified_at == datetime(2015, 6, 2, 15, 20, 11, tzinfo=UTC)  # was +01:00
    assert result.warnings == ()
    data = result.to_dict()
    assert list(data) == [
        "title",
        "standfirst",
        "headlines",
        "byline",
        "published_at",
        "modified_at",
        "paragraphs",
        "extractor",
        "extractor_version",
        "warnings",
    ]
    assert json.loads(json.dumps(data))["published_at"] == "2008-11-13T09:15:00+00:00"


def test_old_table_layout_page_keeps_paragraphs() -> None:
    """A 2000s page: the article is one <td> among navigation and advert cells, its paragraphs
    separated by <br><br>, its headline only in <title> and a <font> tag."""
    result = extract("table-layout-2004.html", url=OLD_SITE_URL)
    assert result.title == "Council told to overhaul child protection"
    assert result.byline == "Martin Hale, Social Affairs Reporter"
    assert result.published_at == datetime(2004, 3, 3, tzinfo=UTC)
    assert len(result.paragraphs) == 6
    assert result.paragraphs[0].startswith("Inspectors have told Riverside council")
    assert result.paragraphs[2].startswith('"The problem is not a lack of effort')
    assert result.paragraphs[-1].endswith("on the council's website.")
    assert all(len(p) < 400 for p in result.paragraphs)
    for word in ("Home", "Most popular", "Bypass", "Advertisement", "Also in News", "Print"):
        assert not any(word in p for p in result.paragraphs), word
    assert any("won" in w and "densest block" in w for w in result.warnings), result.warnings
    assert result.extractor == "newsdiff-densest"


def test_br_separated_page_keeps_paragraphs() -> None:
    """A 2001 page without <p>: paragraphs separated by <br><br> in a <div>, the headline in an
    <h2> and after the site name in <title>, a date line and a line of links under the text."""
    result = extract("br-separated-2001.html", url="http://www.harbour-gazette.example/n/1.html")
    assert result.title == "Ferry service cut to three sailings a day"
    assert [p.split()[:3] for p in result.paragraphs] == [
        ["The", "island", "ferry"],
        ["Passenger", "numbers", "on"],
        ["The", "board's", "chairman,"],
        ["Islanders", "have", "organised"],
        ["The", "operator", "said"],
    ]
    assert result.published_at == datetime(2001, 11, 9, tzinfo=UTC)


def test_repeated_extraction_is_identical() -> None:
    # trafilatura's deduplicate=True would return nothing the second time
    first, second = extract("baby-p-review-2015.html"), extract("baby-p-review-2015.html")
    assert first == second and first.paragraphs


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", b"<html><body><p>Too short to be an article.</p></body></html>", b"\x00\x01"],
    ids=["empty", "blank", "short", "binary"],
)
def test_no_plausible_text_is_an_error(body: bytes) -> None:
    with pytest.raises(ExtractionError):
        extract_article(body, URL)


def test_min_chars_is_the_threshold() -> None:
    total = sum(len(p) for p in PARAGRAPHS)
    assert extract("baby-p-review-2015.html", min_chars=total).paragraphs
    with pytest.raises(ExtractionError, match="minimum"):
        extract("baby-p-review-2015.html", min_chars=total + 1)


def test_charsets() -> None:
    text = "<html><head><meta charset='iso-8859-1'></head><body><p>Café society</p></body></html>"
    assert decode_html(text.encode("cp1252"))[0].count("Café") == 1
    # the HTTP header wins over <meta>
    assert "Café" in decode_html(text.encode("utf-8"), "utf-8")[0]
    # a page labelled Latin-1 that is valid UTF-8 is UTF-8 (and says so)
    decoded, warnings = decode_html(text.encode("utf-8"), "iso-8859-1")
    assert "Café" in decoded and warnings
    assert decode_html(b"\xef\xbb\xbf<p>Caf\xc3\xa9</p>", "iso-8859-1")[0] == "<p>Café</p>"
    assert decode_html(b"<p>x</p>", "no-such-charset")[1]


def test_untrusted_text_is_kept_literally() -> None:
    hostile = "\x1b[31mRED\x1b[0m [bold]markup[/bold] <script>alert(1)</script>"
    body = page("baby-p-review-2015.html").replace(
        b"Opposition members", ("&lt;b&gt;" + hostile[:25]).encode() + b" Opposition members"
    )
    result = extract_article(body, URL)
    assert "\x1b[31mRED\x1b[0m [bold]markup" in result.paragraphs[-1]
    assert "<b>" in result.paragraphs[-1]


RULES_2015 = OutletRules(
    body_selector="div.article-body",
    exclude_selectors=(".inline-promo", ".ad-slot"),
    headline_selector="h1.headline",
    drop_paragraphs=(r"^Opposition members",),
)


def test_outlet_rules_are_applied() -> None:
    result = extract("baby-p-review-2015.html", rules=RULES_2015)
    assert result.title == HEADLINE
    assert list(result.paragraphs) == PARAGRAPHS[:-1]  # the last one dropped by the rule
    assert result.extractor == "newsdiff-selector"
    assert result.warnings == ()


def test_outlet_rule_matching_nothing_is_a_warning() -> None:
    rules = OutletRules(
        body_selector="div.story-content",
        exclude_selectors=(".no-such-box",),
        headline_selector="h1.story-title",
        drop_paragraphs=(r"^Sponsored by",),
    )
    result = extract("baby-p-review-2015.html", rules=rules)
    # the generic extractor still works; every broken rule is named
    assert list(result.paragraphs) == PARAGRAPHS and result.title == HEADLINE
    joined = "\n".join(result.warnings)
    for rule in ("body_selector", "exclude_selectors", "headline_selector", "drop_paragraphs"):
        assert f"outlet rule {rule}" in joined
    assert len(result.warnings) == 4


def test_headline_selector_overrides_h1() -> None:
    rules = OutletRules(headline_selector="figcaption")
    result = extract("baby-p-review-2015.html", rules=rules)
    assert result.title.startswith("Haringey civic centre") and result.headlines["h1"]


def test_bad_selector_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="selector"):
        extract("baby-p-review-2015.html", rules=OutletRules(body_selector="div[[["))


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Share this article | Email | Print", True),
        ("Viewed 3,482 times", True),
        ("3.1k shares", True),
        ("12 comments", True),
        ("Last updated at 10:42 AM on 13th November 2008", True),
        ("Most read", True),
        ("Advertisement", True),
        ("Friday 9 November 2001", True),
        ("November 9, 2001 10:15 am", True),
        ("On 9 November 2001 the ferry service was cut.", False),
        ("Updated: the council has apologised to the family.", False),
        ("The council said 12 comments were received.", False),
        ("Facebook removed the page on Tuesday.", False),
    ],
)
def test_furniture_lines(line: str, furniture: bool) -> None:
    assert is_boilerplate(line) is furniture


def test_lines_made_of_links_are_furniture() -> None:
    links = {"More news", "Archive", "Council"}
    assert is_boilerplate("More news | Archive", links)
    assert not is_boilerplate("More news | Archive")
    assert not is_boilerplate("Council leader resigns | Archive", links)


def test_html_paragraphs_split_on_blank_lines() -> None:
    from lxml import html

    tree = html.fromstring(
        "<td>One<br>line.<br><br>Two.<br> <br>Three <b>bold</b>.<script>x()</script>"
        "<p>Four.</p>Five.</td>"
    )
    assert html_paragraphs(tree) == ["One line.", "Two.", "Three bold.", "Four.", "Five."]


# -- the shared corpus (skipped when absent) ------------------------------------------------------

AEB = CORPORA / "extraction-aeb"


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3)))


@pytest.mark.skipif(not AEB.is_dir(), reason="../shared/corpora/extraction-aeb is absent")
def test_corpus_quality_floor() -> None:
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    scores = []
    for key in sorted(truth)[:15]:
        body = gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes())
        try:
            text = "\n".join(extract_article(body, truth[key]["url"], min_chars=1).paragraphs)
        except ExtractionError:
            text = ""
        t, p = _shingles(truth[key]["articleBody"]), _shingles(text)
        common = sum((t & p).values())
        precision = common / max(1, sum(p.values()))
        recall = common / max(1, sum(t.values()))
        scores.append(2 * precision * recall / (precision + recall) if common else 0.0)
    assert sum(scores) / len(scores) >= 0.9


# -- newsdiff extract ------------------------------------------------------------------------------


def newsdiff(*args: str, env: dict[str, str] | None = None) -> Result:
    from tests.test_cli import run

    return run(*args, env=env)


def write_config(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_extract_file_json_and_nothing_stored(tmp_path: Path) -> None:
    db = tmp_path / "never.sqlite"
    env = {"NEWSDIFF_DATABASE_URL": f"sqlite:///{db}"}
    result = newsdiff("extract", str(PAGES / "baby-p-review-2015.html"), "--json", env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == HEADLINE and data["paragraphs"] == PARAGRAPHS
    assert set(data["headlines"]) == {"h1", "og", "html", "feed"}
    assert data["warnings"] == [] and data["extractor"] == "trafilatura"
    assert not db.exists()


def test_cli_extract_gzip_file_with_outlet_rules_from_url(tmp_path: Path) -> None:
    saved = tmp_path / "page.html.gz"
    saved.write_bytes(gzip.compress(page("baby-p-review-2015.html")))
    config = write_config(
        tmp_path,
        '[[feeds]]\nurl = "https://www.northgate-chronicle.example/rss"\noutlet = "Chronicle"\n'
        '[outlets."Chronicle"]\nbody_selector = "div.article-body"\n'
        'exclude_selectors = [".inline-promo", ".gone-box"]\n',
    )
    result = newsdiff("extract", str(saved), "--url", URL, "--config", config)
    assert result.exit_code == 0, result.output
    assert "rules:      Chronicle" in result.output
    assert "warning:    outlet rule exclude_selectors '.gone-box' matched nothing" in result.output
    assert "extractor:  newsdiff-selector" in result.output
    assert f"[6] {PARAGRAPHS[5]}" in result.output
    # without --url the file is not on the outlet's site: the generic extractor, no warning
    plain = newsdiff("extract", str(saved), "--config", config)
    assert "rules:      none" in plain.output and "warning" not in plain.output


def test_cli_extract_shows_hostile_text_literally(tmp_path: Path) -> None:
    saved = tmp_path / "page.html"
    saved.write_bytes(
        page("baby-p-review-2015.html").replace(
            b"Opposition members", b"\x1b[2J\x1b[31m[red]Opposition[/red] members"
        )
    )
    result = newsdiff("extract", str(saved))
    assert result.exit_code == 0
    assert "\x1b" not in result.output
    assert "␛[2J␛[31m[red]Opposition[/red] members" in result.output


def test_cli_extract_errors(tmp_path: Path) -> None:
    missing = newsdiff("extract", str(tmp_path / "missing.html"))
    assert missing.exit_code == 2 and "no such file" in missing.output
    short = tmp_path / "short.html"
    short.write_text("<html><body><p>Nothing much.</p></body></html>", encoding="utf-8")
    failed = newsdiff("extract", str(short))
    assert failed.exit_code == 1 and "no plausible article text" in failed.output
    unknown = newsdiff("extract", str(PAGES / "baby-p-review-2015.html"), "--outlet", "Nobody")
    assert unknown.exit_code == 2 and "--outlet" in unknown.output


def test_cli_extract_url_through_the_fetcher(site: Site, tmp_path: Path) -> None:
    site.set("/uk/baby-p", page("baby-p-review-2008.html"))
    site.set("/report.pdf", b"%PDF-1.4", headers={"Content-Type": "application/pdf"})
    result = newsdiff("extract", site.url("/uk/baby-p"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["paragraphs"] == PARAGRAPHS
    assert any("newsdiff/" in h.get("user-agent", "") for _, h in site.requests)
    pdf = newsdiff("extract", site.url("/report.pdf"))
    assert pdf.exit_code == 1


def test_bad_selector_in_config_names_the_key(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[outlets."Chronicle"]\nexclude_selectors = ["div", "p[["]\n')
    result = newsdiff("extract", str(PAGES / "baby-p-review-2015.html"), "--config", config)
    assert result.exit_code == 2
    assert "outlets.Chronicle.exclude_selectors[1]: bad CSS selector" in result.output


# -- the poller uses the outlet's rules and records their warnings on the check -------------------


def test_poll_applies_outlet_rules_and_records_warnings(
    site: Site, db_url: str, clock: Clock
) -> None:
    from newsdiff.collect.articles import track_url
    from newsdiff.collect.poll import run_poll
    from newsdiff.store.db import Database
    from newsdiff.store.models import Check, Version

    settings = make_settings(
        db_url,
        outlets={
            "Chronicle": {
                "exclude_selectors": [".inline-promo", ".retired-box"],
                "drop_paragraphs": ["^Opposition members"],
            }
        },
    )
    site.set("/uk/baby-p", page("baby-p-review-2015.html"))
    database = Database(settings.database.url)
    try:
        track_url(database, site.url("/uk/baby-p"), outlet="Chronicle")
        summary = run_poll(settings, database, force=True, clock=clock)
        assert summary.new_versions == 1 and summary.failures == 0
        with database.read() as session:
            version = session.scalars(select(Version)).one()
            check = session.scalars(select(Check)).one()
        assert version.paragraph_list == PARAGRAPHS[:-1]
        assert version.headlines and version.headlines["og"] == (
            "Baby P: inspectors condemn Haringey council"
        )
        assert check.outcome == "new_version"
        assert check.error is None
        assert check.warnings == "outlet rule exclude_selectors '.retired-box' matched nothing"
    finally:
        database.dispose()
