"""Running the PyTorch side (python/baton_train) from the integration tests."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT, SHARED

PACKAGE = ROOT / "python"
torch = pytest.importorskip("torch", reason="PyTorch is installed by scripts/setup-system.sh test (make test)")
sys.path.insert(0, str(PACKAGE))


def environment(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PACKAGE) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def baton_train(*args, timeout=600, check=True, launcher=None, cwd=None):
    """`python -m baton_train ARGS` (or under `launcher`, e.g. torchrun), text mode."""
    command = [*(launcher or [sys.executable]), "-m", "baton_train", *map(str, args)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                            env=environment(), cwd=cwd)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


def torchrun(processes):
    """torchrun on this machine's CPU: OS-assigned rendezvous port, gloo."""
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={processes}"]


def small_data(folder, corpus, control, strokes):
    """Small real data of each kind, to train on for a few steps and to score with both
    `baton eval` and `python -m baton_train eval` (PyTorch scores a text as one stream,
    step by step, and validation passes are shorter): 4 KB of text, the first three IMPSY
    sessions, 200 + 40 kanji with their own `train_`/`valid_` split."""
    import numpy as np
    text = folder / "sample.txt"
    text.write_bytes(corpus.read_bytes()[:4000])
    source = np.load(control)
    lengths = source["lengths"][:3]
    control_sample = folder / "control-sample.npz"
    np.savez(control_sample, data=source["data"][:int(lengths.sum())], lengths=lengths)
    kanji = np.load(strokes)
    arrays = {}
    for part, count in (("train", 200), ("valid", 40)):
        lengths = kanji[f"{part}_lengths"][:count]
        arrays[f"{part}_data"] = kanji[f"{part}_data"][:int(lengths.sum())]
        arrays[f"{part}_lengths"] = lengths
    strokes_sample = folder / "kanji-sample.npz"
    np.savez(strokes_sample, **arrays)
    return {"text": text, "control": control_sample, "strokes": strokes_sample}


@pytest.fixture(scope="session")
def samples(tmp_path_factory, corpus):
    """`small_data` of the shared datasets (import this fixture into a test module to use it)."""
    datasets = SHARED / "datasets"
    return small_data(tmp_path_factory.mktemp("samples"), corpus, datasets / "control" / "impsy-4d.npz",
                      datasets / "strokes" / "kanji.npz")
