"""Distributed training on this machine's CPU: `torchrun --nproc_per_node=2` (gloo) trains
a tiny model of each kind; the result loads in Baton; and its loss after N steps matches a
single process trained on the same global batch.

Tolerance: each rank trains on its half of the same global batch and the loss is scaled
by the global count of positions, so the two runs compute the same updates; they differ
only in the order float32 sums are taken (the gradient all-reduce). Measured differences
are below 1e-6; the test allows 1e-4 relative on the loss after 8 steps and 1e-4 absolute
on every weight."""
import json

import pytest
from safetensors import safe_open

from conftest import run
from pytorch_support import baton_train, samples, torch, torchrun

SHAPE = {"text": ["--size", "s", "--units", "32", "--window", "32"],
         "control": ["--size", "xs", "--window", "20"],
         "strokes": ["--size", "xs", "--mixtures", "4", "--window", "30"]}


def weights(path):
    with safe_open(str(path), framework="pt") as f:
        return {k: f.get_tensor(k) for k in f.keys() if not k.startswith("optimizer.")}


@pytest.mark.parametrize("kind", ["text", "control", "strokes"])
def test_two_processes_train_what_one_process_trains(kind, samples, tmp_path):
    data = samples[kind]
    common = [kind, data, *SHAPE[kind], "--batch", "8", "--dropout", "0", "--max-steps", "8", "--validate-every", "4", "--seed", "9"]
    single, double = tmp_path / "one.safetensors", tmp_path / "two.safetensors"
    baton_train(*common, "--threads", "1", "--out", single, "--summary", tmp_path / "one.json")
    result = baton_train(*common, "--out", double, "--summary", tmp_path / "two.json", launcher=torchrun(2))
    assert "2 processes (gloo)" in result.stderr, result.stderr
    one, two = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("one", "two"))
    assert one["steps"] == two["steps"] == 8 and two["processes"] == 2
    assert abs(one["last_train_nll"] - two["last_train_nll"]) <= 1e-4 * abs(one["last_train_nll"]), (one, two)
    assert abs(one["best_validation_nll"] - two["best_validation_nll"]) <= 1e-4 * abs(one["best_validation_nll"])
    a, b = weights(tmp_path / "one.state.safetensors"), weights(tmp_path / "two.state.safetensors")
    assert sorted(a) == sorted(b) and not any(k.startswith(("module.", "_orig_mod.")) for k in b)
    worst = max(float((a[k] - b[k]).abs().max()) for k in a)
    assert worst <= 1e-4, worst
    baton = json.loads(run("eval", double, samples[kind], "--json", check=True).stdout)
    pytorch = json.loads(baton_train("eval", double, samples[kind], "--json").stdout)
    assert abs(baton["nats_per_symbol"] - pytorch["nats_per_symbol"]) <= 1e-4


def test_a_batch_too_small_to_share_is_a_one_line_error(corpus, tmp_path):
    result = baton_train("text", corpus, "--size", "s", "--units", "16", "--batch", "1", "--max-steps", "2", "--out",
                         tmp_path / "m.safetensors", launcher=torchrun(2), check=False)
    assert result.returncode != 0
    assert "error: a batch of 1 rows cannot be shared by 2 processes (hint: use --batch 2 or more)" in result.stderr
