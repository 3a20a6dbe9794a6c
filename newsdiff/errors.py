"""The exception tree of newsdiff.

Every error newsdiff raises on purpose derives from :class:`NewsdiffError`; third-party exceptions
are translated at the boundary with ``raise ... from exc``::

    NewsdiffError
    ├── ConfigError            bad config file, key, value or command-line argument (exit 2)
    ├── FetchError             an HTTP fetch did not give a usable page
    │   ├── FetchTimeout       the whole response took longer than fetch.timeout_s
    │   ├── HTTPStatusError    4xx/5xx (carries the status and any Retry-After)
    │   ├── BadRedirect        a redirect to a URL that cannot be fetched (mailto:, malformed...)
    │   ├── TooLarge           the body exceeded fetch.max_bytes while streaming
    │   ├── BlockedByRobots    robots.txt disallows the URL for our user agent
    │   ├── UnsupportedContent the response is not HTML (PDF, image...)
    │   └── ArchiveRateLimited a web archive keeps refusing (429): the backfill stops
    ├── FeedError              a feed could not be parsed at all
    ├── ExtractionError        no plausible article text in a page
    ├── StoreError             the database refused or is unusable
    │   ├── SchemaOutdated     the database needs ``newsdiff db upgrade``
    │   ├── EmptyText          a version with no text was offered
    │   └── NotFound           no such article, version, story or event
    ├── OutputError            a file or directory newsdiff was asked to write cannot be written
    ├── BadQuery               a search query that cannot be searched (also a ValueError)
    └── PollLocked             another poll holds the lock
"""

from __future__ import annotations


class NewsdiffError(Exception):
    """Base class of every error newsdiff raises on purpose."""


class ConfigError(NewsdiffError):
    """A config file, key, value or argument is wrong. The message names the file and key."""


class FetchError(NewsdiffError):
    """A fetch did not give a usable page."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class FetchTimeout(FetchError):
    """The whole response took longer than the configured timeout."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        url: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after


class BadRedirect(FetchError):
    """A redirect points somewhere no fetch can go: not http(s), malformed or absurdly long."""


class TooLarge(FetchError):
    """The body exceeded the configured size cap."""


class BlockedByRobots(FetchError):
    """robots.txt disallows this URL for our user agent."""


class UnsupportedContent(FetchError):
    """The response is not an HTML page."""

    def __init__(self, message: str, *, content_type: str, url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.content_type = content_type


class ArchiveRateLimited(FetchError):
    """The archive keeps refusing (429) or asks to wait too long: the backfill stops."""


class FeedError(NewsdiffError):
    """A feed could not be parsed at all."""


class ExtractionError(NewsdiffError):
    """No plausible article text could be extracted from a page."""


class StoreError(NewsdiffError):
    """The database refused an operation or is unusable."""


class SchemaOutdated(StoreError):
    """The database schema is older (or newer) than this version of newsdiff."""


class EmptyText(StoreError):
    """A version with no text was offered; it is never stored."""


class NotFound(StoreError):
    """No such article, version, story or event."""


class OutputError(NewsdiffError):
    """A file or directory given to write (``--out``) cannot be written: permissions, a full
    disk, a missing directory. (Refusing to write one, e.g. an existing file without
    ``--force``, is bad usage: :class:`ConfigError`.)"""


class PollLocked(NewsdiffError):
    """Another poll is running and holds the lock."""


class BadQuery(NewsdiffError, ValueError):
    """A search query that cannot be searched; the message says why, in one line."""
