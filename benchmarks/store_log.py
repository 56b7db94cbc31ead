"""Issue 12: what a save, a write, a list and an unlock cost as the journal grows.

Run by hand from a checkout, with the interpreter that has reflect's
dependencies; the checkout under test is whatever ``--repo`` points at (so the
same script measures the code before and after a change)::

    python -m compileall -q reflect            # bytecode, as an installed reflect has
    PYTHONPATH=. python benchmarks/store_log.py --sizes 1000 10000 100000
    (unset PYTHONDONTWRITEBYTECODE first if it is set: the subprocesses then run from bytecode)
    cd /work/main && PYTHONPATH=/work/main python /path/to/benchmarks/store_log.py --repo /work/main ...

(run from the checkout measured: ``python -m reflect`` puts the current
folder first on the import path, ahead of ``PYTHONPATH``).

Prints one row per figure: median (and p95 where there are enough samples)
and the ratio to T, the wall time of ``python -c "import textual.app"``
sampled between the other runs. Everything lives in a temporary folder that
is removed at the end. Nothing here is a test; nothing asserts a time.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SLOT = "bench"
PASSPHRASE = "a benchmark passphrase"
NEW_TEXT = "One more evening, written from the command line."


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip", nargs="*", default=[], help="save cli unlock search memory")
    args = parser.parse_args()
    repo = Path(args.repo).resolve()
    sys.path.insert(0, str(repo))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import journals  # noqa: E402  (benchmarks/journals.py, with the reflect under test)
    from reflect.domain.entries import EntryFilter, new_entry  # noqa: E402
    from reflect.storage.atomic import atomic_write_bytes, read_private_bytes  # noqa: E402
    from reflect.storage.sealed import KdfParams, SealedSpace  # noqa: E402
    from reflect.storage.space_store import SpaceStore  # noqa: E402

    env = {k: v for k, v in os.environ.items() if k not in ("REFLECT_HOME", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = str(repo)
    # Subprocesses run from bytecode, as an installed reflect does; it is kept
    # out of the checkout (filled by the untimed warm-up runs).
    env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="reflect-bench-pyc-")
    t_samples: list[float] = []
    rows: list[tuple[str, str, list[float]]] = []

    def run(argv: list[str], stdin: bytes = b"") -> float:
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - started
        if done.returncode:
            raise RuntimeError(done.stderr.decode(errors="replace")[-400:])
        return elapsed

    def sample_t() -> None:
        t_samples.append(run([sys.executable, "-c", "import textual.app"]))

    def time_kdf() -> float:
        import nacl.pwhash.argon2id

        started = time.perf_counter()
        nacl.pwhash.argon2id.kdf(
            32, b"a benchmark passphrase", b"0123456789abcdef",
            opslimit=KdfParams.REAL.opslimit, memlimit=KdfParams.REAL.memlimit,
        )
        return time.perf_counter() - started

    kdf_code = (
        "import nacl.pwhash.argon2id as a; a.kdf(32, b'a benchmark passphrase', b'0123456789abcdef', "
        f"opslimit={KdfParams.REAL.opslimit}, memlimit={KdfParams.REAL.memlimit})"
    )

    def time_kdf_fresh() -> float:
        """The KDF as a command pays it: in a fresh process, its memory never touched
        before (import and KDF, less the import alone)."""
        with_kdf = run([sys.executable, "-c", kdf_code])
        return with_kdf - run([sys.executable, "-c", "import nacl.pwhash.argon2id"])

    def reflect(folder: Path, *more: str) -> list[str]:
        return [sys.executable, "-m", "reflect", "--data-dir", str(folder), *more]

    for _ in range(3):
        sample_t()
    word = journals.vocabulary().words[400]
    rng = random.Random(12)
    with tempfile.TemporaryDirectory(prefix="reflect-bench-") as tmp:
        root = Path(tmp)
        for size in args.sizes:
            entries = journals.make_entries(size)
            plain = journals.space_json(entries)
            del entries
            label = f"{size:,}"

            if "save" not in args.skip:
                for kind in ("plain", "sealed"):
                    path = root / f"{kind}-{size}" / "journal.json"
                    path.parent.mkdir(parents=True)
                    codec = None
                    if kind == "sealed":
                        codec = SealedSpace.create(SLOT, PASSPHRASE, KdfParams.TEST)
                        atomic_write_bytes(path, codec.encode(plain))
                        store = SpaceStore.open(path, space=journals.JOURNAL, codec=codec, create=False)
                    else:
                        atomic_write_bytes(path, plain)
                        store = SpaceStore.open(path, space=journals.JOURNAL, create=False)
                    when = journals.FIRST_ENTRY
                    times = []
                    for n in range(args.saves + 1):
                        entry = new_entry(journals.make_text(rng, journals.vocabulary()), space=journals.JOURNAL, now=when)
                        started = time.perf_counter()
                        store.add(entry)
                        if n:  # the first save of a space from before change logs folds it once
                            times.append(time.perf_counter() - started)
                    store.close()
                    rows.append((f"in-app durable save, {kind}", label, times))
                    sample_t()

            if "cli" not in args.skip and size >= 10000:
                folder = root / f"cli-{size}"
                journals.write_data_folder(folder, plain)
                secret_folder = root / f"cli-sealed-{size}"
                journals.write_data_folder(secret_folder, plain, passphrase=PASSPHRASE)
                measures = {
                    "reflect write TEXT, plain": lambda f=folder: run(reflect(f, "write", NEW_TEXT)),
                    "reflect write TEXT, sealed (incl. KDF)": lambda f=secret_folder: run(
                        reflect(f, "write", NEW_TEXT), f"{PASSPHRASE}\n".encode()
                    ),
                    "reflect list -n 10": lambda f=folder: run(reflect(f, "list", "-n", "10")),
                    "reflect list -n 10, sealed (incl. KDF)": lambda f=secret_folder: run(
                        reflect(f, "list", "-n", "10"), f"{PASSPHRASE}\n".encode()
                    ),
                    "reflect list --contains WORD": lambda f=folder: run(reflect(f, "list", "--contains", word)),
                }
                for measure in measures.values():
                    measure()  # warm-up, untimed (fills the bytecode caches)
                samples: dict[str, list[float]] = {name: [] for name in measures}
                samples["Argon2id alone (KdfParams.REAL, in-process)"] = []
                samples["Argon2id alone, in a fresh process"] = []
                for _ in range(args.runs):
                    for name, measure in measures.items():
                        samples[name].append(measure())
                    samples["Argon2id alone (KdfParams.REAL, in-process)"].append(time_kdf())
                    samples["Argon2id alone, in a fresh process"].append(time_kdf_fresh())
                    sample_t()
                for name, times in samples.items():
                    rows.append((name, label, times))
                # The target's own terms: the sealed write less the KDF a command pays,
                # taken round by round (the two ran one after the other), so that the
                # machine's drift between rounds falls out of the difference.
                rows.append((
                    "  sealed write less the fresh KDF, by round",
                    label,
                    [w - k for w, k in zip(samples["reflect write TEXT, sealed (incl. KDF)"],
                                           samples["Argon2id alone, in a fresh process"])],
                ))
                if "memory" not in args.skip:
                    # The probe's own high-water mark (VmHWM). Not ru_maxrss: on Linux
                    # that carries over from the process that started it (this
                    # benchmark, holding the journal's JSON several times over), so
                    # it measured this script rather than reflect.
                    probe = (
                        "import sys;from reflect.usecases.workspace import Workspace;"
                        "w=Workspace.open(sys.argv[1], pack_dirs=());"
                        "p=sys.argv[2:] and w.household.profiles[0];"
                        "w.unlock(p, sys.argv[2]) if p else w.open_without_passphrase();"
                        "n=len(w.journal.entries());"
                        "hwm=[l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')];"
                        "print(n, hwm[0])"
                    )
                    for kind, where, more in (("plain", folder, []), ("sealed", secret_folder, [PASSPHRASE])):
                        out = subprocess.run(
                            [sys.executable, "-c", probe, str(where), *more], env=env, capture_output=True, text=True
                        )
                        if out.returncode == 0:
                            n, kib = out.stdout.split()
                            rows.append((f"peak RSS, journal open, {kind} ({n} entries)", label, [int(kib) / 1024]))

            if "unlock" not in args.skip and size >= 10000:
                real = SealedSpace.create(SLOT, PASSPHRASE, KdfParams.REAL)
                path = root / f"unlock-{size}" / "journal.json"
                path.parent.mkdir(parents=True)
                lazy = hasattr(SealedSpace, "unlock_head")
                if lazy:
                    # The snapshot as the store writes it now: its head part first (sealed format 4).
                    import orjson
                    from reflect.storage import records

                    tables = records.with_log_first(orjson.loads(plain), records.log_base_record(os.urandom(16), None, 0))
                    atomic_write_bytes(path, real.encode(records.snapshot_bytes(tables)))
                    del tables
                else:
                    atomic_write_bytes(path, real.encode(plain))
                times, background, whole = [], [], []
                for _ in range(3):
                    gc.collect()  # the last run's journal is freed before, not during, this one
                    started = time.perf_counter()
                    if lazy:
                        # What the first screen needs: the head part, the log, the newest 50 entries;
                        # the older part is then read by a worker (timed below, in this thread).
                        space, _head = SealedSpace.unlock_head(path, SLOT, PASSPHRASE, expect=real.identity)
                        store = SpaceStore.open(path, space=journals.JOURNAL, codec=space, create=False, lazy=True)
                        if store.newest(50) is None:
                            raise RuntimeError("the head part did not hold the newest 50 entries")
                        times.append(time.perf_counter() - started)
                        loading = time.perf_counter()
                        store.take_older(store.read_older())
                        done = time.perf_counter()
                        background.append(done - loading)
                        whole.append(done - started)
                        store.entries()
                    else:
                        space, _body = SealedSpace.unlock(read_private_bytes(path), SLOT, PASSPHRASE)
                        store = SpaceStore.open(path, space=journals.JOURNAL, codec=space, create=False)
                        store.entries()
                        times.append(time.perf_counter() - started)
                    store.close()
                    del store
                rows.append(("unlock (real KDF) to a usable journal", label, times))
                if lazy:
                    rows.append(("  then the older part loaded (worker)", label, background))
                    rows.append(("  unlock to the whole journal loaded", label, whole))

            if "search" not in args.skip:
                # The journal screen searches in a worker and shows the newest
                # FIRST_ROWS rows as soon as they are found; the rest of the list
                # and the count follow. "first rows" is what a person waits for
                # to see results; "every match" is the whole answer (the count).
                from itertools import islice

                from reflect.ui.screens.journal import FIRST_ROWS

                path = root / f"search-{size}" / "journal.json"
                path.parent.mkdir(parents=True)
                atomic_write_bytes(path, plain)
                with SpaceStore.open(path, space=journals.JOURNAL, create=False) as store:
                    vocab = journals.vocabulary().words
                    started = time.perf_counter()
                    store.search(EntryFilter(contains=vocab[10]))
                    rows.append(("search, first one (folds the journal)", label, [time.perf_counter() - started]))
                    first, every = [], []
                    for i in range(40):
                        flt = EntryFilter(contains=vocab[(i * 97) % len(vocab)][: 3 + i % 4])
                        started = time.perf_counter()
                        list(islice(store.search_snapshot().matching(flt), FIRST_ROWS))
                        first.append(time.perf_counter() - started)
                        started = time.perf_counter()
                        store.search(flt)
                        every.append(time.perf_counter() - started)
                rows.append((f"search, warm: the newest {FIRST_ROWS} rows (shown)", label, first))
                rows.append(("search, warm: every match (list, count)", label, every))
            del plain

    t = statistics.median(t_samples)
    print(f"T = {t * 1000:.0f} ms (median of {len(t_samples)}), repo {repo}")
    print(f"{'figure':48} {'journal':>8} {'median':>10} {'p95':>10} {'x T':>6} n")
    for name, label, times in rows:
        med = statistics.median(times)
        if name.startswith("peak RSS"):
            print(f"{name:48} {label:>8} {med:8.0f} MiB")
            continue
        p95 = sorted(times)[max(0, int(round(0.95 * len(times))) - 1)]
        print(f"{name:48} {label:>8} {med * 1000:8.1f}ms {p95 * 1000:8.1f}ms {med / t:6.2f} {len(times)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
