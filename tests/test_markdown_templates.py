"""The Markdown outputs come from Jinja2 templates (render/templates/markdown), data escaped by one filter."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

import helsinki_compliance as hc
from conftest import jam, make_data
from helsinki_compliance import api
from helsinki_compliance.render import markdown_templates as mt
from helsinki_compliance.render.goal_tables import goals_markdown, timeline_markdown
from helsinki_compliance.render.reports import render_state, state_context
from helsinki_compliance.render.reports.scores import sub_card
from helsinki_compliance.render.tables import scorecard_markdown

SRC = Path(mt.__file__).parents[1]
AS_OF = date(1991, 12, 31)


@pytest.fixture
def corpus(tmp_path: Path) -> hc.Corpus:
    return hc.load(
        make_data(tmp_path / "data", [jam("j1", "1977-05", "voa", True), jam("j2", "1979-05", "voa", False)])
    )


def _state_md(corpus: hc.Corpus) -> str:
    card = api.scorecard(corpus, states=["SU"], period="year", first=1976, last=1980, as_of=AS_OF)
    sub = sub_card(card, "SU")
    ctx = state_context(corpus, sub, "SU", period="year", first=1976, last=1980)
    return render_state(corpus, sub, "SU", "md", ctx)


def test_a_template_only_change_shows_up_in_the_output(
    corpus: hc.Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _state_md(corpus)
    assert "## Scoring method" in before and "## Findings by commitment" in before
    folder = tmp_path / "templates"
    shutil.copytree(mt.TEMPLATES, folder)
    for name, old, new in (
        ("method.md.j2", "## Scoring method", "## How the scores are made"),
        ("drilldown.md.j2", "## Findings by commitment", "## Every finding"),
        ("scorecard.md.j2", "— as of", "as known on"),
    ):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    monkeypatch.setattr(mt, "TEMPLATES", folder)
    after = _state_md(corpus)
    assert "## How the scores are made" in after and "## Scoring method" not in after
    assert "## Every finding" in after and "## Findings by commitment" not in after
    assert "### SU as known on " in after and "### SU — as of" not in after
    card = api.scorecard(corpus, states=["SU"], period="year", first=1976, last=1980, as_of=AS_OF)
    assert scorecard_markdown(card).startswith("### SU as known on ")
    # nothing else moved: undo the three edits and the text is the one before
    undone = after.replace("## How the scores are made", "## Scoring method").replace(
        "## Every finding", "## Findings by commitment"
    )
    assert undone.replace("### SU as known on ", "### SU — as of ") == before


def test_every_section_of_a_state_report_has_its_template() -> None:
    state = (mt.TEMPLATES / "state.md.j2").read_text(encoding="utf-8")
    included = re.findall(r'\{% include "([^"]+)" %\}', state)
    assert included == [
        "scorecard.md.j2",
        "changes.md.j2",
        "dossiers.md.j2",
        "goals.md.j2",
        "conflicts.md.j2",
        "drilldown.md.j2",
        "sources.md.j2",
        "method.md.j2",
    ]
    assert all((mt.TEMPLATES / name).is_file() for name in included)


def test_a_pipe_in_a_cell_is_escaped() -> None:
    t = {
        "state": "SU",
        "readings": {"verdicts": "as known | at the end"},
        "timeline": [{"period": "1987", "verdicts": {"g1": "met"}, "verdict_texts": {"g1": "met | or not *quite*"}}],
    }
    md = timeline_markdown(t)
    assert "| g1 | met \\| or not \\*quite\\* |" in md.splitlines()
    assert "**SU: as known \\| at the end**" in md
    goals = {
        "title": "Goals | of [1987]",
        "state": "SU",
        "as_of": "1987-12-31",
        "baseline": "1986-01-01",
        "goals": [],
        "tiers": {},
    }
    assert goals_markdown(goals).startswith("### Goals \\| of \\[1987\\]: SU as of 1987-12-31")


def test_the_goal_table_of_a_report_escapes_every_cell() -> None:
    row = {
        "id": "g|1",
        "tier": "near",
        "title": "A <b>title</b>",
        "target": "x | y",
        "baseline": {"progress": "0%", "detail": "none"},
        "current": {"progress": "50%", "detail": "half_way"},
        "verdict_text": "slight",
        "evidence": [{"id": "o|1"}, {"id": "o2"}],
    }
    goals = {
        "sets": [{"id": "s", "title": "S", "tiers": [], "goals": [row], "timeline": None, "hindsight": None}],
        "timeline": None,
    }
    md = mt.render_markdown("goals.md.j2", goals=goals)
    assert "| g\\|1 | near | A \\<b\\>title\\</b\\> | x \\| y | 0% none | 50% half\\_way | slight | o\\|1, o2 |" in md


def test_escaping_is_defined_once() -> None:
    env = mt._env(str(mt.TEMPLATES))
    assert env.filters["md"] is mt.md_escape and env.filters["md_stars"] is mt.md_stars
    assert mt.md_escape("a|b\n*c*") == "a\\|b \\*c\\*"
    defined = [p for p in SRC.rglob("*.py") if "def md_escape" in p.read_text(encoding="utf-8")]
    assert defined == [SRC / "render" / "markdown_templates.py"]
    stars = [p for p in SRC.rglob("*.py") if 'replace("*", "\\\\*")' in p.read_text(encoding="utf-8")]
    assert stars == [SRC / "render" / "markdown_templates.py"]


def test_the_templates_are_package_data() -> None:
    """The wheel carries src/helsinki_compliance whole (pyproject.toml), so the templates travel with the code."""
    pyproject = (SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"src/helsinki_compliance" = "helsinki_compliance"' in pyproject
    assert mt.TEMPLATES.is_relative_to(SRC)
    names = sorted(p.name for p in mt.TEMPLATES.iterdir())
    assert len(names) >= 12 and all(n.endswith(".md.j2") for n in names)
