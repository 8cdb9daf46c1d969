"""Citations that last (issue 24): the Soviet record cites publishers' or archives' addresses, and excerpts say so."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlparse

import pytest

import helsinki_compliance as hc

REPO = Path(__file__).resolve().parents[1]

#: Hosts that only copy other publishers' pages (spam mirrors of the LA Times and Time, aggregators, CDN copies).
COPY_HOSTS = (
    "nohib.com",
    "ukobiw.net",
    "ziira.shop",
    "vinapk.com",
    "fold6.site",
    "bceovw70.asia",
    "6jhxt.group",
    "softbeam.net",
    "pages.dev",
    "dvincitest.com",
    "cloudfront.net",
    "docslib.org",
    "studylib.net",
    "pdfhost.io",
    "datapdf.com",
    "knigalit.ru",
    "country-data.com",
)


@pytest.fixture(scope="module")
def corpus() -> hc.Corpus:
    return hc.load(REPO)


def _is_copy(url: str) -> bool:
    host = (urlparse(url).hostname or "").rstrip(".")
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return any(host == h or host.endswith("." + h) for h in COPY_HOSTS)


def test_soviet_sources_cite_no_copy_site_as_url(corpus: hc.Corpus) -> None:
    cited_by: dict[str, set[str]] = {}
    for o in corpus.observations:
        cited_by.setdefault(o.source, set()).add(o.state)
    bad = [s.id for s in corpus.sources.values() if cited_by.get(s.id) == {"SU"} and s.url and _is_copy(s.url)]
    assert not bad, bad


def test_copy_host_check_recognises_a_bare_ip_and_a_mirror() -> None:
    assert _is_copy("http://20.210.105.67/txt/time/Time1988/1988-06-20/967720.html")
    assert _is_copy("http://cache.nohib.com./archives/la-xpm-1987-05-27-me-1528-story.html")
    assert not _is_copy("https://www.latimes.com/archives/la-xpm-1989-04-22-mn-1962-story.html")


def test_stored_search_excerpts_are_marked(corpus: hc.Corpus) -> None:
    """A stored text shorter than 2,100 bytes is a search excerpt, not the document: its source says so."""
    unmarked = [
        s.id
        for s in corpus.sources.values()
        if s.text and (REPO / "observations" / "texts" / s.text).stat().st_size < 2100 and not s.excerpt
    ]
    assert not unmarked, unmarked
