"""Crash safety, proven by killing: each batch operation runs as the CLI in a child process,
which is killed with SIGKILL at a random moment; the book is then reopened and checked.

Deselected by default (marker `crash`); `.ci/run` runs it after the suite:

    .venv/bin/python -m pytest -p no:cacheprovider -m crash tests/crash -s

Per operation (a rent run, a JSON import, a batch of payments, a utility split): a reference
run records the row count of every table after each step (one step = one command); then each
trial copies the starting book, forks a child that runs the commands (`coliv_desktop.cli.main`,
the `coliv` entry point, loaded once in this process so a trial costs milliseconds, not an
interpreter start), kills it after a random delay over the measured run time, and checks:
`PRAGMA integrity_check` and `foreign_key_check` clean; the table counts equal those after
some whole number of steps (a batch is entirely present or entirely absent); `coliv db check`
passes; and the operation run again (the rent run) or resumed (the steps not done) completes
with the rows of one whole run. COLIV_CRASH_TRIALS (default 50) sets the trials
per operation, COLIV_CRASH_SEED the first seed (each trial's seed is printed, and a failure
names it: rerun with that seed and COLIV_CRASH_TRIALS=1).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from coliv_desktop import config
from coliv_desktop.cli import main

pytestmark = [
    pytest.mark.crash,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the harness forks (POSIX)"),
]

TRIALS = int(os.environ.get("COLIV_CRASH_TRIALS", "50"))
FIRST_SEED = int(os.environ.get("COLIV_CRASH_SEED", str(int(time.time()) % 100_000)))
PAYMENTS = 12  # the batch of payments: one `coliv payment add` per payment, in one child

Counts = dict[str, int]
Steps = list[list[str]]


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def cli(path: Path, *args: str) -> int:
    return main(["--db", url(path), *args])


def counts(path: Path) -> Counts:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def without_audit(found: Counts) -> Counts:
    return {t: n for t, n in found.items() if t != "audit_log"}


def sound(path: Path) -> list[str]:
    """What SQLite itself finds wrong with the file: integrity and foreign keys."""
    conn = sqlite3.connect(path)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [f"foreign key: {tuple(r)}" for r in conn.execute("PRAGMA foreign_key_check")]
    finally:
        conn.close()
    return problems


@dataclass
class Operation:
    name: str
    start: Path  # the book before the operation (closed cleanly: no -wal beside it)
    steps: Steps  # the commands, each one batch that must commit whole or not at all
    # Run again after a whole run, it adds nothing but its audit entry (the rent run); else a
    # rerun after a kill runs the steps the kill left undone (an import wants an empty book).
    idempotent: bool


def run_steps(path: Path, steps: Steps) -> int:
    for step in steps:
        code = cli(path, *step)
        if code:
            return code
    return 0


def child(path: Path, steps: Steps) -> int:
    """Fork a child that runs `steps` on `path` (its output discarded); its pid."""
    pid = os.fork()
    if pid == 0:  # the child: the CLI, then out without pytest's clean-up
        code = 70
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            code = run_steps(path, steps)
        finally:
            os._exit(code)
    return pid


def wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def reference(op: Operation, work: Path) -> tuple[list[Counts], float]:
    """The counts after each step of an uninterrupted run, and the run's time in a child."""
    target = work / f"{op.name}-reference.db"
    shutil.copy(op.start, target)
    after = [counts(target)]
    for step in op.steps:
        assert cli(target, *step) == 0, f"{op.name}: `coliv {' '.join(step)}` failed"
        after.append(counts(target))
    timed = work / f"{op.name}-timed.db"
    shutil.copy(op.start, timed)
    began = time.monotonic()
    assert wait(child(timed, op.steps)) == 0
    return after, time.monotonic() - began


def trial(op: Operation, work: Path, seed: int, after: list[Counts], duration: float,
          capsys: pytest.CaptureFixture[str]) -> str:
    """One kill; what was found (`killed at 0.31 s: 1 of 1 steps`), or an AssertionError."""
    rng = random.Random(seed)
    target = work / f"{op.name}-trial.db"
    for leftover in work.glob(f"{op.name}-trial.db*"):
        leftover.unlink()
    shutil.copy(op.start, target)
    delay = rng.uniform(0, duration * 1.5)  # a run in a trial may take longer
    pid = child(target, op.steps)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    code = wait(pid)
    where = f"{op.name} seed {seed}"
    problems = sound(target)
    assert not problems, f"{where}: the file is damaged: {problems}"
    now = counts(target)
    assert now in after, f"{where}: a batch was left half written: " + ", ".join(
        f"{t} {now[t]} (whole: {[a[t] for a in after]})" for t in now
        if all(a.get(t) != now[t] for a in after))
    done = after.index(now)
    assert cli(target, "db", "check") == 0, f"{where}: `coliv db check` failed after the kill"
    # The rerun: the whole operation again when it is idempotent, else the steps not done.
    rerun = op.steps if op.idempotent else op.steps[done:]
    assert run_steps(target, rerun) == 0, f"{where}: the rerun failed: " + \
        capsys.readouterr().err
    assert not sound(target), f"{where}: the rerun damaged the file"
    # The same rows as one whole run (an idempotent rerun's own audit entry aside).
    assert without_audit(counts(target)) == without_audit(after[-1]), \
        f"{where}: the rerun did not finish the operation"
    capsys.readouterr()
    killed = "finished before the kill" if code == 0 else f"killed (exit {code})"
    return f"{killed} at {delay:.3f} s: {done} of {len(op.steps)} steps"


# --- the operations --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crash")


@pytest.fixture(scope="module")
def demo_book(work: Path) -> Iterator[Path]:
    """The demo portfolio, made once; each operation starts from a copy. (Made before the
    first test's own data folder is set: its log goes to one of the harness's.)"""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(config.DATA_DIR_ENV, str(work / "data"))
        path = work / "demo.db"
        assert cli(path, "demo") == 0
        yield path


def _ids(path: Path, sql: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [str(r[0]) for r in conn.execute(sql)]


def rent_run(book: Path, work: Path) -> Operation:
    through = (date.today() + timedelta(days=730)).isoformat()
    return Operation("rent-run", book, [["rent", "run", "--through", through]], idempotent=True)


def json_import(book: Path, work: Path) -> Operation:
    export, empty = work / "demo.json", work / "empty.db"
    assert cli(book, "export", str(export)) == 0
    assert cli(empty, "init") == 0
    return Operation("import", empty, [["import", str(export)]], idempotent=False)


def payments(book: Path, work: Path) -> Operation:
    leases = _ids(book, "SELECT id FROM leases WHERE status = 'active' ORDER BY id")
    steps = [["payment", "add", "--lease", leases[i % len(leases)], "--amount",
              f"{75 + i * 10}.25", "--method", "bank_transfer", "--reference", f"batch-{i}"]
             for i in range(PAYMENTS)]
    return Operation("payments", book, steps, idempotent=False)


def utility_split(book: Path, work: Path) -> Operation:
    # The property with the most occupied rooms: the most shares to write in one bill.
    prop = _ids(book, "SELECT u.property_id FROM rooms r JOIN units u ON u.id = r.unit_id "
                      "JOIN leases l ON l.room_id = r.id AND l.status = 'active' "
                      "GROUP BY u.property_id ORDER BY count(*) DESC LIMIT 1")[0]
    first = date.today().replace(day=1)
    last = first + timedelta(days=27)
    step = ["utility", "add", "--property", prop, "--provider", "City Power", "--from",
            first.isoformat(), "--to", last.isoformat(), "--amount", "412.37", "--due",
            (last + timedelta(days=20)).isoformat(), "--rule", "per_person"]
    return Operation("utility-split", book, [step], idempotent=False)


@pytest.mark.parametrize("make", [rent_run, json_import, payments, utility_split],
                         ids=["rent-run", "import", "payments", "utility-split"])
def test_killed_at_random_the_book_stays_whole(
        make: Callable[[Path, Path], Operation], demo_book: Path, work: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    op = make(demo_book, work)
    after, duration = reference(op, work)
    assert after[0] != after[-1], f"{op.name}: the reference run wrote nothing"
    capsys.readouterr()
    began = time.monotonic()
    outcomes: dict[int, int] = {}
    with capsys.disabled():
        print(f"\n{op.name}: {len(op.steps)} steps, {duration:.2f} s uninterrupted; "
              f"seeds {FIRST_SEED}..{FIRST_SEED + TRIALS - 1}", file=sys.stderr)
    for seed in range(FIRST_SEED, FIRST_SEED + TRIALS):
        found = trial(op, work, seed, after, duration, capsys)
        done = int(found.rsplit(": ", 1)[1].split()[0])
        outcomes[done] = outcomes.get(done, 0) + 1
        with capsys.disabled():
            print(f"  seed {seed}: {found}", file=sys.stderr)
    with capsys.disabled():
        print(f"{op.name}: {TRIALS} trials in {time.monotonic() - began:.1f} s; steps done "
              f"-> trials: {dict(sorted(outcomes.items()))}", file=sys.stderr)
