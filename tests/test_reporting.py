"""Reports: file names, self-contained escaped HTML, Markdown/CSV/JSON, dossiers, goals, determinism."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import helsinki_compliance as hc
from conftest import BROADCAST, make_data, obs
from helsinki_compliance import api
from helsinki_compliance.engine import goals as hc_goals
from helsinki_compliance.errors import UsageError
from helsinki_compliance.render import charts
from helsinki_compliance.render import reports as reporting
from helsinki_compliance.render.reports import report_names

AS_OF = date(1991, 12, 31)
NASTY = "<script>alert(1)</script> =cmd|' /C calc'!A0 *bold* | pipe"
FORMULA = "=cmd|' /C calc'!A0"

PRISONERS = {
    "id": "t.prisoners",
    "instrument": "hfa-1975",
    "section": "Principle VII",
    "title": "Human rights <b>and</b> fundamental freedoms",
    "summary": "States undertook to respect human rights.",
    "basket": "I",
    "chapter": FORMULA,
    "weight": 3,
    "rules": [
        {
            "id": "named-prisoners",
            "kind": "standing",
            "condition": "imprisonment",
            "while_in_effect": "violation",
            "when_ended": "compliant",
            "severity": "serious",
        },
        {
            "id": "arrests",
            "kind": "event",
            "match": {"kinds": ["arrest"], "tags_any": ["monitor"]},
            "status": "violation",
            "severity": "moderate",
        },
    ],
}

OBSERVATIONS = [
    obs(
        "t.jam-voa",
        "1977-05",
        "jamming",
        tags=["radio"],
        quote=NASTY,
        standing={"condition": "radio-jamming", "subject": "voa", "in_effect": True},
    ),
    obs("t.ban", "1978-03", "censorship", tags=["radio"], quote="A *bold* ban | with a pipe"),
    obs(
        "t.orlov-arrested",
        "1977-02",
        "arrest",
        tags=["monitor"],
        cases=["orlov"],
        standing={"condition": "imprisonment", "subject": "orlov", "in_effect": True},
    ),
    obs(
        "t.orlov-released",
        "1986-02",
        "release",
        cases=["orlov"],
        standing={"condition": "imprisonment", "subject": "orlov", "in_effect": False},
    ),
    obs(
        "t.jam-ends",
        "1988-11-30",
        "policy-change",
        tags=["radio"],
        standing={"condition": "radio-jamming", "subject": "voa", "in_effect": False},
    ),
]
CASES = {"cases": [{"id": "orlov", "name": "Yuri Orlov & <co>", "state": "SU"}]}


@pytest.fixture
def corpus(tmp_path: Path) -> hc.Corpus:
    root = make_data(tmp_path / "data", OBSERVATIONS, [BROADCAST, PRISONERS], extra={"observations/cases.yaml": CASES})
    return hc.load(root)


def report(corpus: hc.Corpus, out: Path, **kw: Any) -> list[Path]:
    args: dict[str, Any] = dict(
        states=["SU", "PL"],
        period="year",
        first=1975,
        last=1980,
        as_of=AS_OF,
        out_dir=out,
        formats=["html", "md", "json", "csv"],
    )
    args.update(kw)
    return api.report(corpus, **args)


class Page(HTMLParser):
    """Collects ids, links, resource references, heatmap rows/columns and cell texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.rows: list[str] = []
        self.cols: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.cells: list[list[str]] = []  # text of each heatmap status cell
        self._in_heatmap = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if "id" in a:
            self.ids.append(a["id"])
        for key in ("href", "xlink:href"):
            if key in a:
                self.hrefs.append(a[key])
        for key in ("src", "data", "poster", "action"):
            if key in a:
                self.srcs.append(a[key])
        if tag == "table" and "heatmap" in a.get("class", "").split():
            self._in_heatmap += 1
        if self._in_heatmap:
            if tag == "tr" and "data-commitment" in a:
                self.rows.append(a["data-commitment"])
            if tag == "th" and "data-period" in a:
                self.cols.append(a["data-period"])
            if tag == "td" and "st" in a.get("class", "").split():
                self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.cells.append(self._cell)
            self._cell = None
        if tag == "table" and self._in_heatmap:
            self._in_heatmap -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


# ---------------------------------------------------------------- files


def test_file_names_and_progress(corpus: hc.Corpus, tmp_path: Path) -> None:
    steps: list[str] = []
    paths = report(corpus, tmp_path / "out", progress=steps.append)
    names = [p.name for p in paths]
    assert names == [
        "SU-year-1975-1980.html",
        "SU-year-1975-1980.md",
        "SU-year-1975-1980.json",
        "SU-year-1975-1980-evidence.json",
        "SU-year-1975-1980.csv",
        "SU-year-1975-1980-evidence.csv",
        "PL-year-1975-1980.html",
        "PL-year-1975-1980.md",
        "PL-year-1975-1980.json",
        "PL-year-1975-1980-evidence.json",
        "PL-year-1975-1980.csv",
        "PL-year-1975-1980-evidence.csv",
        "overview-year-1975-1980.html",
        "overview-year-1975-1980.md",
    ]
    assert names == report_names(corpus, states=["SU", "PL"], period="year", first=1975, last=1980)
    assert steps == ["evaluate", *names]
    # no stray temp files; the manifest of what was written beside them
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([*names, ".helsinki-written.json"])


def test_single_state_has_no_overview_and_group_names(corpus: hc.Corpus, tmp_path: Path) -> None:
    paths = report(corpus, tmp_path / "out", states=["SU"], period="review-meetings", formats=["html", "md"])
    assert [p.name for p in paths] == ["SU-review-meetings.html", "SU-review-meetings.md"]


def test_refuses_other_names_and_bad_arguments(corpus: hc.Corpus, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        report(corpus, tmp_path / "out", period="1977-02/1977-03-15")  # '/' cannot be in a file name
    with pytest.raises(UsageError):
        report(corpus, tmp_path / "out", formats=["pdf"])
    with pytest.raises(UsageError):
        reporting.write_file(tmp_path, "../evil.html", "x", {"../evil.html"})
    with pytest.raises(UsageError):
        reporting.write_file(tmp_path, "SU-year-1975-1980.html", "x", {"PL-year-1975-1980.html"})
    assert not (tmp_path.parent / "evil.html").exists()


# ---------------------------------------------------------------- HTML


def test_html_is_complete_self_contained_and_escaped(corpus: hc.Corpus, tmp_path: Path) -> None:
    report(corpus, tmp_path / "out")
    path = tmp_path / "out" / "SU-year-1975-1980.html"
    raw = path.read_text(encoding="utf-8")
    page = parse(path)

    # every commitment row and every period column of the heatmap
    assert sorted(page.rows) == sorted(corpus.commitments)
    assert page.cols == [str(y) for y in range(1975, 1981)]
    assert len(page.cells) >= len(page.rows) * len(page.cols)
    # a symbol/label in every status cell, not colour alone
    assert all("".join(c).strip() for c in page.cells)
    assert 'class="st st-violation"' in raw and 'class="st st-not-assessed"' in raw
    assert '<ul class="legend">' in raw

    # every internal link resolves; findings link to their evidence
    ids = set(page.ids)
    assert len(ids) == len(page.ids), "duplicate ids"
    internal = [h for h in page.hrefs if h.startswith("#")]
    assert internal and all(h[1:] in ids for h in internal)
    assert "#obs-t.jam-voa" in page.hrefs and "obs-t.jam-voa" in ids
    assert "#obs-t.orlov-arrested" in page.hrefs

    # self-contained: no script, no external resource
    assert "<script" not in raw.lower()
    assert "script" not in page.tags
    assert not page.srcs
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", raw, re.I)
    assert not [
        h for h in page.hrefs if not h.startswith("#") and not re.fullmatch(r"[A-Za-z0-9._-]+\.(html|md|json|csv)", h)
    ]
    assert "<?xml" not in raw and "<!DOCTYPE svg" not in raw
    assert raw.count("<svg") == 1

    # data is escaped: the quote shows as text, the markup does not become markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert NASTY in "".join(page.text)
    assert "Human rights &lt;b&gt;and&lt;/b&gt; fundamental freedoms" in raw
    assert "<b>and</b>" not in raw

    # sections
    for section in ("overview", "heatmap", "changes", "commitments", "evidence", "sources", "method"):
        assert section in ids
    assert "@media print" in raw
    assert "0.80" in raw and "0.35" in raw  # the bands of evaluation.py


def test_changes_and_drilldown(corpus: hc.Corpus, tmp_path: Path) -> None:
    report(corpus, tmp_path / "out", states=["SU"], first=1975, last=1990)
    raw = (tmp_path / "out" / "SU-year-1975-1990.html").read_text(encoding="utf-8")
    changes = raw.split('id="changes"')[1].split("</section>")[0]
    # jamming ended on 1988-11-30: 1988 partial -> 1989 compliant is better
    assert "1988 → 1989" in changes and 'class="change-better"' in changes
    # Orlov released in 1986: the prisoners commitment changes in 1986
    assert "1985 → 1986" in changes
    drill = raw.split('id="commitments"')[1]
    assert "carried" in drill and "yes, from an earlier period" in drill
    assert "named-prisoners" in drill
    assert "p. 1" in drill  # locator of the evidence


def test_review_meeting_dossiers(corpus: hc.Corpus, tmp_path: Path) -> None:
    paths = report(corpus, tmp_path / "out", states=["SU"], period="review-meetings", formats=["html", "md", "json"])
    raw = paths[0].read_text(encoding="utf-8")
    page = parse(paths[0])
    assert {"dossier-belgrade", "dossier-madrid", "dossier-vienna"} <= set(page.ids)
    belgrade = raw.split('id="dossier-belgrade"')[1].split("</article>")[0]
    madrid = raw.split('id="dossier-madrid"')[1].split("</article>")[0]
    vienna = raw.split('id="dossier-vienna"')[1].split("</article>")[0]
    assert "Yuri Orlov &amp; &lt;co&gt;" in belgrade and "Yuri Orlov" in madrid  # open case, name escaped
    assert "Orlov" not in vienna  # released in 1986, before Vienna
    # standing violations in force; jamming ended during Vienna (partial, not a violation)
    assert "radio-jamming" in belgrade and "radio-jamming" in madrid and "radio-jamming" not in vienna
    assert "named-prisoners" in belgrade
    data = json.loads(paths[2].read_text(encoding="utf-8"))
    by_period = {d["period"]: d for d in data["dossiers"]}
    assert [c["case"] for c in by_period["belgrade"]["open_cases"]] == ["orlov"]
    assert by_period["vienna"]["open_cases"] == []
    md = paths[1].read_text(encoding="utf-8")
    assert "## Dossiers" in md and "Yuri Orlov & \\<co\\>" in md


def test_goals_rendered_when_given(corpus: hc.Corpus, tmp_path: Path) -> None:
    goals = {
        "goal_sets": [
            {
                "id": "memo",
                "title": "Memo <i>goals</i>",
                "state": "SU",
                "tiers": {"immediate": "slight-progress"},
                "goals": [
                    {
                        "id": "jamming",
                        "tier": "immediate",
                        "title": "End jamming",
                        "target": "no jamming",
                        "baseline": {"progress": 0.0, "status": "violation", "detail": "jammed"},
                        "current": {"progress": 0.5, "status": "partial", "detail": "ended"},
                        "verdict": "slight-progress",
                        "evidence": ["t.jam-voa", "t.jam-ends", "nowhere"],
                    }
                ],
                "timeline": [
                    {"period": "1987", "verdicts": {"jamming": "no-change"}},
                    {"period": "1988", "verdicts": {"jamming": "slight-progress"}},
                ],
            }
        ]
    }
    paths = report(corpus, tmp_path / "out", states=["SU"], formats=["html", "md", "json"], goals=goals)
    raw = paths[0].read_text(encoding="utf-8")
    page = parse(paths[0])
    assert "goals" in page.ids and "Memo &lt;i&gt;goals&lt;/i&gt;" in raw
    # the basket chart and the goal chart (the goals over time), whose verdicts are also a table in words
    assert raw.count("<svg") == 2 and "progress toward each goal of memo" in raw
    timeline = raw.split('class="goal-timeline"')[1].split("</table>")[0]
    assert ">no change<" in timeline and ">slight<" in timeline
    assert "S+" not in raw and "s+" not in raw
    assert all(h[1:] in set(page.ids) for h in page.hrefs if h.startswith("#"))
    assert "#obs-t.jam-ends" in page.hrefs and "#obs-nowhere" not in page.hrefs
    assert json.loads(paths[2].read_text(encoding="utf-8"))["goals"]["goal_sets"][0]["id"] == "memo"
    assert "## Goals" in paths[1].read_text(encoding="utf-8")
    # without goals: no section
    plain = report(corpus, tmp_path / "plain", states=["SU"], formats=["html", "json"])
    assert 'id="goals"' not in plain[0].read_text(encoding="utf-8")
    assert json.loads(plain[1].read_text(encoding="utf-8"))["goals"] is None


def test_overview(corpus: hc.Corpus, tmp_path: Path) -> None:
    report(corpus, tmp_path / "out")
    path = tmp_path / "out" / "overview-year-1975-1980.html"
    raw = path.read_text(encoding="utf-8")
    page = parse(path)
    assert "<script" not in raw.lower() and not page.srcs
    assert "SU-year-1975-1980.html" in page.hrefs and "PL-year-1975-1980.html" in page.hrefs
    assert all(h[1:] in set(page.ids) for h in page.hrefs if h.startswith("#"))
    md = (tmp_path / "out" / "overview-year-1975-1980.md").read_text(encoding="utf-8")
    # the table's rows carry the short name (the table fits 100 columns); the full name heads the state's baskets
    assert "| Soviet Union (SU) |" in md and "### Union of Soviet Socialist Republics (SU)" in md


# ---------------------------------------------------------------- Markdown, CSV, JSON


def test_markdown_escapes_data(corpus: hc.Corpus, tmp_path: Path) -> None:
    report(corpus, tmp_path / "out")
    md = (tmp_path / "out" / "SU-year-1975-1980.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "\\<script\\>alert\\(1\\)\\</script\\>" in md
    assert "\\*bold\\* \\| pipe" in md
    assert "A \\*bold\\* ban \\| with a pipe" in md
    assert "Human rights \\<b\\>and\\</b\\>" in md
    assert "| commitment | 1975 |" in md or "| commitment | 75 |" in md  # the scorecard table of tables.py
    assert "## What got better, what got worse" in md and "## Findings by commitment" in md


def test_csv_neutralises_formulas(corpus: hc.Corpus, tmp_path: Path) -> None:
    report(corpus, tmp_path / "out")
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "SU-year-1975-1980.csv").read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    chapters = {r[header.index("chapter")] for r in body if r[header.index("commitment")] == "t.prisoners"}
    assert chapters == {"'" + FORMULA}
    assert not any(cell[:1] in ("=", "+", "-", "@") for r in rows for cell in r)


def test_json(corpus: hc.Corpus, tmp_path: Path) -> None:
    report(corpus, tmp_path / "out")
    text = (tmp_path / "out" / "SU-year-1975-1980.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert {"report", "scorecard", "observations", "goals"} <= set(data)
    assert data["report"]["state"] == "SU" and data["report"]["as_of"] == "1991-12-31"
    assert data["observations"]["t.jam-voa"] == {
        "date": "1977-05",
        "source": "src",
        "locator": "p. 1",
        "quote": NASTY,
        "kind": "jamming",
    }
    assert data["scorecard"]["states"] == ["SU"]
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- determinism


def test_byte_identical_across_runs(corpus: hc.Corpus, tmp_path: Path) -> None:
    first = report(corpus, tmp_path / "a")
    again = report(corpus, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in again]
    for x, y in zip(first, again, strict=True):
        assert x.read_bytes() == y.read_bytes(), x.name
    # a second run into the same directory replaces the files with the same bytes
    before = {p.name: p.read_bytes() for p in first}
    report(corpus, tmp_path / "a")
    assert {p.name: p.read_bytes() for p in first} == before


def test_chart_svg_is_stable_and_escapes_labels() -> None:
    a = charts.line_chart("k", ["1975", "<b>$x$</b>"], {"a & <b>": [None, 50.0]}, title="$\\alpha$ <t>")
    b = charts.line_chart("k", ["1975", "<b>$x$</b>"], {"a & <b>": [None, 50.0]}, title="$\\alpha$ <t>")
    assert a == b and a.startswith("<svg")
    assert "&lt;b&gt;$x$&lt;/b&gt;" in a and "a &amp; &lt;b&gt;" in a and "$\\alpha$ &lt;t&gt;" in a
    assert "<b>" not in a and "Date" not in a and "<metadata" not in a
    ids = re.findall(r'\bid="([^"]+)"', a)
    assert ids and all(i.startswith("chart-k-") for i in ids)
    other = charts.line_chart("other", ["1975"], {"x": [1.0]}, title="t")
    assert not set(ids) & set(re.findall(r'\bid="([^"]+)"', other))


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # offline: any network request fails, so the page must be self-contained
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def test_renders_in_headless_chromium(corpus: hc.Corpus, tmp_path: Path) -> None:
    """A real browser, offline: the DOM it builds has every section, and a screenshot is drawn."""
    browser = next(
        (shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
    )
    if browser is None:
        pytest.skip("no headless Chromium installed (apt-get install chromium)")
    paths = report(corpus, tmp_path / "out", states=["SU"], formats=["html"])
    url = paths[0].resolve().as_uri()
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    done = subprocess.run([browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    dom = done.stdout
    assert 'data-commitment="t.prisoners"' in dom
    assert dom.count("<svg") >= 1 and "</html>" in dom
    shot = tmp_path / "shot.png"
    done = subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1200,2000", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000  # a blank page compresses far below this


# ---------------------------------------------------------------- the reader's view (issue #18)

PROBE = """<script>
window.addEventListener('load', async () => {
  const out = {
    height: document.documentElement.scrollHeight,
    open: document.querySelectorAll('details[open]').length,
    details: document.querySelectorAll('details').length,
    sticky: getComputedStyle(document.querySelector('nav.toc')).position,
    summary: (document.querySelector('#summary p') || {}).textContent || '',
    first: document.querySelector('main > section').id,
  };
  if (window.axe) {
    const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice']}});
    out.axe = r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}));
  }
  const pre = document.createElement('pre');
  pre.id = '__probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def _axe_js() -> str | None:
    """axe-core (npm) if installed: $AXE_CORE_JS, or tests/.axe/ (.ci/run installs it there)."""
    import os

    for p in (os.environ.get("AXE_CORE_JS"), Path(__file__).parent / ".axe/node_modules/axe-core/axe.min.js"):
        if p and Path(p).is_file():
            return Path(p).read_text(encoding="utf-8")
    return None


class Offline(HTMLParser):
    """An offline accessibility check: lang, headings in order, captions, text alternatives, link names."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.levels: list[int] = []
        self.lang = ""
        self._table_open = False
        self._link: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if re.fullmatch(r"h[1-6]", tag):
            level = int(tag[1])
            if self.levels and level > self.levels[-1] + 1:
                self.problems.append(f"heading h{level} after h{self.levels[-1]}")
            self.levels.append(level)
        if self._table_open and tag != "caption":
            self.problems.append("a table without a caption")
        self._table_open = tag == "table"
        if tag == "svg" and (a.get("role") != "img" or not a.get("aria-label")):
            self.problems.append("a chart without a text alternative")
        if tag == "img" and "alt" not in a:
            self.problems.append("an image without alt")
        if tag == "a":
            self._link = []

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            if not "".join(self._link).strip():
                self.problems.append("a link without text")
            self._link = None


def _probe(browser: str, page: Path, tmp: Path, axe: str | None) -> dict[str, Any]:
    html_text = page.read_text(encoding="utf-8")
    inject = (f"<script>{axe}</script>" if axe else "") + PROBE
    probe = tmp / f"probe-{page.name}"
    probe.write_text(html_text.replace("</body>", inject + "</body>"), encoding="utf-8")
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={tmp / 'profile'}", "--window-size=1280,1000"]
    done = subprocess.run(
        [browser, *flags, "--virtual-time-budget=60000", "--dump-dom", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    m = re.search(r'<pre id="__probe">(.*?)</pre>', done.stdout, re.S)
    assert m, "the probe did not run"
    import html as html_mod

    return json.loads(html_mod.unescape(m.group(1)))


@pytest.mark.slow
def test_the_su_report_and_the_overview_as_a_reader_sees_them(tmp_path: Path) -> None:
    """Headless Chromium, offline, on the bundled corpus: summary first, sticky contents, evidence
    collapsed, the SU report under 15,000 px, no serious accessibility violation; screenshots saved
    (to $REPORT_SCREENSHOTS when set, else the test's temporary directory)."""
    import os

    browser = next(
        (shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
    )
    if browser is None:
        pytest.skip("no headless Chromium installed (apt-get install chromium)")
    corpus = hc.load()
    codes = api.resolve_states(corpus, ["all"])
    goals = hc_goals.report_goals(corpus, codes, first=1975, last=1991, as_of=AS_OF)
    api.report(
        corpus, states=codes, period="year", first=1975, last=1991, as_of=AS_OF, out_dir=tmp_path / "out",
        formats=["html"], goals=goals, full={"SU"},
    )  # fmt: skip
    axe = _axe_js()
    shots = Path(os.environ.get("REPORT_SCREENSHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    for name, limit in (("SU-year-1975-1991.html", 15_000), ("overview-year-1975-1991.html", 15_000)):
        page = tmp_path / "out" / name
        got = _probe(browser, page, tmp_path, axe)
        assert got["first"] == "summary" and len(got["summary"]) > 200, got
        assert "observations" in got["summary"] and "1991" in got["summary"]
        assert got["sticky"] == "sticky"
        assert got["open"] == 0 and got["details"] > 0  # collapsed evidence
        assert got["height"] < limit, f"{name}: {got['height']} px"
        offline = Offline()
        offline.feed(page.read_text(encoding="utf-8"))
        assert offline.lang == "en" and not offline.problems, offline.problems[:5]
        if axe is not None:
            serious = [v for v in got["axe"] if v["impact"] in ("serious", "critical")]
            assert not serious, serious
        shot = shots / name.replace(".html", ".png")
        subprocess.run(
            [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
             "--window-size=1280,2400", page.as_uri()],
            capture_output=True, timeout=300, check=True,
        )  # fmt: skip
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
