"""Acceptance tests of the encoding audit of the record (issue #24, point 4; docs/audit.md).

What can be checked mechanically is pinned here: the audit's named examples stay fixed, no source's
`url` is a bare IP address or a copy site, a source read only on a copy says so, and no bundled YAML
file uses anchors or aliases (a reader of the file must see every observation's fields in place).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA_DIRS = ("commitments", "observations", "goals")

#: Hosts that served copies of other publishers' texts (spam mirrors, aggregators, document
#: dumps, a test host): found in the `copy_url` fields of the record. A source's `url` must never
#: be on one of them (nor on a bare IP address); the copy's address goes in `copy_url`.
COPY_HOSTS = frozenset(
    {
        "ukobiw.net",
        "nohib.com",
        "6jhxt.group",
        "fold6.site",
        "vinapk.com",
        "softbeam.net",
        "ziira.shop",
        "bceovw70.asia",
        "bbctodays.pages.dev",
        "googleweblight.com",
        "wilson-center-digital-archive.dvincitest.com",
        "d119fkn55yihk8.cloudfront.net",
        "docslib.org",
        "9lib.org",
        "issuhub.com",
        "adoc.pub",
        "docplayer.net",
        "datapdf.com",
        "pdfhost.io",
        "studylib.net",
        "yumpu.com",
        "reference.allrefer.com",
        "country-data.com",
        "countries5.tripod.com",
        "faqs.org",
        "knigalit.ru",
        "vivovoco.astronet.ru",
        "soviethistorylessons.com",
        "infobalkans.com",
        "mk.wikibooks.org",
        "romania.jewishgen.org",
        "theyworkforyou.com",
        "hungarianhistory.com",
        "ujbtk.hu",
        "sgie.pl",
        "info.5y1.org",
        "lege5.ro",
    }
)

#: Hosts found in `copy_url` fields that are a publisher's or an archive's own site, used there
#: because they hold a copy of *another* publisher's text (an LA Times story on the Baltimore Sun's
#: or the Hartford Courant's site; a UN document in a minority-research repository). They may be
#: the `url` of their own material.
OWN_SITES_HOLDING_COPIES = frozenset({"baltimoresun.com", "ctnow.com", "adattar.minorityforum.info"})

#: Words by which a source's note (or publisher) says that the text was read on a copy.
SAYS_COPY = re.compile(r"\bcop(?:y|ies)\b|\bmirror\b|reproduc", re.IGNORECASE)


def _yaml_files() -> list[Path]:
    return sorted(p for d in DATA_DIRS for p in (ROOT / d).rglob("*.yaml"))


def _load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _items(key: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in _yaml_files():
        data = _load(path)
        if isinstance(data, dict):
            for item in data.get(key) or ():
                yield path, item


@pytest.fixture(scope="module")
def observations() -> dict[str, dict[str, Any]]:
    return {o["id"]: o for _, o in _items("observations")}


@pytest.fixture(scope="module")
def sources() -> list[tuple[Path, dict[str, Any]]]:
    return list(_items("sources"))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").rstrip(".").lower()


def _on(host: str, hosts: frozenset[str]) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- the audit's named examples


def test_a_soviet_claim_is_not_a_fact(observations: dict[str, dict[str, Any]]) -> None:
    # "the Soviet authorities' claim that Jewish emigration ... is complete"
    o = observations["rec.su80.emigration-declared-complete-1983"]
    assert o.get("attribution") or o.get("claim")


def test_a_reported_belief_is_attributed(observations: dict[str, dict[str, Any]]) -> None:
    # "THEY ATTIRBUTE THIS DECLINE TO DECISIONS BY THE SOVIET AUTHORITIES"
    assert observations["rec.su75.vyzov-decline-1976"].get("attribution")


def test_one_tolerated_rally_is_not_a_policy(observations: dict[str, dict[str, Any]]) -> None:
    o = observations["rec.bg.ecoglasnost-rally-tolerated-1989-11-03"]
    assert o["kind"] != "policy-change" or o.get("context")


def test_a_visa_refused_to_a_commission_is_not_citizens_travel(observations: dict[str, dict[str, Any]]) -> None:
    o = observations["rec.su75.csce-mission-refused-entry-1976"]
    assert "hfa.b3.hc.travel" not in (o.get("commitments") or ())
    assert o["kind"] != "travel-restriction"


def test_no_condition_or_start_date_the_source_lacks(observations: dict[str, dict[str, Any]]) -> None:
    # The 1983 source says Sakharov was "denied his freedom"; the exile and its start in January 1980
    # rest on a second source (rec.sufate.sakharov-exile-since-1980-01-reported-1985).
    o = observations["rec.su80.sakharov-exile-1983-05-18"]
    standing = o.get("standing") or {}
    assert not standing.get("since")
    assert standing.get("condition") != "internal-exile"
    second = observations["rec.sufate.sakharov-exile-since-1980-01-reported-1985"]
    assert second["standing"]["condition"] == "internal-exile" and second["standing"]["since"]


def test_a_plan_is_not_a_measure_in_effect(observations: dict[str, dict[str, Any]]) -> None:
    o = observations["rec.ro.villages-destruction-1989-05"]
    assert (o.get("attribution") or {}).get("type") == "plan"
    assert not (o.get("standing") or {}).get("in_effect")


def test_a_police_conversion_of_a_fine_is_not_a_court_sentence(observations: dict[str, dict[str, Any]]) -> None:
    assert observations["rec.hu.koszeg-fine-to-prison-1987-10"]["kind"] != "sentence"


def test_the_fresh_samples_fixes_hold(observations: dict[str, dict[str, Any]]) -> None:
    """The defects found in the fresh sample of docs/audit.md stay fixed."""
    # psychiatric treatment is not imprisonment
    rusai = observations["rec.ddhu.hu-rusai-found-sane-1989"]
    assert (rusai.get("standing") or {}).get("condition") != "imprisonment"
    # the Church's opening of its Millennium celebrations is one event, not a state policy
    assert observations["rec.su86.millennium-celebrations-open-1988-06-05"].get("context")
    # 'alarming reports' recalled by the Parliamentary Assembly are an allegation
    pace = observations["rec.ro.minorities-denied-culture-1985"]
    assert (pace.get("attribution") or {}).get("type") == "allegation"
    # one bishop allowed back to his duties (1982) is one event, not a change of religious policy
    assert observations["rec.su80.sladkevicius-allowed-return-1982"].get("context")
    # draft regulations are a plan
    draft = observations["rec.su86.draft-emigration-rules-1988-09"]
    assert (draft.get("attribution") or {}).get("type") == "plan"


def test_the_second_samples_fix_holds(observations: dict[str, dict[str, Any]]) -> None:
    """The defect found in the second fresh sample of docs/audit.md stays fixed: what the paper reports
    Amnesty International 'said' about the renaming of Bulgaria's Turks is Amnesty's allegation, as the
    accusation beside it in the same brief is; the renaming still rests on a reading that is not attributed."""
    amnesty = observations["rec.bg.renaming-of-turks-1984-85"]
    assert (amnesty.get("attribution") or {}).get("type") == "allegation"
    beside = observations["rec.bg.turks-imprisoned-relocated-1986"]
    assert (beside.get("attribution") or {}).get("type") == "allegation"
    other = observations["rec.bg.renaming-of-turks-bhc"]
    assert other["fact"] == amnesty["fact"] and not other.get("attribution") and not other.get("context")


# ---------------------------------------------------------------- citations that last


def test_no_source_url_is_a_bare_ip_or_a_copy_site(sources: list[tuple[Path, dict[str, Any]]]) -> None:
    bad = []
    for path, s in sources:
        if s.get("url"):
            host = _host(s["url"])
            if _is_ip(host) or _on(host, COPY_HOSTS):
                bad.append(f"{path.relative_to(ROOT)}: {s['id']}: {s['url']}")
    assert not bad, "url on a copy site or bare IP (move it to copy_url):\n" + "\n".join(bad)


def test_every_copy_host_is_classified(sources: list[tuple[Path, dict[str, Any]]]) -> None:
    """A new copy host must be named above, so that it can never become a source's `url`."""
    unknown = set()
    for _, s in sources:
        if s.get("copy_url"):
            host = _host(s["copy_url"])
            if not (_is_ip(host) or _on(host, COPY_HOSTS) or _on(host, OWN_SITES_HOLDING_COPIES)):
                unknown.add(host)
    assert not unknown, f"copy hosts not classified in tests/test_record_audit.py: {sorted(unknown)}"


def test_a_source_read_only_on_a_copy_says_so(sources: list[tuple[Path, dict[str, Any]]]) -> None:
    silent = [
        f"{path.relative_to(ROOT)}: {s['id']}"
        for path, s in sources
        if s.get("copy_url")
        and not s.get("url")
        and not SAYS_COPY.search(f"{s.get('note', '')} {s.get('publisher', '')}")
    ]
    assert not silent, "copy_url without url, and the note does not say the text was read on a copy:\n" + "\n".join(
        silent
    )


def test_the_address_checks_catch_what_they_should() -> None:
    assert _is_ip(_host("http://20.210.105.67/txt/time/Time1985/1985-12-16/960393.html"))
    assert _on(_host("http://mediakit.nohib.com./archives/la-xpm-1990-01-06-mn-496-story.html"), COPY_HOSTS)
    assert _on(_host("https://www.country-data.com/cgi-bin/query/r-10818.html"), COPY_HOSTS)
    assert not _on(_host("https://www.latimes.com/archives/la-xpm-1989-05-31-mn-1120-story.html"), COPY_HOSTS)
    assert not _is_ip(_host("https://history.state.gov/historicaldocuments/frus1977-80v30/d212"))
    assert SAYS_COPY.search("Read on a copy host; the publisher's address was not shown by the search.")
    assert not SAYS_COPY.search("Congressional testimony.")


# ---------------------------------------------------------------- no anchors or aliases


def anchors_and_aliases(text: str) -> list[str]:
    """The anchors (`&id`) and aliases (`*id`) of a YAML text, found by YAML's own scanner: an `&` or a
    `*` inside a quoted string or a block scalar is text, not an anchor."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found = []
    for token in yaml.scan(text, Loader=loader):
        if isinstance(token, yaml.AnchorToken):
            found.append("&" + str(token.value))
        elif isinstance(token, yaml.AliasToken):
            found.append("*" + str(token.value))
    return found


def test_the_anchor_detector_on_a_small_text() -> None:
    text = (
        "base: &id001 {kind: arrest}\n"
        "a: *id001\n"
        "b:\n"
        "  <<: *id001\n"
        'quote: "R&D and *emphasis* are text &here"\n'
        "note: >-\n"
        "  a block with &amp; and *stars*\n"
        "plain: Smith & Co\n"
    )
    assert anchors_and_aliases(text) == ["&id001", "*id001", "*id001"]
    assert anchors_and_aliases("quote: 'Ceausescu & *Co*'\nlist: [a, b]\n") == []


def test_no_bundled_yaml_file_uses_anchors_or_aliases() -> None:
    files = _yaml_files()
    assert len(files) > 30
    used = {
        str(p.relative_to(ROOT)): found for p in files if (found := anchors_and_aliases(p.read_text(encoding="utf-8")))
    }
    assert not used, f"YAML anchors/aliases (expand them so every field is in place): {used}"
