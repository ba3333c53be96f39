"""kill -9 at any moment of training, dataset building or model saving: the files on disk are
the old complete ones or the new complete ones, never half of one; `--resume` continues from
the last checkpoint; a writer's leftover temporary file is removed by the next write."""
import io
import signal
import subprocess
import time

import numpy as np

from conftest import BATON, run
from files import safetensors_bytes, text_model


def start(*args):
    return subprocess.Popen([str(BATON), *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True)


def kill9(proc):
    """SIGKILL. The process may have finished between the caller's poll() and the signal:
    then it exited by itself, successfully, which is a valid outcome too."""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    error = proc.stderr.read()
    proc.stderr.close()
    assert proc.returncode in (-signal.SIGKILL, 0), f"exit {proc.returncode}: {error[-500:]}"


def kill_during(args, target, old, duration, kills, is_new):
    """Runs `baton ARGS` `kills` times over `old` bytes in `target`, killing it at moments
    spread over 1.2 × `duration` (the first before anything is written, the last ones
    after the run would have finished); returns what each kill left."""
    outcomes = []
    for i in range(kills):
        target.write_bytes(old)
        before = set(leftovers(target.parent))
        proc = start(*args)
        time.sleep(1.2 * duration * i / kills)
        if proc.poll() is None:
            kill9(proc)
        else:
            proc.stderr.close()
        now = target.read_bytes()
        assert now == old or is_new(now), f"half-written {target.name} after a kill at {i}/{kills} of the run"
        mid_write = bool(set(leftovers(target.parent)) - before)
        outcomes.append("new" if now != old else "old, killed while writing" if mid_write else "old")
    summary = ", ".join(f"{outcomes.count(o)} {o}" for o in dict.fromkeys(outcomes))
    print(f"{args[0]}: {kills} kills over {duration:.2f} s: {summary}; never a partial file")
    return outcomes


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def test_kill9_during_training_then_resume(tmp_path, corpus):
    out = tmp_path / "t.safetensors"
    state = tmp_path / "t.state.safetensors"
    args = ["train", "text", corpus, "--size", "s", "--units", "64", "--batch", "8", "--window", "32",
            "--validate-every", "20", "--epochs", "3", "--out", out]
    full = run(*args, "--seed", "2", check=True)
    total = int(full.stderr.split(" after ")[1].split(" steps")[0])
    for f in tmp_path.glob("t.*"):
        f.unlink()
    for round_ in range(3):
        proc = start(*args, "--seed", "2", *(["--resume", out] if state.exists() else []))
        deadline = time.monotonic() + 60
        # Let it write a checkpoint or two (and sometimes be caught writing one), then kill it.
        while time.monotonic() < deadline and (not state.exists() or time.time() - state.stat().st_mtime > 0.2):
            time.sleep(0.01)
        time.sleep(0.05 * round_)
        kill9(proc)
        # What a kill leaves is complete: both files load.
        assert run("info", out).returncode == 0
        assert run("info", state).returncode == 0
    resumed = run(*args, "--seed", "2", "--resume", out, check=True)
    step = int(resumed.stderr.split(" at step ")[1].split()[0])
    assert 0 < step < total, resumed.stderr
    print(f"train: 3 kills, each left a loadable model and checkpoint; resumed at step {step} of {total} and finished at {total}")
    assert f"after {total} steps" in resumed.stderr, resumed.stderr
    assert leftovers(tmp_path) == [], "the resumed run removes what killed writers left"
    metrics = (tmp_path / "t.metrics.csv").read_text().splitlines()[1:]
    steps = [int(row.split(",")[0]) for row in metrics]
    assert steps == sorted(steps) and steps[-1] == total


def test_kill9_during_dataset_building(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    rows = 60_000
    for session in range(12):
        t = np.arange(rows) * 0.01
        x = 0.5 + 0.4 * np.sin(t + session)
        lines = [f"2026-11-24T10:{int(s // 60) % 60:02d}:{s % 60:09.6f},interface,{v:.4f},{1 - v:.4f}" for s, v in zip(t, x)]
        (logs / f"session-{session:02d}.csv").write_text("\n".join(lines) + "\n")
    out = tmp_path / "sessions.npz"
    run("dataset", logs, "--out", out, check=True)
    expected = np.load(out)
    expected = (expected["data"], expected["lengths"])
    old = b"an older dataset: any bytes the user had"

    def is_complete_dataset(raw):
        # Zip entries carry their write time, so a second build differs in those bytes only.
        try:
            arrays = np.load(io.BytesIO(raw))
            return np.array_equal(arrays["data"], expected[0]) and np.array_equal(arrays["lengths"], expected[1])
        except Exception:
            return False

    started = time.monotonic()
    run("dataset", logs, "--out", tmp_path / "timing.npz", check=True)
    duration = time.monotonic() - started
    outcomes = kill_during(["dataset", logs, "--out", out], out, old, duration, 8, is_complete_dataset)
    assert outcomes[0] == "old", f"{outcomes}, dataset takes {duration:.2f} s"
    run("dataset", logs, "--out", out, check=True)
    assert is_complete_dataset(out.read_bytes()) and leftovers(tmp_path) == []


def test_kill9_during_model_saving(tmp_path):
    big = tmp_path / "big.safetensors"
    big.write_bytes(safetensors_bytes(text_model(2, 1024), {"kind": "text", "name": "big"}))
    target = tmp_path / "target.safetensors"
    run("convert", big, "--dtype", "f32", "--name", "new", "--out", target, check=True)
    new = target.read_bytes()
    old = safetensors_bytes(text_model(1, 8), {"kind": "text", "name": "old"})
    started = time.monotonic()
    run("convert", big, "--dtype", "f32", "--name", "new", "--out", tmp_path / "timing.safetensors", check=True)
    duration = time.monotonic() - started
    outcomes = kill_during(["convert", big, "--dtype", "f32", "--name", "new", "--out", target], target, old, duration, 10,
                           lambda now: now == new)
    assert run("info", target).returncode == 0
    assert outcomes[0] == "old", f"{outcomes}, save takes {duration:.2f} s"
    run("convert", big, "--dtype", "f32", "--name", "new", "--out", target, check=True)
    assert leftovers(tmp_path) == []
