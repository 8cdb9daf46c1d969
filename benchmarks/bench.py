"""Benchmark of helsinki-compliance at OSCE scale (issue #8).

    python benchmarks/bench.py --sizes 10k,100k,1M

For each size a synthetic corpus is generated once (``helsinki-compliance synth``, seed 1, 57
states, 1975-2025) under ``--work`` (default ``/tmp/hc-synth-<size>``) and reused. Every size is
measured in fresh subprocesses, so that peak memory is that of one size:

- a **floors** process times (a) the YAML parser on the same files: the chosen one, rapidyaml, to
  Python data (C++ parse, JSON out, ``json.loads``), with rapidyaml's bare parse and PyYAML's C event
  stream and ``yaml.load(CSafeLoader)`` for comparison, and (b) ``json.loads`` of the same records
  (one JSON text per file, prepared before timing); the floors are kept in ``.bench-floors.json``
  beside the corpus and reused (``--fresh-floors`` measures them again);
- an **engine** process times a cold load (no cache; the cache is written), a warm load (cache
  hit) with stage 4 (semantics) shown on its own, evaluation of the busiest state, the scorecard of
  all states by year 1975-2025, JSON and CSV rendering, and ``observe add`` plus re-scoring
  (one new observations file: parse, semantic checks against the loaded registries, incremental
  re-scoring), and peak and resident memory.

Every time row shows its ratio to both floors. ``--json FILE`` also writes the raw figures.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}
AS_OF = date(2025, 12, 31)
REPO = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0  # pragma: no cover


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Any) -> tuple[float, Any]:
    gc.collect()
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def floors(root: Path) -> dict[str, Any]:
    """Floors: the YAML parser and json.loads on the same files."""
    import yaml

    from helsinki_compliance.load import files as loading
    from helsinki_compliance.load import yaml_reader

    files = loading.discover(root)
    raws = [p.read_bytes() for p in files]
    out: dict[str, Any] = {"files": len(files), "bytes": sum(map(len, raws))}

    def events() -> None:
        for raw in raws:
            for _ in yaml.parse(raw, Loader=yaml.CSafeLoader):
                pass

    def load() -> list[Any]:
        return [yaml.load(raw, Loader=yaml.CSafeLoader) for raw in raws]

    out["yaml_events"], _ = _timed(events)
    out["yaml_load"], data = _timed(load)
    del data
    try:
        import ryml

        out["ryml_tree"], _ = _timed(lambda: [ryml.parse_in_arena(raw) for raw in raws])
        out["ryml_data"], data = _timed(lambda: [json.loads(ryml.emit_json(ryml.parse_in_arena(raw))) for raw in raws])
    except ImportError:
        pass
    texts = [json.dumps(yaml_reader.load(raw).data, ensure_ascii=False) for raw in raws]
    del data
    out["json_bytes"] = sum(map(len, texts))
    out["json_loads"], _ = _timed(lambda: [json.loads(t) for t in texts])
    out["peak_mb"] = _peak_mb()
    return out


def engine(root: Path) -> dict[str, Any]:
    """The engine: cold and warm loads, evaluation, scorecard, rendering, observe add, memory."""
    from helsinki_compliance.engine.evaluation import Evaluator
    from helsinki_compliance.engine.incremental import changed_cells, check_observations
    from helsinki_compliance.load import files as loading
    from helsinki_compliance.load import pipeline
    from helsinki_compliance.load.cache import CACHE_ENV, FileCache
    from helsinki_compliance.load.semantics import build_corpus
    from helsinki_compliance.model.periods import calendar_periods
    from helsinki_compliance.render.tables import scorecard_csv, to_json

    cache_dir = root.parent / f".{root.name}-bench-cache"  # a fresh per-user cache: the cold load misses
    shutil.rmtree(cache_dir, ignore_errors=True)
    os.environ[CACHE_ENV] = str(cache_dir)
    out: dict[str, Any] = {"rss_start_mb": _rss_mb()}
    out["cold_load"], corpus = _timed(lambda: pipeline.load(root, cache=True))
    n = len(corpus.observations)
    out["observations"] = n
    del corpus
    gc.collect()
    base_rss = _rss_mb()
    files = loading.discover(root)
    cache = FileCache(cache_dir)
    out["warm_read"], got = _timed(lambda: loading.read_files(root, files, cache))
    assert cache.misses == 0, f"cache misses on a warm load: {cache.misses}"
    out["stage4"], (corpus, _) = _timed(lambda: build_corpus(root, got[0]))
    got = None  # free the parsed files before measuring memory
    out["warm_load"] = out["warm_read"] + out["stage4"]
    gc.collect()
    out["rss_corpus_mb"] = _rss_mb() - base_rss
    out["bytes_per_observation"] = out["rss_corpus_mb"] * 1024 * 1024 / n

    periods = calendar_periods("year", 1975, 2025)
    states = sorted({o.state for o in corpus.observations})
    busiest = max(states, key=lambda s: len(corpus.observations_of(s)))
    out["busiest_state"] = busiest
    out["evaluation_one_state"], _ = _timed(lambda: Evaluator(corpus).scorecard([busiest], periods, AS_OF))
    ev = Evaluator(corpus)
    out["scorecard"], card = _timed(lambda: ev.scorecard(states, periods, AS_OF))
    out["cells"] = len(card.cells)
    try:  # issue #19: the same scorecard on DuckDB (and Spark local[2] with --spark), checked equal
        from helsinki_compliance.engine.sql_engine import DuckDBBackend, SparkBackend, SqlEvaluator

        out["scorecard_duckdb"], other = _timed(
            lambda: SqlEvaluator(corpus, DuckDBBackend()).scorecard(states, periods, AS_OF)
        )
        out["duckdb_equal"] = other.cells == card.cells and other.groups == card.groups
        if os.environ.get("HC_BENCH_SPARK"):
            out["scorecard_spark"], other = _timed(
                lambda: SqlEvaluator(corpus, SparkBackend("local[2]")).scorecard(states, periods, AS_OF)
            )
            out["spark_equal"] = other.cells == card.cells and other.groups == card.groups
        del other
    except ImportError:  # pragma: no cover - without the scale extra
        pass
    out["render_json"], text = _timed(lambda: to_json(card.to_dict(corpus)))
    out["json_mb"] = len(text) / 1e6
    del text
    out["render_csv"], text = _timed(lambda: scorecard_csv(card, corpus))
    del text

    new_file = root / "observations" / "bench-observe-add.yaml"
    new_file.write_text(
        "observations:\n"
        f'  - id: bench.added\n    date: "1988-03-14"\n    dated_by: "14 March 1988"\n    state: {busiest}\n'
        "    kind: arrest\n    tags: [monitor, political-prisoner]\n    source: copeland-1991\n"
        '    locator: "p. 1"\n    quote: "a monitor was arrested"\n    confidence: high\n',
        encoding="utf-8",
    )
    try:

        def observe_add() -> int:
            new, problems = check_observations(corpus, new_file)
            assert not [p for p in problems if p.level == "error"], problems
            _, changes = changed_cells(corpus, card, new, evaluator=ev)
            return len(changes)

        out["observe_add"], out["observe_add_changed_cells"] = _timed(observe_add)
    finally:
        new_file.unlink()
    out["peak_mb"] = _peak_mb()
    return out


def engines(root: Path) -> dict[str, Any]:
    """Issue #19: the all-states yearly scorecard on each engine, in one process, checked equal to the reference."""
    from helsinki_compliance import api
    from helsinki_compliance.engine import selection
    from helsinki_compliance.engine.evaluation import Evaluator
    from helsinki_compliance.engine.sql_engine import DuckDBBackend, SparkBackend, SqlEvaluator
    from helsinki_compliance.model.periods import calendar_periods

    api.load(root, cache=True)  # writes the cache
    out: dict[str, Any] = {}
    out["warm_load"], corpus = _timed(lambda: api.load(root, cache=True))
    out["observations"] = len(corpus.observations)
    periods = calendar_periods("year", 1975, 2025)
    states = sorted({o.state for o in corpus.observations})
    out["scorecard"], card = _timed(lambda: Evaluator(corpus).scorecard(states, periods, AS_OF))
    out["cells"] = len(card.cells)
    backends: list[tuple[str, Any]] = [("duckdb", DuckDBBackend())]
    if os.environ.get("HC_BENCH_SPARK"):
        backends.append(("spark", SparkBackend("local[2]")))
    for name, backend in backends:
        ev = SqlEvaluator(corpus, backend)
        out[f"scorecard_{name}"], other = _timed(lambda ev=ev: ev.scorecard(states, periods, AS_OF))
        out[f"{name}_equal"] = other.cells == card.cells and other.groups == card.groups
        out[f"{name}_summary"] = ev.stats.summary()
        del other
    del card
    # issue #25: what `scorecard --state all` runs (evaluation and the sensitivity bands), per engine
    cards = {}
    for name in ("python", "duckdb"):
        out[f"cli_scorecard_{name}"], cards[name] = _timed(
            lambda name=name: selection.scorecard(
                corpus, states=states, period="year", first=1975, last=2025, as_of=AS_OF, engine=name, membership=False
            )
        )
    out["cli_equal"] = (
        cards["python"].cells == cards["duckdb"].cells and cards["python"].groups == cards["duckdb"].groups
    )
    out["cli_duckdb_summary"] = cards["duckdb"].engine_summary
    out["peak_mb"] = _peak_mb()
    return out


def engine_targets(size: str, r: dict[str, Any]) -> str:
    """Issue #25's targets for the engines, from one ``--engines`` run (``json_loads`` from the floors)."""
    lines = []
    for what, py, db in (
        ("evaluation", "scorecard", "scorecard_duckdb"),
        ("scorecard as the CLI runs it (with bands)", "cli_scorecard_python", "cli_scorecard_duckdb"),
    ):
        speed = r[py] / r[db]
        lines.append(
            f"- {size} {what}: python {r[py]:.1f} s, duckdb {r[db]:.1f} s: DuckDB {speed:.2f}x faster "
            f"(target >= 3x: {'met' if speed >= 3 else 'missed'})"
        )
        if "json_loads" in r:
            run = r["warm_load"] + r[db]
            ratio = run / r["json_loads"]
            lines.append(
                f"  warm DuckDB run {run:.1f} s = {ratio:.1f}x json.loads ({r['json_loads']:.2f} s) "
                f"(target <= 3x: {'met' if ratio <= 3 else 'missed'})"
            )
    return "\n".join(lines)


def memory(root: Path) -> dict[str, Any]:
    """A fresh process that only loads the corpus warm: resident memory per observation, peak of a load."""
    from helsinki_compliance.load import pipeline

    gc.collect()
    before = _rss_mb()
    corpus = pipeline.load(root, cache=True)
    gc.collect()
    n = len(corpus.observations)
    return {
        "warm_rss_mb": _rss_mb() - before,
        "warm_bytes_per_observation": (_rss_mb() - before) * 1048576 / n,
        "warm_peak_mb": _peak_mb(),
    }


def _run_child(kind: str, root: Path) -> dict[str, Any]:
    cmd = [sys.executable, __file__, f"--{kind}", str(root)]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise SystemExit(f"{kind} {root} failed:\n{res.stderr}")
    result: dict[str, Any] = json.loads(res.stdout.strip().splitlines()[-1])
    return result


def ensure_corpus(size: str, n: int, work: str, seed: int) -> Path:
    root = Path(work.format(size=size))
    marker = root / ".synth-done"
    if marker.exists() and marker.read_text() == f"{n} {seed}":
        return root
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "helsinki_compliance",
            "--data",
            str(REPO),
            "-q",
            "synth",
            "--observations",
            str(n),
            "--seed",
            str(seed),
            "--out",
            str(root),
            "--force",
        ],
        check=True,
    )
    marker.write_text(f"{n} {seed}")
    (root / ".bench-floors.json").unlink(missing_ok=True)
    print(f"# generated {size} in {time.perf_counter() - t:.1f} s at {root}", file=sys.stderr)
    return root


ROWS = [
    ("floor (a): rapidyaml to Python data (parse, JSON, json.loads)", "floor_yaml"),
    ("  rapidyaml parse only (C++ tree, no Python data)", "ryml_tree"),
    ("  PyYAML C event stream, drained (old reader's parser)", "yaml_events"),
    ("  PyYAML yaml.load(CSafeLoader) (NO would be False)", "yaml_load"),
    ("floor (b): json.loads, same records", "json_loads"),
    ("cold load (parse + validate + write cache)", "cold_load"),
    ("warm load (cache hit)", "warm_load"),
    ("  of which stage 4 (semantics, whole corpus)", "stage4"),
    ("evaluation, busiest state, yearly 1975-2025", "evaluation_one_state"),
    ("scorecard, all states, yearly 1975-2025", "scorecard"),
    ("  the same on DuckDB (--engine duckdb)", "scorecard_duckdb"),
    ("  the same on Spark local[2] (--engine spark)", "scorecard_spark"),
    ("render JSON", "render_json"),
    ("render CSV", "render_csv"),
    ("observe add + re-score (in process)", "observe_add"),
    ("warm run = warm load + scorecard", "warm_run"),
    ("warm run on DuckDB", "warm_run_duckdb"),
    ("cold run = cold load + scorecard", "cold_run"),
]


def table(results: dict[str, dict[str, Any]]) -> str:
    sizes = list(results)
    head = "| measure | " + " | ".join(f"{s}: s | ×yaml | ×json" for s in sizes) + " |"
    lines = [head, "|---|" + "---:|---:|---:|" * len(sizes)]
    for label, key in ROWS:
        cells = []
        for s in sizes:
            r = results[s]
            v = r.get(key)
            if v is None:
                cells.append("– | – | –")
                continue
            cells.append(f"{v:.3f} | {v / r['floor_yaml']:.2f} | {v / r['json_loads']:.1f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    extra = [
        ("observations", lambda r: f"{r['observations']:,}"),
        ("files / MB of YAML", lambda r: f"{r['files']} / {r['bytes'] / 1e6:.0f}"),
        ("cells in the scorecard", lambda r: f"{r['cells']:,}"),
        ("cells changed by observe add", lambda r: f"{r['observe_add_changed_cells']}"),
        ("peak RSS, engine process (MB)", lambda r: f"{r['peak_mb']:.0f}"),
        (
            "resident memory of a warm-loaded corpus per observation (bytes, fresh process)",
            lambda r: f"{r['warm_bytes_per_observation']:.0f}",
        ),
        ("peak RSS of a warm load alone (MB, fresh process)", lambda r: f"{r['warm_peak_mb']:.0f}"),
        ("peak RSS, floors process (MB)", lambda r: f"{r['floors_peak_mb']:.0f}"),
    ]
    for label, fmt in extra:
        lines.append(f"| {label} | " + " | ".join(f"{fmt(results[s])} | | " for s in sizes) + " |")
    return "\n".join(lines)


def targets(results: dict[str, dict[str, Any]]) -> str:
    out = []
    for s, r in results.items():
        out.append(
            f"- {s}: warm run {r['warm_run']:.2f} s = {r['warm_run'] / r['json_loads']:.1f}x json.loads "
            f"(target <= 3x); {r['warm_bytes_per_observation']:.0f} B/observation resident (target < 1024); "
            f"cold run {r['cold_run']:.2f} s = {r['cold_run'] / r['floor_yaml']:.2f}x the YAML floor (target <= 1.2x); "
            f"observe add {r['observe_add']:.3f} s = {100 * r['observe_add'] / r['cold_run']:.2f}% of a cold run "
            f"(target <= 5%); as a new process (warm load + add) "
            f"{100 * (r['warm_load'] + r['observe_add']) / r['cold_run']:.1f}%"
        )
    for s, r in results.items():
        if "scorecard_duckdb" in r:
            line = (
                f"- {s} DuckDB: scorecard {r['scorecard_duckdb']:.2f} s ({r['scorecard'] / r['scorecard_duckdb']:.2f}x "
                f"the reference's speed, equal: {r['duckdb_equal']}); warm run {r['warm_run_duckdb']:.2f} s = "
                f"{r['warm_run_duckdb'] / r['json_loads']:.1f}x json.loads (target <= 3x)"
            )
            if "scorecard_spark" in r:
                line += (
                    f"; Spark local[2] {r['scorecard_spark']:.1f} s = {r['scorecard_spark'] / r['scorecard_duckdb']:.1f}x "
                    f"DuckDB (target <= 5x), equal: {r['spark_equal']}"
                )
            out.append(line)
    names = list(results)
    for a, b in zip(names, names[1:], strict=False):
        if SIZES[b] == 10 * SIZES[a]:
            ra, rb = results[a], results[b]
            out.append(
                f"- scaling {b}/{a}: cold run {rb['cold_run'] / ra['cold_run']:.1f}, warm run "
                f"{rb['warm_run'] / ra['warm_run']:.1f}, scorecard {rb['scorecard'] / ra['scorecard']:.1f} (target <= 11)"
            )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated: 1k, 10k, 100k, 1M")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", default="/tmp/hc-synth-{size}", help="corpus directory per size ({size} is replaced)")
    ap.add_argument("--json", dest="json_out", help="also write the raw figures to this file")
    ap.add_argument("--fresh-floors", action="store_true", help="measure the floors again (default: reuse)")
    ap.add_argument("--floors", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--engine", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--memory", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--engines-child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument(
        "--engines",
        action="store_true",
        help="only the scorecard on each engine (python, duckdb; spark with HC_BENCH_SPARK=1), in a fresh process",
    )
    args = ap.parse_args()
    if args.engines_child:
        print(json.dumps(engines(args.engines_child)))
        return
    if args.engines:
        for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            root = ensure_corpus(size, SIZES[size], args.work, args.seed)
            r = _run_child("engines-child", root)
            cached = root / ".bench-floors.json"
            if cached.exists():
                r["json_loads"] = json.loads(cached.read_text())["json_loads"]
            print(json.dumps({size: r}, indent=1))
            print(engine_targets(size, r))
        return
    if args.floors:
        print(json.dumps(floors(args.floors)))
        return
    if args.engine:
        print(json.dumps(engine(args.engine)))
        return
    if args.memory:
        print(json.dumps(memory(args.memory)))
        return
    results: dict[str, dict[str, Any]] = {}
    for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        if size not in SIZES:
            raise SystemExit(f"unknown size {size!r}; use {', '.join(SIZES)}")
        root = ensure_corpus(size, SIZES[size], args.work, args.seed)
        t = time.perf_counter()
        cached = root / ".bench-floors.json"  # the floors depend on the files only: reused for the same corpus
        if cached.exists() and not args.fresh_floors:
            f = json.loads(cached.read_text())
        else:
            f = _run_child("floors", root)
            cached.write_text(json.dumps(f))
        e = _run_child("engine", root)
        e.update(_run_child("memory", root))  # after the engine: the cache is warm
        r = {**e, **{k: v for k, v in f.items() if k != "peak_mb"}, "floors_peak_mb": f["peak_mb"]}
        # floor (a): the chosen parser to Python data: rapidyaml (C++ parse, JSON out, json.loads) when
        # installed, else the faster of PyYAML's C event stream and yaml.load(CSafeLoader)
        r["floor_yaml"] = f.get("ryml_data") or min(f["yaml_events"], f["yaml_load"])
        r["warm_run"] = r["warm_load"] + r["scorecard"]
        r["cold_run"] = r["cold_load"] + r["scorecard"]
        if "scorecard_duckdb" in r:
            r["warm_run_duckdb"] = r["warm_load"] + r["scorecard_duckdb"]
        results[size] = r
        print(f"# {size} measured in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; times in seconds (best of one run)\n")
    print(table(results))
    print()
    print(targets(results))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
