"""What a backfill did: one :class:`UrlReport` per URL, summed into a :class:`BackfillSummary`
(the command's summary line, its ``--json`` object, and the story-discovery counts)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass
class UrlReport:
    """What backfilling one URL did."""

    url: str
    article_id: int | None = None
    captures: int = 0
    already_done: int = 0
    new_versions: int = 0
    unchanged: int = 0
    moved_earlier: int = 0
    errors: int = 0
    skipped: int = 0
    malformed: int = 0
    error: str | None = None  # the URL could not be listed at all
    problems: list[str] = field(default_factory=list)


@dataclass
class BackfillSummary:
    urls: int = 0
    urls_failed: int = 0
    captures: int = 0
    already_done: int = 0
    new_versions: int = 0
    unchanged: int = 0
    moved_earlier: int = 0
    errors: int = 0
    skipped: int = 0
    malformed_lines: int = 0
    cdx_requests: int = 0
    replay_requests: int = 0
    retries: int = 0
    waited_s: float = 0.0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    # story discovery
    story: str | None = None
    prefix: str | None = None
    discovered: int = 0
    examined: int = 0
    matched: int = 0
    off_story: int = 0
    unreadable: int = 0
    over_limit: int = 0
    more_under_prefix: bool = False

    def add(self, report: UrlReport) -> None:
        self.urls += 1
        self.urls_failed += report.error is not None
        for name in (
            "captures",
            "already_done",
            "new_versions",
            "unchanged",
            "moved_earlier",
            "errors",
            "skipped",
        ):
            setattr(self, name, getattr(self, name) + getattr(report, name))
        self.malformed_lines += report.malformed
        if report.error:
            self.problems.append(f"{report.url}: {report.error}")
        self.problems.extend(report.problems)

    def line(self) -> str:
        parts = [
            f"{self.urls} URLs ({self.urls_failed} failed)",
            f"{self.captures} captures ({self.already_done} already done)",
            f"{self.new_versions} new versions",
            f"{self.unchanged} unchanged",
            f"{self.errors} errors",
            f"{self.skipped} skipped",
        ]
        text = "backfill: " + ", ".join(parts)
        if self.moved_earlier:
            text += f"; {self.moved_earlier} versions found earlier in the archive"
        if self.malformed_lines:
            text += f"; {self.malformed_lines} malformed CDX lines skipped"
        return text + f" in {self.seconds:.1f}s"

    def story_line(self) -> str | None:
        if self.story is None:
            return None
        more = "; more remain under the prefix" if self.more_under_prefix else ""
        return (
            f"story {self.story}: {self.discovered} URLs found under {self.prefix}, "
            f"{self.examined} examined, {self.matched} matched the story; skipped: "
            f"{self.off_story} off-story, {self.unreadable} unreadable, "
            f"{self.over_limit} over --max-urls{more}"
        )

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["seconds"] = round(self.seconds, 3)
        data["waited_s"] = round(self.waited_s, 3)
        return data
