"""Issue 12: from the passphrase to the first screen, and to the whole journal, at 100,000 entries.

Run by hand from a checkout, with the interpreter that has reflect's dependencies::

    PYTHONPATH=. python benchmarks/app_unlock.py --sizes 10000 100000

For each size, a data folder with one protected journal (real key derivation,
``KdfParams.REAL``) is written in a temporary folder, and then measured:

- *in-process*: the use cases the app calls, in the order it calls them:
  ``open_for`` (the key derivation and the head part), ``adopt``, what the
  path and the journal screen ask first (``explored_so_far``, ``newest``):
  that is the first screen. Then every older part read and taken in, as the
  app's worker does: the whole journal.
- the same with the spaces read whole at once (as before issue 12, and as the
  command line still opens them), for comparison;
- *the app*: ``ReflectApp`` under Textual's Pilot (headless, 120x40): the
  passphrase typed, Unlock pressed, until the path's first frame is handed
  to the (headless) driver (``App._display``), then until the worker has
  taken the older part in.

Prints the median of ``--runs`` runs in ms and the ratio to T, the wall time
of ``python -c "import textual.app"``. Nothing here is a test; nothing asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "a benchmark passphrase"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip", nargs="*", default=[], help="older whole pilot")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import journals  # noqa: E402  (benchmarks/journals.py)

    from reflect.usecases.workspace import Workspace  # noqa: E402

    t_samples = [_sample_t() for _ in range(3)]
    rows: list[tuple[str, str, list[float]]] = []
    with tempfile.TemporaryDirectory(prefix="reflect-bench-app-") as tmp:
        for size in args.sizes:
            folder = Path(tmp) / f"app-{size}"
            plain = journals.space_json(journals.make_entries(size))
            journals.write_data_folder(folder, plain, passphrase=PASSPHRASE)
            del plain
            _fold_into_current_layout(folder)
            label = f"{size:,}"

            first, whole, before = [], [], []
            for _ in range(args.runs):
                with Workspace.open(folder, pack_dirs=None) as ws:
                    ws.open_head_first()
                    person = ws.household.profiles[0]
                    started = time.perf_counter()
                    ws.adopt(ws.open_for(person, PASSPHRASE))
                    ws.explored_so_far()
                    ws.journal.newest(300)
                    first.append(time.perf_counter() - started)
                    if "older" not in args.skip:
                        for older in ws.older_to_read():
                            ws.take_older(older, older.read())
                        ws.journal.newest(300)
                        whole.append(time.perf_counter() - started)
                        assert ws.complete and len(ws.journal.entries()) == size
                if "whole" not in args.skip:
                    with Workspace.open(folder, pack_dirs=None) as ws:
                        started = time.perf_counter()
                        ws.adopt(ws.open_for(ws.household.profiles[0], PASSPHRASE))
                        ws.explored()
                        ws.journal.entries()[:300]
                        before.append(time.perf_counter() - started)
                t_samples.append(_sample_t())
            rows.append(("in-process: unlock to the first screen", label, first))
            if whole:
                rows.append(("in-process: unlock to the whole journal", label, whole))
            if before:
                rows.append(("in-process: unlock reading it whole at once", label, before))

            if "pilot" not in args.skip:
                screen, loaded = [], []
                for _ in range(args.runs):
                    a, b = asyncio.run(_through_the_app(folder, size))
                    screen.append(a)
                    loaded.append(b)
                    t_samples.append(_sample_t())
                rows.append(("app (Pilot): Unlock pressed to the path", label, screen))
                rows.append(("app (Pilot): Unlock pressed to the whole journal", label, loaded))

    t = statistics.median(t_samples)
    print(f"T = {t * 1000:.0f} ms (median of {len(t_samples)}); real key derivation (KdfParams.REAL)")
    print(f"{'figure':52} {'journal':>8} {'median':>10} {'max':>10} {'x T':>6} n")
    for name, label, times in rows:
        med = statistics.median(times)
        print(f"{name:52} {label:>8} {med * 1000:8.0f}ms {max(times) * 1000:8.0f}ms {med / t:6.2f} {len(times)}")
    return 0


def _sample_t() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import textual.app"], check=True)
    return time.perf_counter() - started


def _fold_into_current_layout(folder: Path) -> None:
    """Write the journal once in the layout this reflect saves (a head part first)."""
    from reflect.usecases.workspace import Workspace

    with Workspace.open(folder, pack_dirs=None) as ws:
        ws.unlock(ws.household.profiles[0], PASSPHRASE)
        ws.journal._store.compact(even_if_empty=True)


async def _through_the_app(folder: Path, size: int) -> tuple[float, float]:
    from textual.widgets import Input

    from reflect.ui.app import ReflectApp
    from reflect.ui.screens.home import HomeScreen
    from reflect.ui.screens.unlock import UnlockScreen
    from reflect.usecases.workspace import Workspace

    with Workspace.open(folder, pack_dirs=None) as ws:
        app = ReflectApp(ws)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, UnlockScreen)
            app.screen.query_one("#passphrase", Input).value = PASSPHRASE
            # The moment the path's first frame is handed to the terminal driver.
            shown: list[float] = []
            display = app._display

            def displayed(screen, renderable) -> None:
                display(screen, renderable)
                if isinstance(screen, HomeScreen) and not shown:
                    shown.append(time.perf_counter())

            app._display = displayed
            started = time.perf_counter()
            # What Enter does (pilot.press would wait until every worker is done).
            app.screen.unlock()
            while not shown:
                await asyncio.sleep(0.001)
                if time.perf_counter() - started > 120:
                    raise RuntimeError("the path never came")
            first = shown[0] - started
            while not ws.complete:
                await asyncio.sleep(0.002)
                if time.perf_counter() - started > 120:
                    raise RuntimeError("the older reflections never came in")
            whole = time.perf_counter() - started
            await app.workers.wait_for_complete()
            assert len(ws.journal.entries()) == size
    return first, whole


if __name__ == "__main__":
    sys.exit(main())
