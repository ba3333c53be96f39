"""Parity fixtures: the same weights and batch, the loss and gradients PyTorch computes.

Each fixture is one small safetensors file per case: a Baton model (its tensors and
architecture metadata), a training batch stored time-major as Baton's TrainingBatch holds
it (`batch.inputs`, `batch.targets` `[T, B]` or `[T, B, D]`, `batch.weights` `[T, B]`),
and PyTorch's mean loss (metadata `loss`) with its gradient for every parameter
(`grad.<name>`). Baton's test (Tests/BatonTrainingTests/TorchParityTests.swift) runs its
own TrainingNetwork on the same weights and batch and compares; an integration test
regenerates the files with the installed torch and checks they equal the committed ones.

Weights and batches come from SplitMix64, not torch's or numpy's generators, so they are
the same bits on every machine and version. The loss and gradients are computed in
float64 (and stored as float32), so they are the exact values both float32
implementations are measured against.

    python -m baton_train.parity --out Tests/Fixtures/torch
"""
import argparse
import os

import numpy as np
import torch
from safetensors.torch import save as safetensors_bytes

from .config import ModelConfig
from .losses import nll
from .model import BatonLSTM
from .modelfile import file_metadata, write_atomically


class SplitMix64:
    """Steele, Lea & Flood 2014: a 64-bit generator with a fixed, documented output."""

    def __init__(self, seed: int):
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def uniform(self, count: int, low: float, high: float) -> np.ndarray:
        """float32 values (24-bit uniforms, exactly representable) in [low, high)."""
        u = np.array([(self.next() >> 40) / 16777216 for _ in range(count)], dtype=np.float64)
        return (low + (high - low) * u).astype(np.float32)

    def integers(self, count: int, high: int) -> np.ndarray:
        return np.array([self.next() % high for _ in range(count)], dtype=np.int64)


# name: (config, steps T, rows B, seed, padded positions (t, b))
CASES = {
    "text-onehot": (ModelConfig("text", 256, layers=2, units=6), 5, 3, 11, []),
    "text-embedding": (ModelConfig("text", 256, layers=1, units=5, embedding=4), 6, 2, 12, []),
    "control-elu": (ModelConfig("control", 3, layers=2, units=6, mixtures=2, sigma="elu"), 5, 3, 13, [(3, 2), (4, 2), (4, 0)]),
    "control-exp": (ModelConfig("control", 2, layers=1, units=5, mixtures=3, sigma="exp"), 4, 2, 14, [(3, 1)]),
    "strokes": (ModelConfig("strokes", 3, layers=2, units=6, mixtures=3, sigma="exp"), 5, 3, 15, [(4, 1), (3, 1)]),
}


def make_case(name: str):
    """(tensors to store, metadata) for one case."""
    config, steps, rows, seed, padded = CASES[name]
    rng = SplitMix64(seed)
    weights = {n: torch.from_numpy(rng.uniform(int(np.prod(shape)), -0.5, 0.5).reshape(shape)) for n, shape in config.parameter_names()}
    if config.kind == "text":
        inputs = rng.integers(steps * rows, 256).reshape(steps, rows)
        targets = rng.integers(steps * rows, 256).reshape(steps, rows)
        mask = None
    else:
        d = config.input_size
        inputs = rng.uniform(steps * rows * d, -2, 2).reshape(steps, rows, d)
        targets = rng.uniform(steps * rows * d, -2, 2).reshape(steps, rows, d)
        if config.kind == "strokes":
            inputs[..., 2] = (inputs[..., 2] > 0).astype(np.float32)
            targets[..., 2] = (targets[..., 2] > 0).astype(np.float32)
        mask = np.ones((steps, rows), np.float32)
        for t, b in padded:
            mask[t, b] = 0
    loss, grads = loss_and_gradients(config, weights, inputs, targets, mask, torch.float64)
    tensors = {n: w for n, w in weights.items()}
    tensors["batch.inputs"] = torch.from_numpy(inputs.astype(np.float32))
    tensors["batch.targets"] = torch.from_numpy(targets.astype(np.float32))
    if mask is not None:
        tensors["batch.weights"] = torch.from_numpy(mask)
    for n, g in grads.items():
        tensors["grad." + n] = g.to(torch.float32)
    metadata = file_metadata(config, {"name": f"parity {name}", "steps": str(steps), "rows": str(rows), "loss": repr(loss),
                                      "generator": "python -m baton_train.parity (float64 PyTorch)"}, None)
    return tensors, metadata


def loss_and_gradients(config, weights, inputs, targets, mask, dtype):
    """Mean −log p over counted positions and its gradient, from the zero state, dropout 0
    (Baton's TrainingNetwork.forward + backward with scale 1/counted). Batch time-major."""
    model = BatonLSTM(config).to(dtype)
    model.load_state_dict({n: w.to(dtype) for n, w in weights.items()})
    model.train()
    if config.kind == "text":
        x = torch.from_numpy(inputs).transpose(0, 1)
        y = torch.from_numpy(targets).transpose(0, 1)
    else:
        x = torch.from_numpy(inputs).transpose(0, 1).to(dtype)
        y = torch.from_numpy(targets).transpose(0, 1).to(dtype)
    out, _ = model(x)
    per = nll(config, out, y)
    if mask is None:
        loss = per.mean()
    else:
        w = torch.from_numpy(mask).transpose(0, 1).reshape(-1).to(per.dtype)
        loss = (per * w).sum() / w.sum()
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters()}
    return float(loss.detach()), grads


def write_all(folder: str):
    os.makedirs(folder, exist_ok=True)
    written = []
    for name in CASES:
        tensors, metadata = make_case(name)
        path = os.path.join(folder, f"parity-{name}.safetensors")
        write_atomically(safetensors_bytes({k: v.contiguous() for k, v in tensors.items()}, metadata=metadata), path)
        written.append(path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m baton_train.parity", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="folder for parity-<case>.safetensors")
    args = parser.parse_args(argv)
    for path in write_all(args.out):
        print("wrote", path)


if __name__ == "__main__":
    main()
