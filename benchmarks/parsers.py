"""Which YAML parser? Time each candidate on a synthetic corpus and check it loads the data identically.

    python benchmarks/parsers.py /tmp/hc-synth-100k

"Identical" means equal to what the engine's reader (:func:`helsinki_compliance.yaml_reader.load`)
returns: dates stay strings, ``NO`` (Norway) stays a string, numbers are the same ints/floats.
A parser that is not installed is reported as such (``pip install rapidyaml ruamel.yaml yaml-rs``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helsinki_compliance import loading, yaml_reader


def _ryml_loader() -> Callable[[bytes], Any]:
    import ryml  # type: ignore[import-not-found]

    def scalar(tree: Any, node: int, quoted: bool, text: str) -> Any:
        # the same resolution as the engine's reader: only unquoted plain scalars are typed
        return text if quoted else yaml_reader._scalar(text, (True, False), None, 0)

    def load(raw: bytes) -> Any:
        tree = ryml.parse_in_arena(raw)

        def build(node: int) -> Any:
            if tree.is_map(node):
                out = {}
                child = tree.first_child(node)
                while child != ryml.NONE:
                    out[bytes(tree.key(child)).decode()] = build(child)
                    child = tree.next_sibling(child)
                return out
            if tree.is_seq(node):
                items = []
                child = tree.first_child(node)
                while child != ryml.NONE:
                    items.append(build(child))
                    child = tree.next_sibling(child)
                return items
            if tree.val_is_null(node):
                return None
            return scalar(tree, node, tree.is_val_quoted(node), bytes(tree.val(node)).decode())

        root = tree.root_id()
        if tree.is_stream(root):
            root = tree.first_child(root)
        return build(root)

    return load


def candidates() -> dict[str, Callable[[bytes], Any]]:
    import yaml

    out: dict[str, Callable[[bytes], Any]] = {
        "engine reader (PyYAML C event stream, current)": lambda raw: yaml_reader.load(raw).data,
        "PyYAML yaml.load CSafeLoader (compose+construct)": lambda raw: yaml.load(raw, Loader=yaml.CSafeLoader),
        "PyYAML C event stream, drained (raw parse)": lambda raw: sum(
            1 for _ in yaml.parse(raw, Loader=yaml.CSafeLoader)
        ),
    }
    try:
        from ruamel.yaml import YAML

        ry = YAML(typ="safe", pure=False)
        out["ruamel.yaml typ=safe (C if ruamel.yaml.clib)"] = lambda raw: ry.load(raw)
    except ImportError:
        pass
    try:
        out["rapidyaml (ryml) tree + Python walk"] = _ryml_loader()
        import ryml

        out["rapidyaml (ryml) tree only (raw parse)"] = lambda raw: ryml.parse_in_arena(raw)
    except ImportError:
        pass
    try:
        import yaml_rs  # type: ignore[import-not-found]

        out["yaml-rs loads (Rust)"] = lambda raw: yaml_rs.loads(raw.decode())
    except ImportError:
        pass
    return out


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/hc-synth-10k")
    files = loading.discover(root)
    raws = [p.read_bytes() for p in files]
    reference = [yaml_reader.load(raw).data for raw in raws]
    n_obs = sum(len(d.get("observations", [])) for d in reference)
    print(f"{len(files)} files, {sum(map(len, raws)) / 1e6:.1f} MB, {n_obs:,} observations\n")
    print("| parser | s | µs/observation | identical data | note |")
    print("|---|---:|---:|---|---|")
    for name, fn in candidates().items():
        try:
            t = time.perf_counter()
            got = [fn(raw) for raw in raws]
            dt = time.perf_counter() - t
        except Exception as exc:  # noqa: BLE001 - a candidate that cannot parse the corpus is reported
            print(f"| {name} | – | – | no | fails: {type(exc).__name__}: {str(exc)[:60]} |")
            continue
        if "raw parse" in name:
            same, note = "–", "no data built"
        else:
            diffs = [i for i, (a, b) in enumerate(zip(got, reference, strict=True)) if a != b]
            same = "yes" if not diffs else f"no ({len(diffs)} files differ)"
            note = _why(got[diffs[0]], reference[diffs[0]]) if diffs else ""
        print(f"| {name} | {dt:.2f} | {dt / max(n_obs, 1) * 1e6:.1f} | {same} | {note} |")


def _why(a: Any, b: Any, path: str = "") -> str:
    if type(a) is not type(b):
        return f"{path}: {a!r} ({type(a).__name__}) vs {b!r}"
    if isinstance(a, dict):
        for k in b:
            if k not in a:
                return f"{path}.{k} missing"
            if a[k] != b[k]:
                return _why(a[k], b[k], f"{path}.{k}")
    if isinstance(a, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return _why(x, y, f"{path}[{i}]")
    return f"{path}: {a!r} vs {b!r}"


if __name__ == "__main__":
    main()
