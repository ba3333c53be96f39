"""Training checkpoints in Baton's own format, so a run can move between Baton and
PyTorch in either direction with its optimiser state (docs/formats.md, "Training
checkpoint"): `NAME.state.safetensors` holds the model's tensors, the optimiser moments
`optimizer.first_moment` / `optimizer.second_moment` (flat, in the parameter layout),
metadata `optimizer` and `training_state` (JSON). `NAME.metrics.csv` is the curve.
"""
import json
import os
from dataclasses import asdict, dataclass, field
from typing import List, Optional

import numpy as np
import torch

from .config import ModelConfig
from .errors import BatonTrainError
from .modelfile import ModelFile, encode_model, load_model, write_atomically

OPTIMIZERS = ("adam", "rmsprop")


class ResumeError(BatonTrainError):
    pass


@dataclass
class Paths:
    """NAME.safetensors (best model), NAME.state.safetensors, NAME.metrics.csv."""
    model: str

    @property
    def base(self) -> str:
        return self.model[:-len(".safetensors")] if self.model.endswith(".safetensors") else self.model

    @property
    def state(self) -> str:
        return self.base + ".state.safetensors"

    @property
    def metrics(self) -> str:
        return self.base + ".metrics.csv"


@dataclass
class Position:
    """Baton's TrainingPosition: where a run stands (JSON keys are Swift's property names)."""
    epoch: int = 0
    batch: int = 0
    step: int = 0
    learningRate: float = 2e-3
    bestValidation: Optional[float] = None
    lastValidation: Optional[float] = None
    validationsWithoutImprovement: int = 0
    seconds: float = 0.0
    savedModel: bool = False

    def to_json(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @staticmethod
    def from_json(text: str) -> "Position":
        value = json.loads(text)
        known = {k: value[k] for k in Position.__dataclass_fields__ if k in value}
        return Position(**known)


@dataclass
class MetricsLog:
    rows: List[tuple] = field(default_factory=list)
    HEADER = "step,epoch,seconds,train_nll,validation_nll,learning_rate"

    def append(self, step, epoch, seconds, train=None, validation=None, rate=0.0):
        self.rows.append((step, epoch, seconds, train, validation, rate))

    def csv(self) -> str:
        def number(v):
            return "" if v is None else f"{v:.5f}"
        lines = [self.HEADER] + [f"{s},{e:.4f},{sec:.1f},{number(t)},{number(v)},{np.float32(r)}" for s, e, sec, t, v, r in self.rows]
        return "\n".join(lines) + "\n"

    @staticmethod
    def parse(text: str) -> "MetricsLog":
        log = MetricsLog()
        for line in text.splitlines()[1:]:
            f = line.split(",")
            try:
                log.rows.append((int(f[0]), float(f[1]), float(f[2]), float(f[3]) if f[3] else None,
                                 float(f[4]) if f[4] else None, float(f[5])))
            except (ValueError, IndexError):
                continue
        return log


def flat_moments(model, optimizer, kind: str):
    """The optimiser's moments as Baton's flat arrays (parameter layout order)."""
    first, second = [], []
    params = dict(model.named_parameters())
    for name, _ in model.config.parameter_names():
        p = params[name]
        state = optimizer.state.get(p, {})
        zeros = torch.zeros(p.numel())
        if kind == "adam":
            first.append(state["exp_avg"].detach().float().cpu().reshape(-1) if "exp_avg" in state else zeros)
            second.append(state["exp_avg_sq"].detach().float().cpu().reshape(-1) if "exp_avg_sq" in state else zeros)
        else:
            second.append(state["square_avg"].detach().float().cpu().reshape(-1) if "square_avg" in state else zeros)
    return (torch.cat(first) if first else None), torch.cat(second)


def restore_moments(model, optimizer, kind: str, first, second, step: int):
    """Puts Baton's flat moments into a torch Adam or RMSprop (step = the run's step, as Baton's bias correction uses)."""
    params = dict(model.named_parameters())
    offset = 0
    for name, _ in model.config.parameter_names():
        p = params[name]
        n = p.numel()
        state = optimizer.state[p]
        state["step"] = torch.tensor(float(step))
        if kind == "adam":
            state["exp_avg"] = first[offset:offset + n].reshape(p.shape).to(p.device, p.dtype).clone()
            state["exp_avg_sq"] = second[offset:offset + n].reshape(p.shape).to(p.device, p.dtype).clone()
        else:
            state["square_avg"] = second[offset:offset + n].reshape(p.shape).to(p.device, p.dtype).clone()
        offset += n


def save_checkpoint(paths: Paths, model, config: ModelConfig, metadata, normalisation, optimizer, kind: str,
                    position: Position, metrics: MetricsLog):
    first, second = flat_moments(model, optimizer, kind)
    extra = {"optimizer.second_moment": second}
    if first is not None:
        extra["optimizer.first_moment"] = first
    data = encode_model(config, model.state_dict(), metadata, normalisation, "f32", extra=extra,
                        extra_metadata={"optimizer": kind, "training_state": position.to_json()})
    write_atomically(data, paths.state)
    write_atomically(metrics.csv().encode(), paths.metrics)


@dataclass
class Checkpoint:
    model: ModelFile
    optimizer: str
    position: Position
    first: Optional[torch.Tensor]
    second: torch.Tensor
    metrics: MetricsLog


def load_checkpoint(paths: Paths) -> Optional[Checkpoint]:
    """The checkpoint beside `paths.model` (written by Baton or baton_train), or None."""
    if not os.path.exists(paths.state):
        return None
    model = load_model(paths.state)
    meta = model.metadata
    try:
        position = Position.from_json(meta.pop("training_state"))
        kind = meta.pop("optimizer")
    except (KeyError, ValueError, TypeError):
        raise ResumeError(f"cannot resume from {paths.state}: the optimiser state is missing or damaged",
                          "resume from the model file alone by moving the .state.safetensors file away") from None
    count = model.config.parameter_count
    second = model.extra.get("optimizer.second_moment")
    first = model.extra.get("optimizer.first_moment")
    if kind not in OPTIMIZERS or second is None or second.numel() != count or (kind == "adam" and (first is None or first.numel() != count)):
        raise ResumeError(f"cannot resume from {paths.state}: the optimiser state is missing or damaged",
                          "resume from the model file alone by moving the .state.safetensors file away")
    metrics = MetricsLog()
    if os.path.exists(paths.metrics):
        with open(paths.metrics, encoding="utf-8", errors="replace") as f:
            metrics = MetricsLog.parse(f.read())
    return Checkpoint(model, kind, position, None if first is None else first.float().reshape(-1),
                      second.float().reshape(-1), metrics)
