"""What both collectors make of one fetch before the store records it: the typed
:class:`~newsdiff.store.versions.VersionFields` of an extracted page, and the check outcome of a
failure. The live poll and the archive backfill build their
:class:`~newsdiff.store.observations.Observation` from these, so the two record alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsdiff.collect.warc import CaptureRef
from newsdiff.errors import (
    BlockedByRobots,
    HTTPStatusError,
    NewsdiffError,
    UnsupportedContent,
)
from newsdiff.store.versions import VersionFields

if TYPE_CHECKING:
    from newsdiff.collect.extract import Extraction


def version_fields(
    extraction: Extraction,
    *,
    final_url: str | None,
    http_status: int | None,
    source: str = "live",
    capture: CaptureRef | None = None,
) -> VersionFields:
    """The version an extracted page would make, with where it came from and where its raw
    capture is kept."""
    return VersionFields(
        title=extraction.title,
        paragraphs=tuple(extraction.paragraphs),
        extractor=extraction.extractor,
        extractor_version=extraction.extractor_version,
        byline=extraction.byline,
        published_at=extraction.published_at,
        modified_at=extraction.modified_at,
        headlines=dict(extraction.headlines),
        final_url=final_url,
        http_status=http_status,
        source=source,
        warc_file=capture.file if capture else None,
        warc_offset=capture.offset if capture else None,
        warc_length=capture.length if capture else None,
    )


def failure_outcome(error: NewsdiffError) -> str:
    """The check outcome of a failed fetch or extraction: ``gone`` (404/410), ``blocked``
    (robots.txt), ``skipped`` (not a page), else ``error``."""
    if isinstance(error, HTTPStatusError) and error.status in (404, 410):
        return "gone"
    if isinstance(error, BlockedByRobots):
        return "blocked"
    if isinstance(error, UnsupportedContent):
        return "skipped"
    return "error"


def http_status_of(error: NewsdiffError) -> int | None:
    return error.status if isinstance(error, HTTPStatusError) else None
