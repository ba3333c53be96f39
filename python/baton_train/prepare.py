"""Preparation of control and stroke data as Baton does it (ControlData, StrokeData,
ContinuousTrainingPlan; docs/decisions.md "Data"): split takes at long pauses, clip
stroke outliers, split by sequence for validation, normalise with statistics of the
training part, and record what the model file needs (value range, typical length).
"""
import json

import numpy as np

from .data import SequenceSet
from .errors import DataError
from .modelfile import Normalisation, float32_json


def prepare_control(events: SequenceSet, path: str, split_pause: float) -> SequenceSet:
    """A dt longer than `split_pause` seconds ends a take: the sequence is split there and
    the event after the pause opens the next piece with its dt capped at `split_pause`."""
    dt = events.values[:, 0]
    negative = np.flatnonzero(dt < 0)
    if negative.size:
        e = int(negative[0])
        raise DataError(f"{path}: row {e}, column 0 holds dt = {dt[e]} (negative: events out of order)",
                        "remove or repair that row (NaN and infinity cannot be learned from)")
    pause = np.float32(split_pause)
    pieces = []
    for s in range(events.sequence_count):
        seq = events.sequence(s).copy()
        cuts = np.flatnonzero(seq[:, 0] > pause)
        seq[cuts, 0] = pause
        pieces += np.split(seq, cuts)
    return SequenceSet.from_sequences(pieces, events.dims).dropping_short_sequences()


def offset_scale(events: SequenceSet) -> float:
    """One scale for dx and dy together, their joint RMS (sketch-rnn)."""
    xy = events.values[:, :2].astype(np.float64)
    n = 2 * events.event_count
    rms = float(np.sqrt((xy * xy).sum() / max(n, 1)))
    return float(np.float32(rms)) if rms > 0 else 1.0


def prepare_strokes(events: SequenceSet, path: str, clip_deviations: float = 10) -> SequenceSet:
    """Checks stroke-3 layout and pen values, clips offsets beyond 10 scales (tablet jumps)."""
    if events.dims != 3:
        raise DataError(f"{path} has {events.dims} values per event, the model expects 3",
                        "train a model on data of this shape, or pick the model trained on it")
    pen = events.values[:, 2]
    bad = np.flatnonzero((pen != 0) & (pen != 1))
    if bad.size:
        e = int(bad[0])
        raise DataError(f"{path}: row {e}, column 2 holds pen = {pen[e]} (must be 0 or 1)",
                        "remove or repair that row (NaN and infinity cannot be learned from)")
    limit = np.float32(clip_deviations) * np.float32(offset_scale(events))
    values = events.values.copy()
    values[:, :2] = np.clip(values[:, :2], -limit, limit)
    return SequenceSet(values, events.offsets).dropping_short_sequences()


def control_normalisation(events: SequenceSet) -> Normalisation:
    """Standardisation per dimension (mean, population std; 1 where a dimension never moves)."""
    v = events.values.astype(np.float64)
    n = max(events.event_count, 1)
    mean = v.sum(0) / n
    variance = (v * v).sum(0) / n - mean * mean
    scale = np.where(variance > 1e-12, np.sqrt(np.maximum(variance, 0)), 1.0)
    return Normalisation([float(np.float32(x)) for x in mean], [float(np.float32(x)) for x in scale])


def stroke_normalisation(events: SequenceSet) -> Normalisation:
    s = offset_scale(events)
    return Normalisation([0.0, 0.0, 0.0], [s, s, 1.0])


def value_range_json(events: SequenceSet) -> str:
    return '{"min":' + float32_json(events.values.min(0)) + ',"max":' + float32_json(events.values.max(0)) + "}"


class ContinuousPlan:
    """Cleaned, split data plus what a fresh model needs, for `control` and `strokes`.

    `own_validation` is the file's `valid_` part when it has one; otherwise the trailing
    sequences holding `fraction` of the events are held out."""

    def __init__(self, kind: str, data: SequenceSet, own_validation, path: str, fraction: float, split_pause: float):
        def prepare(events):
            return prepare_control(events, path, split_pause) if kind == "control" else prepare_strokes(events, path)

        everything = prepare(data)
        if own_validation is not None:
            self.train, self.validation = everything, prepare(own_validation)
        else:
            self.train, self.validation = everything.split(fraction)
        if self.train.sequence_count == 0 or self.validation.sequence_count == 0:
            raise DataError(f"{path} is too short: the data (events with a successor after preparation, in enough sequences to hold some out for validation) has {everything.predicted_events}, needs at least 4",
                            "use more data, or a shorter --window / smaller --batch")
        self.kind = kind
        self.split_pause = split_pause

    def normalisation(self) -> Normalisation:
        return control_normalisation(self.train) if self.kind == "control" else stroke_normalisation(self.train)

    def fresh_metadata(self) -> dict:
        """Keys a new model records about its data (Baton's ContinuousTrainingPlan)."""
        if self.kind == "control":
            return {"split_pause": format_float(self.split_pause), "value_range": value_range_json(self.train)}
        lengths = np.sort(self.train.lengths())
        return {"typical_length": str(int(lengths[len(lengths) // 2]))}


def format_float(value: float) -> str:
    """Swift's `String(Float)`: shortest round-trip, always with a decimal point."""
    text = str(np.float32(value))
    return text if any(c in text for c in ".en") else text + ".0"


def training_summary_json(summary: dict) -> str:
    return json.dumps(summary, sort_keys=True, separators=(",", ":"))
