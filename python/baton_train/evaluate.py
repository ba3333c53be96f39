"""Mean negative log-likelihood of a file under a model, defined exactly as `baton eval`
(BatonCore Evaluation, BatonCLI EvalCommand): from the zero state, the first symbol or
event of every sequence only input. Control and stroke models score the density of the
data in its own units (the normalisation's Jacobian included); control data is split at
the model's `split_pause`; stroke files are flipped when the model was trained on y-up
data; an `.npz` with a `valid_` part is scored on that part.
"""
import math
from dataclasses import dataclass

import numpy as np
import torch

from .data import SequenceSet, load_continuous, read_text
from .errors import DataError
from .losses import nll
from .model import BatonLSTM
from .modelfile import Normalisation, load_model
from .prepare import prepare_control


@dataclass
class Result:
    nats_per_symbol: float
    symbols: int
    unit: str = "symbol"

    @property
    def bits_per_symbol(self) -> float:
        return self.nats_per_symbol / math.log(2)


def module_for(path: str, device="cpu", dtype=torch.float32):
    """The model file as a BatonLSTM (eval mode), its normalisation and metadata."""
    loaded = load_model(path)
    model = BatonLSTM(loaded.config)
    model.load_state_dict(loaded.state)
    return model.to(device=device, dtype=dtype).eval(), loaded


@torch.no_grad()
def evaluate_text(model: BatonLSTM, data: bytes, chunk: int = 65536, device="cpu") -> Result:
    """−(1/(N−1)) Σ log p(x_{t+1} | x_≤t) in one stream, the state carried across chunks."""
    symbols = torch.from_numpy(np.frombuffer(data, dtype=np.uint8).astype(np.int64)).to(device)
    total, state = 0.0, None
    for start in range(0, len(data) - 1, chunk):
        stop = min(start + chunk, len(data) - 1)
        out, state = model(symbols[start:stop].unsqueeze(0), state)
        total += float(nll(model.config, out.double(), symbols[start + 1:stop + 1]).sum())
    return Result(total / (len(data) - 1), len(data) - 1)


@torch.no_grad()
def evaluate_sequences(model: BatonLSTM, events: SequenceSet, normalisation: Normalisation, batch: int = 256, device="cpu") -> Result:
    """Every sequence from the zero state, as many at once as `batch` (padded, masked)."""
    config = model.config
    offset = np.asarray(normalisation.offset, np.float32)
    scale = np.asarray(normalisation.scale, np.float32)
    continuous = 2 if config.kind == "strokes" else config.input_size
    log_jacobian = float(sum(math.log(abs(float(scale[j]))) for j in range(continuous)))
    lengths = events.lengths()
    order = [s for s in np.argsort(-lengths, kind="stable") if lengths[s] >= 2]
    dtype = next(model.parameters()).dtype
    total, count = 0.0, 0
    for i in range(0, len(order), batch):
        group = order[i:i + batch]
        longest = int(lengths[group[0]])
        x = np.zeros((len(group), longest, config.input_size), np.float32)
        mask = np.zeros((len(group), longest - 1), bool)
        for row, s in enumerate(group):
            seq = (events.sequence(s) - offset) / scale
            x[row, :len(seq)] = seq
            mask[row, :len(seq) - 1] = True
        x_t = torch.from_numpy(x).to(device=device, dtype=dtype)
        out, _ = model(x_t[:, :-1])
        per = nll(config, out.double(), x_t[:, 1:].double()).reshape(len(group), longest - 1)
        m = torch.from_numpy(mask).to(device)
        total += float(per[m].sum())
        count += int(mask.sum())
    return Result(total / max(count, 1) + log_jacobian, count, "event")


def evaluate_file(model_path: str, data_path: str, split_pause=None, device="cpu") -> Result:
    """What `baton eval MODEL FILE` prints, computed by PyTorch."""
    model, loaded = module_for(model_path, device)
    if loaded.config.kind == "text":
        data = read_text(data_path)
        if len(data) < 2:
            raise DataError(f"{data_path} has {len(data)} byte(s); scoring needs at least 2", "the first byte is only input, so give a longer file")
        return evaluate_text(model, data, device=device)
    given = load_continuous(data_path)
    events = given.validation if given.validation is not None else given.train
    if loaded.config.kind == "strokes" and loaded.metadata.get("data_y_axis") == "up" and events.dims >= 2:
        events = events.negating(1)
    if loaded.config.kind == "control":
        pause = split_pause if split_pause is not None else (float(loaded.metadata["split_pause"]) if "split_pause" in loaded.metadata else None)
        if pause is not None:
            events = prepare_control(events, data_path, pause)
    if events.dims != loaded.config.input_size:
        raise DataError(f"{data_path} has {events.dims} values per event, the model expects {loaded.config.input_size}",
                        "train a model on data of this shape, or pick the model trained on it")
    if events.predicted_events == 0:
        raise DataError(f"{data_path} is too short: every sequence (events) has {events.event_count}, needs at least 2",
                        "use more data, or a shorter --window / smaller --batch")
    normalisation = loaded.normalisation or Normalisation.identity(loaded.config.input_size)
    return evaluate_sequences(model, events, normalisation, device=device)
