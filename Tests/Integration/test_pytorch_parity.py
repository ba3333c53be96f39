"""Round trip (a), the Python half: the committed parity fixtures are what the installed
PyTorch computes today, so the Swift test (TorchParityTests) compares Baton with live
PyTorch, not with a stale file; and PyTorch's float32 training path gives the same loss
and gradients as the float64 reference."""
import subprocess
import sys

import pytest
from safetensors import safe_open

from conftest import ROOT
from pytorch_support import environment, torch  # skips without torch

from baton_train.config import ModelConfig  # noqa: E402
from baton_train.parity import CASES, loss_and_gradients  # noqa: E402

FIXTURES = ROOT / "Tests" / "Fixtures" / "torch"


def read(path):
    with safe_open(str(path), framework="pt") as f:
        return dict(f.metadata()), {name: f.get_tensor(name) for name in f.keys()}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """`python -m baton_train.parity` with the installed torch, into a fresh folder."""
    folder = tmp_path_factory.mktemp("parity")
    subprocess.run([sys.executable, "-m", "baton_train.parity", "--out", str(folder)], check=True, env=environment(),
                   capture_output=True, timeout=300)
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_regenerated_fixture_equals_the_committed_one(regenerated, case):
    committed_meta, committed = read(FIXTURES / f"parity-{case}.safetensors")
    fresh_meta, fresh = read(regenerated / f"parity-{case}.safetensors")
    assert sorted(committed) == sorted(fresh)
    for key in committed_meta:
        if key != "loss":
            assert committed_meta[key] == fresh_meta[key], key
    assert abs(float(committed_meta["loss"]) - float(fresh_meta["loss"])) <= 1e-9
    for name, tensor in committed.items():
        if name.startswith("grad."):
            # float64 results stored as float32: equal up to the last bit of rounding
            assert torch.allclose(tensor, fresh[name], rtol=1e-6, atol=1e-9), name
        else:
            assert torch.equal(tensor, fresh[name]), f"{name}: weights and batches are bit-exact (SplitMix64)"


@pytest.mark.parametrize("case", sorted(CASES))
def test_float32_training_path_matches_the_float64_reference(case):
    meta, tensors = read(FIXTURES / f"parity-{case}.safetensors")
    config: ModelConfig = CASES[case][0]
    weights = {n: tensors[n] for n, _ in config.parameter_names()}
    inputs = tensors["batch.inputs"].numpy()
    targets = tensors["batch.targets"].numpy()
    if config.kind == "text":
        inputs, targets = inputs.astype("int64"), targets.astype("int64")
    mask = tensors["batch.weights"].numpy() if "batch.weights" in tensors else None
    loss, grads = loss_and_gradients(config, weights, inputs, targets, mask, torch.float32)
    assert abs(loss - float(meta["loss"])) <= 1e-5
    worst = max(float((grads[n].double() - tensors["grad." + n].double()).abs().max()) for n in weights)
    assert worst <= 1e-5, worst
