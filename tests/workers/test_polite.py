"""Politeness holds across worker processes, as the server sees it (issue 17, item 3): a host's
Crawl-delay between requests, per_host_concurrency in flight, and a 429 that backs the host off
for every worker while the others go on."""

from __future__ import annotations

from pathlib import Path

from tests.workers.conftest import Workers, query, wait_for, write_config
from tests.workers.helpers import outcomes, page, track, versions
from tests.workers.site import LoopbackSite

DELAY = 0.3


def test_two_workers_keep_delays_and_concurrency_together(
    site: LoopbackSite, other_site: LoopbackSite, pg_url: str, workers: Workers, tmp_path: Path
) -> None:
    site.set(
        "/robots.txt",
        f"User-agent: *\nCrawl-delay: {DELAY}\nAllow: /\n",
        headers={"Content-Type": "text/plain"},
    )
    ids = []
    for n in range(6):  # the delayed host
        site.set(f"/news/{n}", page(n))
        ids.append(track(pg_url, site.url(f"/news/{n}")))
    for n in range(8):  # the host without a delay, slow to answer: requests overlap
        other_site.set(f"/news/{n}", page(n), slow_s=0.2)
        ids.append(track(pg_url, other_site.url(f"/news/{n}")))
    config = write_config(
        tmp_path / "w.toml", pg_url, fetch={"per_host_concurrency": 2}, workers={"host_wait_s": 2}
    )
    workers.start(config)
    workers.start(config)
    wait_for(lambda: all(versions(pg_url, a) == 1 for a in ids), timeout=60, what="every article")
    delayed = site.hits_of("/news/")
    assert len(delayed) == 6
    for before, after in zip(delayed, delayed[1:], strict=False):
        # one at a time, each starting the delay after the last one ended
        assert after.arrived - before.ended >= DELAY, (before, after)
    assert site.max_in_flight == 1
    assert other_site.max_in_flight == 2  # both slots used, never more
    for a in ids:
        assert outcomes(pg_url, a) == ["new_version"]  # each checked once


def test_a_429_backs_the_host_off_for_every_worker(
    site: LoopbackSite, other_site: LoopbackSite, pg_url: str, workers: Workers, tmp_path: Path
) -> None:
    refused, fine = [], []
    for n in range(3):
        site.set(f"/news/{n}", "slow down", status=429, headers={"Retry-After": "120"})
        refused.append(track(pg_url, site.url(f"/news/{n}")))
        other_site.set(f"/news/{n}", page(n))
        fine.append(track(pg_url, other_site.url(f"/news/{n}")))
    config = write_config(tmp_path / "w.toml", pg_url)
    workers.start(config)
    workers.start(config)
    wait_for(lambda: all(versions(pg_url, a) == 1 for a in fine), what="the other host's pages")
    wait_for(lambda: site.hits_of("/news/"), what="the refusing host asked once")
    last_tick = "SELECT coalesce(max(defer_timestamp), 0) FROM procrastinate_periodic_defers"
    ticks = query(pg_url, last_tick)[0][0]
    wait_for(lambda: query(pg_url, last_tick)[0][0] >= ticks + 3, what="three more ticks")
    assert len(site.hits_of("/news/")) == 1  # asked once, by one worker; then left alone
    checked = [outcomes(pg_url, a) for a in refused]
    assert sorted(checked) == [[], [], ["error"]]  # the others were not even tried
    (until,) = query(
        pg_url,
        "SELECT extract(epoch FROM backoff_until - now()) FROM newsdiff_hosts WHERE host = %s",
        site.base.split("//", 1)[1],
    )[0]
    assert 100 < until <= 120
