"""Fits a page (issue #22, item 7): in headless Chromium at 1280 and 1024 px, every table of a report
either fits or scrolls in its box with a sticky first column and a visible cue; the heatmap's header
row is sticky; no panel title of the overview is cut; the overview's title names only the states with
a score and the others below it; the goals have a chart (the goals over time) with the verdicts in words.

Measured in the page with JavaScript (injected into a copy; the reports themselves have no script)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

import helsinki_compliance as hc
from conftest import REPO, make_data, obs
from helsinki_compliance import api
from helsinki_compliance.engine import goals as hc_goals
from test_reporting import CHROMIUM_FLAGS

AS_OF = date(1991, 12, 31)
WIDTHS = (1280, 1024)
FLAGS = CHROMIUM_FLAGS

PROBE = """<script>
window.addEventListener('load', async () => {
 const report = (data) => {
  const pre = document.createElement('pre');
  pre.id = '__probe';
  pre.textContent = JSON.stringify(data);
  document.body.appendChild(pre);
 };
 try {
  // (a timer, not requestAnimationFrame: headless Chromium's virtual time stops drawing frames once a box scrolls)
  const frame = () => new Promise(r => setTimeout(r, 100));
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  await frame();
  const root = document.documentElement;
  const out = {width: innerWidth, pageOverflow: root.scrollWidth - root.clientWidth, tables: []};
  for (const t of document.querySelectorAll('main table')) {
    const box = t.closest('.scroll');
    const avail = (box || t.parentElement).clientWidth;
    const w = t.getBoundingClientRect().width;
    const row = {cls: t.className, caption: ((t.caption || {}).textContent || '').slice(0, 50),
                 width: Math.round(w), avail: avail, fits: w <= avail + 1, boxed: !!box};
    if (box) {
      row.overflowX = getComputedStyle(box).overflowX;
      row.scrollable = box.scrollWidth > box.clientWidth + 1;
      const firsts = [...t.querySelectorAll('tr')].map(tr => tr.firstElementChild)
        .filter(c => c && !c.hasAttribute('colspan'));
      row.stickyFirst = firsts.length > 0 && firsts.every(c => getComputedStyle(c).position === 'sticky');
      const cue = getComputedStyle(box, '::after');
      row.cueAtStart = parseFloat(cue.opacity);
      row.cueContent = cue.content;
      row.cueWidth = parseFloat(cue.width);
      row.cueTimeline = cue.animationTimeline || '';
      if (row.scrollable) {
        const first = firsts[firsts.length - 1];
        const before = first.getBoundingClientRect().left;
        box.scrollLeft = 200; await frame();
        row.scrolledBy = box.scrollLeft;
        row.firstMoved = Math.abs(first.getBoundingClientRect().left - before);
        box.scrollLeft = 0; await frame();
      }
    }
    out.tables.push(row);
  }
  const hm = document.querySelector('#heatmap table.heatmap');
  if (hm) {
    const box = hm.closest('.scroll');
    const th = hm.querySelector('thead th:nth-child(2)');
    out.head = {position: getComputedStyle(th).position, boxHeight: box.clientHeight, tableHeight: hm.offsetHeight};
    box.scrollTop = 400; await frame();
    out.head.scrolled = box.scrollTop;
    out.head.offset = Math.round(th.getBoundingClientRect().top - box.getBoundingClientRect().top);
    box.scrollTop = 0;
  }
  out.texts = [...document.querySelectorAll('figure svg text')].map(x => {
    const r = x.getBoundingClientRect();
    return {t: x.textContent, x: r.left, y: Math.round(r.top), w: r.width,
            fig: x.closest('section') ? x.closest('section').id : ''};
  });
  out.h1 = document.querySelector('h1').textContent;
  out.without = (document.querySelector('#without-score') || {}).textContent || '';
  out.rows = [...document.querySelectorAll('table.overview tbody tr')].map(tr => ({
    state: tr.dataset.state, scored: [...tr.querySelectorAll('td')].some(td => /st-(compliant|partial|violation)/.test(td.className))}));
  out.goalChart = [...document.querySelectorAll('#goals .goal-chart figure svg[role=img]')].map(
    s => s.getAttribute('aria-label'));
  report(out);
 } catch (e) { report({error: String(e) + ' ' + e.stack}); }
});
</script>"""


def _browser() -> str:
    found = next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
    if found is None:
        pytest.skip("no headless Chromium installed (apt-get install chromium)")
    return found


def probe(page: Path, width: int, tmp: Path) -> dict[str, Any]:
    copy = tmp / f"probe-{width}-{page.name}"
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    flags = [*FLAGS, f"--user-data-dir={tmp / 'profile'}", f"--window-size={width},900"]
    done = subprocess.run(
        [_browser(), *flags, "--virtual-time-budget=30000", "--dump-dom", copy.as_uri()],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    m = re.search(r'<pre id="__probe">(.*?)</pre>', done.stdout, re.S)
    assert m, "the probe did not run"
    got: dict[str, Any] = json.loads(html.unescape(m.group(1)))
    return got


def screenshot(page: Path, width: int, tmp: Path) -> Path:
    shots = Path(os.environ.get("REPORT_SCREENSHOTS") or tmp / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / f"{page.stem}-{width}.png"
    subprocess.run(
        [_browser(), *FLAGS, f"--user-data-dir={tmp / 'profile'}", f"--screenshot={shot}",
         f"--window-size={width},2400", page.as_uri()],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return shot


def assert_tables_fit_or_scroll(got: dict[str, Any], where: str) -> list[dict[str, Any]]:
    """Every table fits its box, or scrolls in it with a sticky first column and a visible cue."""
    assert got["pageOverflow"] <= 0, f"{where}: the page itself scrolls sideways by {got['pageOverflow']} px"
    scrolling = []
    for t in got["tables"]:
        name = f"{where}: table {t['cls']!r} ({t['caption']!r}, {t['width']} px in {t['avail']} px)"
        if t["fits"]:
            if t["boxed"]:
                assert t["cueAtStart"] == 0, f"{name} fits but shows the scroll cue"
            continue
        scrolling.append(t)
        assert t["boxed"] and t["overflowX"] in ("auto", "scroll"), f"{name} is cut: wider than its box, no scroll"
        assert t["stickyFirst"], f"{name} scrolls without a sticky first column"
        assert t["cueAtStart"] >= 0.9 and t["cueContent"] not in ("none", "normal", ""), f"{name}: no visible cue"
        assert t["cueWidth"] >= 16
        assert t["scrolledBy"] > 0 and t["firstMoved"] < 1.5, f"{name}: the first column moved {t['firstMoved']} px"
        # the cue fades as the box reaches its end: a scroll-driven animation on the box's own scroll
        assert "scroll(" in t["cueTimeline"], f"{name}: the cue does not follow the scroll ({t['cueTimeline']!r})"
    return scrolling


def assert_sticky_heatmap_header(got: dict[str, Any], where: str) -> None:
    head = got["head"]
    assert head["position"] == "sticky", f"{where}: heatmap header is {head['position']}"
    if head["tableHeight"] > head["boxHeight"]:
        assert head["scrolled"] > 0 and -1 <= head["offset"] <= 1, f"{where}: header row not kept in view: {head}"


# ---------------------------------------------------------------- a small corpus, many columns (fast)


@pytest.fixture(scope="module")
def wide_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Quarters 1975-1991: 68 columns, wider than any screen; two states for the overview."""
    tmp = tmp_path_factory.mktemp("wide")
    rows = [
        obs(
            "w.jam", "1975-09", "jamming", standing={"condition": "radio-jamming", "subject": "voa", "in_effect": True}
        ),
        obs(
            "w.unjam",
            "1987-05",
            "jamming",
            standing={"condition": "radio-jamming", "subject": "voa", "in_effect": False},
        ),
        obs("w.pl", "1980-03", "censorship", state="PL", tags=["radio"]),
        obs("w.emig", "1979", "statistic", metric={"name": "emigration.persons", "value": 51000, "unit": "persons"}),
    ]
    root = make_data(tmp / "data", rows)
    (root / "commitments" / "test.yaml").unlink()  # the bundled catalogue: 40 rows, taller than a window
    shutil.copytree(REPO / "commitments", root / "commitments", dirs_exist_ok=True)
    corpus = hc.load(root)
    out = tmp / "out"
    api.report(
        corpus, states=["SU", "PL", "CS"], period="quarter", first=1975, last=1991, as_of=AS_OF, out_dir=out,
        formats=["html"],
    )  # fmt: skip
    return out


@pytest.mark.parametrize("width", WIDTHS)
def test_a_wide_report_scrolls_with_a_sticky_first_column_a_cue_and_a_sticky_header(
    wide_report: Path, tmp_path: Path, width: int
) -> None:
    page = wide_report / "SU-quarter-1975-1991.html"
    got = probe(page, width, tmp_path)
    scrolling = assert_tables_fit_or_scroll(got, f"SU quarters at {width}")
    assert {"heatmap", "groups"} <= {t["cls"] for t in scrolling}  # 68 columns cannot fit: they scroll
    assert_sticky_heatmap_header(got, f"SU quarters at {width}")
    assert got["head"]["tableHeight"] > got["head"]["boxHeight"]  # the header really had to stick
    screenshot(page, width, tmp_path)


@pytest.fixture(scope="module")
def small_overview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SU scored in 1990 (three commitments, three observations); PL and CS observed or named, never scored."""
    tmp = tmp_path_factory.mktemp("small")
    rows = [
        obs("s.jam", "1990-02", "jamming", standing={"condition": "radio-jamming", "subject": "voa", "in_effect": True}),
        obs("s.emig", "1990", "statistic", tags=["emigration"],
            metric={"name": "emigration.persons", "value": 50000, "unit": "persons"}),
        obs("s.arrest", "1990-05", "arrest", tags=["monitor"]),
        obs("s.pl", "1980-03", "protest", state="PL"),
    ]  # fmt: skip
    corpus = hc.load(make_data(tmp / "data", rows))
    out = tmp / "out"
    api.report(
        corpus, states=["SU", "PL", "CS"], period="year", first=1985, last=1991, as_of=AS_OF, out_dir=out,
        formats=["html"],
    )  # fmt: skip
    return out


def test_the_overview_title_names_only_states_with_a_score(small_overview: Path, tmp_path: Path) -> None:
    got = probe(small_overview / "overview-year-1985-1991.html", 1280, tmp_path)
    assert_tables_fit_or_scroll(got, "overview at 1280")
    scored = {r["state"] for r in got["rows"] if r["scored"]}
    assert scored == {"SU"}, got["rows"]
    assert got["h1"] == "Compliance overview: SU"
    assert "PL (Poland), CS (Czechoslovakia): too little evidence" in got["without"], got["without"]
    titles = [t["t"] for t in got["texts"] if re.fullmatch(r"[A-Z]{2} \(.+\)", t["t"])]
    assert titles == ["SU (Soviet Union)"]


# ---------------------------------------------------------------- the bundled corpus as a reader sees it


def _names() -> dict[str, set[str]]:
    raw = yaml.safe_load((REPO / "commitments" / "states.yaml").read_text(encoding="utf-8"))
    return {s["code"]: {s["name"], *s.get("aliases", [])} for s in raw["states"]}


@pytest.fixture(scope="module")
def bundled_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = hc.load()
    codes = api.resolve_states(corpus, ["all"])
    goals = hc_goals.report_goals(corpus, codes, first=1975, last=1991, as_of=AS_OF)
    out = tmp_path_factory.mktemp("bundled") / "out"
    api.report(
        corpus, states=codes, period="year", first=1975, last=1991, as_of=AS_OF, out_dir=out,
        formats=["html"], goals=goals, full={"SU"},
    )  # fmt: skip
    return out


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_the_su_report_fits_the_page(bundled_report: Path, tmp_path: Path, width: int) -> None:
    page = bundled_report / "SU-year-1975-1991.html"
    got = probe(page, width, tmp_path)
    scrolling = assert_tables_fit_or_scroll(got, f"SU at {width}")
    by_class = {t["cls"]: t for t in got["tables"]}
    if width == 1280:  # the basket score table was cut at 1985 here before
        assert by_class["groups"]["fits"], by_class["groups"]
        assert by_class["heatmap"]["fits"], by_class["heatmap"]
    print(f"SU at {width}: " + "; ".join(f"{t['cls']} {t['width']}/{t['avail']} px" for t in got["tables"]))
    print(f"  scrolling with a cue: {[t['cls'] for t in scrolling]}")
    assert_sticky_heatmap_header(got, f"SU at {width}")
    # the goal chart: the memo's goals over time, each panel titled by its goal with the verdict in words
    assert got["goalChart"] and "progress toward each goal" in got["goalChart"][0]
    goal_texts = {t["t"] for t in got["texts"] if t["fig"] == "goals"}
    for goal in ("prisoners-of-conscience", "radio-jamming", "emigration-10k", "full-compliance"):
        assert goal in goal_texts, sorted(goal_texts)[:20]
    assert any(t.startswith("now: ") for t in goal_texts)
    screenshot(page, width, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS)
def test_the_overview_fits_the_page_with_whole_titles(bundled_report: Path, tmp_path: Path, width: int) -> None:
    page = bundled_report / "overview-year-1975-1991.html"
    got = probe(page, width, tmp_path)
    assert_tables_fit_or_scroll(got, f"overview at {width}")
    if width == 1280:
        assert next(t for t in got["tables"] if "overview" in t["cls"])["fits"]
    # panel titles: the code and a whole name or alias of the state, never a cut one ("SU (Union of Soviet )")
    names = _names()
    panels = [t for t in got["texts"] if t["fig"] == "overview" and re.fullmatch(r"[A-Z]{2} \(.+\)", t["t"])]
    assert len(panels) >= 5
    for t in panels:
        code, name = t["t"][:2], t["t"][4:-1]
        assert name in names[code], f"cut or unknown panel title {t['t']!r}"
    rows: dict[int, list[dict[str, Any]]] = {}
    for t in panels:
        rows.setdefault(t["y"], []).append(t)
    for row in rows.values():
        row.sort(key=lambda t: t["x"])
        for a, b in zip(row, row[1:], strict=False):
            assert a["x"] + a["w"] <= b["x"] + 1, f"panel titles overlap: {a['t']!r} and {b['t']!r}"
    # the title lists only the states with a score; the others are named below it
    scored = {r["state"] for r in got["rows"] if r["scored"]}
    listed = set(re.findall(r"\b[A-Z]{2}\b", got["h1"].split(":", 1)[1]))
    assert listed == scored and {t["t"][:2] for t in panels} == scored
    others = {r["state"] for r in got["rows"]} - scored
    assert others and all(f"{code} (" in got["without"] for code in others), got["without"]
    assert "not a participating state" in got["without"]  # BY, KG, KZ, TM joined in 1992
    screenshot(page, width, tmp_path)
