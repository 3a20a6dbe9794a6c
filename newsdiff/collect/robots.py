"""What a robots.txt answer means for the rest of a host, as RFC 9309 section 2.3 has it.

The fetcher (:mod:`newsdiff.collect.http`) gets the file; this module turns what came back into
:class:`RobotsRules` and says how long they may be kept:

- 2xx: the rules in the file, of which only the first :data:`ROBOTS_MAX_BYTES` are read (the RFC
  asks crawlers to parse at least 500 KiB; the rest is ignored rather than the file as a whole);
- 4xx ("unavailable"): no rules, everything may be fetched; except 429, which asks us to slow
  down and is treated like a server error, as the large crawlers do;
- 5xx, a timeout, a refused connection, an unknown host, a corrupt body ("unreachable"): nothing
  may be fetched *for now*. Those rules expire after :data:`ROBOTS_RETRY_S`, so a later fetch asks
  again instead of every fetch to a struggling host asking again;
- a file that cannot be parsed: no rules (logged), as before.

Rules from a file or a 4xx are kept for :data:`ROBOTS_TTL_S` (the RFC's 24 hours), which matters
only to a long-lived fetcher such as a queue worker's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from protego import Protego

logger = logging.getLogger(__name__)

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 2.5: parse at least the first 500 KiB
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 2.3.1.2: follow at least five
ROBOTS_TTL_S = 24 * 3600.0  # RFC 9309 2.4: a cached copy should not be used for longer
ROBOTS_RETRY_S = 10 * 60.0  # how long "unreachable" stands before robots.txt is asked again
MAX_CRAWL_DELAY_S = 30.0


@dataclass(frozen=True)
class RobotsRules:
    """What one origin's robots.txt allows. ``parser`` None and ``unreachable`` None: everything
    is allowed; ``unreachable`` set: nothing is, and it says why (for the check's error)."""

    parser: Protego | None = None
    unreachable: str | None = None

    @property
    def ttl(self) -> float:
        return ROBOTS_RETRY_S if self.unreachable is not None else ROBOTS_TTL_S

    def refusal(self, url: str, user_agent: str) -> str | None:
        """Why ``url`` may not be fetched, or None when it may."""
        if self.unreachable is not None:
            return (
                f"robots.txt unavailable ({self.unreachable}): not fetching from the site for now"
            )
        if self.parser is not None and not self.parser.can_fetch(url, user_agent):
            return "disallowed by robots.txt"
        return None

    def crawl_delay(self, user_agent: str) -> float:
        if self.parser is None:
            return 0.0
        return min(float(self.parser.crawl_delay(user_agent) or 0.0), MAX_CRAWL_DELAY_S)


ALLOW_ALL = RobotsRules()


def rules_for_status(status: int, where: str) -> RobotsRules | None:
    """The rules an error status implies, or None for a 2xx (parse the body)."""
    if 200 <= status < 300:
        return None
    if status == 429 or status >= 500:
        return RobotsRules(unreachable=f"HTTP {status}")
    logger.info("robots.txt of %s answered %d: allowing everything", where, status)
    return ALLOW_ALL


def parse_robots(body: bytes, *, truncated: bool, where: str) -> RobotsRules:
    """Rules from a robots.txt body (UTF-8 per the RFC; undecodable bytes replaced). A body cut
    at the size cap loses its last, partial line, so a half-read rule is never applied."""
    if truncated:
        logger.info("robots.txt of %s is over %d bytes: using the first part", where, len(body))
        body = body[: body.rfind(b"\n") + 1]
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        return RobotsRules(parser=Protego.parse(text))
    except Exception as exc:  # noqa: BLE001 - a broken robots.txt must not stop polling
        logger.info("robots.txt of %s unparseable (%s): allowing everything", where, exc)
        return ALLOW_ALL
