"""Running the PyTorch side (python/baton_train) from the integration tests."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT

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
