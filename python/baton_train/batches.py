"""Training windows as Baton draws them (TextBatches, SequenceWindows), with a shard
`rows_of(rank, world)` so that under DistributedDataParallel each rank trains on its own
rows of the same global batch: the ranks' shards together are exactly the batch a
single process would train on.

Batches are batch-first numpy arrays: inputs `[B, T]` (symbols) or `[B, T, D]`, targets
the same, weights `[B, T]` (1 counts, 0 is padding past a sequence's end).
"""
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .data import SequenceSet
from .errors import DataError


@dataclass
class Batch:
    inputs: np.ndarray
    targets: np.ndarray
    weights: Optional[np.ndarray] = None

    def rows(self, start: int, stop: int) -> "Batch":
        w = None if self.weights is None else self.weights[start:stop]
        return Batch(self.inputs[start:stop], self.targets[start:stop], w)

    @property
    def counted(self) -> float:
        return float(self.inputs.shape[0] * self.inputs.shape[1]) if self.weights is None else float(self.weights.sum())


def shard(rows: int, rank: int, world: int):
    """Rows [start, stop) of a `rows`-row batch that rank `rank` of `world` trains on."""
    return rows * rank // world, rows * (rank + 1) // world


class TextBatches:
    """The text cut into B contiguous streams, one per row; window w of every row continues
    where window w−1 stopped, so the LSTM state carries across windows (char-rnn)."""
    carries_state = True

    def __init__(self, data: bytes, steps: int, rows: int, path: str, what: str):
        if len(data) < steps + 1:
            raise DataError(f"{path} is too short: the {what} (bytes) has {len(data)}, needs at least {steps + 1}",
                            "use more data, or a shorter --window / smaller --batch")
        self.steps = steps
        self.rows = max(1, min(rows, len(data) // (steps + 1)))
        stream = len(data) // self.rows
        self.streams = np.frombuffer(data, dtype=np.uint8)[:stream * self.rows].reshape(self.rows, stream)
        self.batches_per_epoch = (stream - 1) // steps

    def batch(self, index: int, rng=None) -> Batch:
        t0 = index * self.steps
        window = self.streams[:, t0:t0 + self.steps + 1].astype(np.int64)
        return Batch(window[:, :-1], window[:, 1:])

    @property
    def symbols_per_batch(self) -> int:
        return self.steps * self.rows


class SequenceWindows:
    """Windows of T+1 consecutive events over sequences already in model units.

    Training (`random`): each row starts at an event drawn uniformly over all predictable
    events and runs from the zero state. Validation: every sequence cut into consecutive
    windows from its start, so every predicted event is scored once."""
    carries_state = False

    def __init__(self, events: SequenceSet, steps: int, rows: int, random: bool):
        self.events, self.steps, self.random = events, steps, random
        lengths = events.lengths()
        self.cumulative = np.concatenate([[0], np.cumsum(np.maximum(lengths - 1, 0))]).astype(np.int64)
        total = int(self.cumulative[-1])
        if random:
            self.rows = rows
            self.batches_per_epoch = max(1, (total + rows * steps - 1) // (rows * steps))
        else:
            starts = [(s, start) for s in range(events.sequence_count) for start in range(0, max(int(lengths[s]) - 1, 0), steps)]
            self.windows = np.array(starts, dtype=np.int64).reshape(-1, 2)
            self.rows = max(1, min(rows, len(starts)))
            self.batches_per_epoch = (len(starts) + self.rows - 1) // self.rows

    def positions(self, index: int, rng: np.random.Generator):
        """(sequence, first event) of every row; -1 marks an empty row at the end of validation."""
        if self.random:
            drawn = rng.integers(0, int(self.cumulative[-1]), size=self.rows)
            s = np.searchsorted(self.cumulative, drawn, side="right") - 1
            return s, drawn - self.cumulative[s]
        w = index * self.rows + np.arange(self.rows)
        present = w < len(self.windows)
        s = np.where(present, self.windows[np.minimum(w, len(self.windows) - 1), 0], -1)
        return s, np.where(present, self.windows[np.minimum(w, len(self.windows) - 1), 1], 0)

    def batch(self, index: int, rng: np.random.Generator = None) -> Batch:
        s, start = self.positions(index, rng)
        d, t = self.events.dims, self.steps
        offsets = self.events.offsets
        first = np.where(s >= 0, offsets[np.maximum(s, 0)] + start, 0)
        end = np.where(s >= 0, offsets[np.maximum(s, 0) + 1], 0)
        rows = first[:, None] + np.arange(t)[None, :]
        valid = rows + 1 < end[:, None]
        safe = np.where(valid, rows, 0)
        values = self.events.values
        inputs = np.where(valid[..., None], values[safe], 0).astype(np.float32)
        targets = np.where(valid[..., None], values[np.where(valid, rows + 1, 0)], 0).astype(np.float32)
        return Batch(inputs.reshape(self.rows, t, d), targets.reshape(self.rows, t, d), valid.astype(np.float32))

    @property
    def symbols_per_batch(self) -> int:
        return self.steps * self.rows
