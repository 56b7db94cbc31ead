"""reflect beside jrnl, its closest peer, on the same entries (issue 12).

jrnl is not one of reflect's dependencies: install it into an environment of
its own and pass its executable::

    python -m venv /tmp/jrnl-venv && /tmp/jrnl-venv/bin/pip install jrnl
    PYTHONPATH=. python benchmarks/jrnl_side_by_side.py --jrnl /tmp/jrnl-venv/bin/jrnl

For each size both get the same entries (``journals.make_entries``): jrnl as
its plain-text journal file (no encryption), reflect as a plain data folder
for one person. Timed, as subprocesses, in turns: writing one entry, the ten
newest, and the entries containing a word (about 8 % of them). Prints
medians, the ratio to T (``python -c "import textual.app"``) and reflect's
time as a share of jrnl's. Everything lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NEW_TEXT = "One more evening, written from the command line."


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jrnl", required=True, help="the jrnl executable, in its own environment")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    repo = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repo))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import journals  # noqa: E402

    env = {k: v for k, v in os.environ.items() if k not in ("REFLECT_HOME", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = str(repo)
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="reflect-bench-pyc-")
    jrnl_version = subprocess.run([args.jrnl, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    t_samples: list[float] = []

    def run(argv: list[str], extra_env: dict[str, str] | None = None) -> float:
        started = time.perf_counter()
        done = subprocess.run(
            argv, env={**env, **(extra_env or {})}, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        elapsed = time.perf_counter() - started
        if done.returncode:
            raise RuntimeError(f"{argv[:3]}: {done.stderr.decode(errors='replace')[-400:]}")
        return elapsed

    def sample_t() -> None:
        t_samples.append(run([sys.executable, "-c", "import textual.app"]))

    rows: list[tuple[str, int, list[float], list[float]]] = []
    word = journals.vocabulary().words[400]
    with tempfile.TemporaryDirectory(prefix="reflect-jrnl-") as tmp:
        root = Path(tmp)
        for _ in range(3):
            sample_t()
        for size in args.sizes:
            entries = journals.make_entries(size)
            folder = root / f"reflect-{size}"
            journals.write_data_folder(folder, journals.space_json(entries))
            jrnl_home = root / f"jrnl-{size}"
            config = write_jrnl(jrnl_home, entries, jrnl_version.split()[-1])
            del entries
            jrnl_env = {"HOME": str(jrnl_home), "XDG_CONFIG_HOME": str(jrnl_home / ".config"), "XDG_DATA_HOME": str(jrnl_home)}

            def reflect(*more: str, f: Path = folder) -> list[str]:
                return [sys.executable, "-m", "reflect", "--data-dir", str(f), *more]

            def jrnl(*more: str, c: Path = config) -> list[str]:
                return [args.jrnl, "--config-file", str(c), *more]

            pairs = {
                "write one entry": (reflect("write", NEW_TEXT), jrnl(NEW_TEXT)),
                "the ten newest": (reflect("list", "-n", "10"), jrnl("-n", "10")),
                "entries containing a word": (reflect("list", "--contains", word), jrnl("-contains", word)),
            }
            for mine, theirs in pairs.values():
                run(mine), run(theirs, jrnl_env)  # warm-up, untimed (bytecode caches)
            samples = {name: ([], []) for name in pairs}
            for _ in range(args.runs):
                for name, (mine, theirs) in pairs.items():
                    samples[name][0].append(run(mine))
                    samples[name][1].append(run(theirs, jrnl_env))
                sample_t()
            for name, (mine, theirs) in samples.items():
                rows.append((name, size, mine, theirs))

    t = statistics.median(t_samples)
    print(f"T = {t * 1000:.0f} ms (median of {len(t_samples)}); {jrnl_version}")
    print(f"{'figure':28} {'entries':>8} {'reflect':>9} {'x T':>5} {'jrnl':>9} {'x T':>5} {'reflect/jrnl':>12}")
    for name, size, mine, theirs in rows:
        a, b = statistics.median(mine), statistics.median(theirs)
        print(f"{name:28} {size:>8,} {a * 1000:7.0f}ms {a / t:5.2f} {b * 1000:7.0f}ms {b / t:5.2f} {a / b:11.2f}x")
    return 0


def write_jrnl(home: Path, entries, version: str) -> Path:
    """A jrnl plain-text journal holding ``entries`` (oldest first) and its config file."""
    journal = home / "journal.txt"
    home.mkdir(parents=True)
    with journal.open("w", encoding="utf-8") as out:
        for entry in sorted(entries, key=lambda e: e.created):
            stamp = entry.created.astimezone().replace(tzinfo=None).strftime("%Y-%m-%d %I:%M:%S %p")
            out.write(f"[{stamp}] {entry.text}\n\n")
    config = home / "jrnl.yaml"
    config.write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\n"
        f"indent_character: '|'\njournals:\n  default:\n    journal: {journal}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%F %r'\n"
        f"version: {version}\n",
        encoding="utf-8",
    )
    return config


if __name__ == "__main__":
    sys.exit(main())
