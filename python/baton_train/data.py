"""The data Baton trains on, read the way Baton reads it (BatonTraining/Data,
BatonCLI ContinuousDataInput): text files as bytes, `.npz` sequences (flat `data [N, D]`
+ `lengths [S]`, optional `train_`/`valid_` prefixes), a CSV with a header (one
sequence, dt first for control data), or a folder of IMPS session logs.
"""
import os
import re
import zipfile
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .errors import DataError


@dataclass
class SequenceSet:
    """Sequences of D-dimensional events, flat: `values` `[N, D]` float32, sequence s is
    rows `offsets[s] ..< offsets[s+1]`."""
    values: np.ndarray
    offsets: np.ndarray

    @property
    def dims(self) -> int:
        return self.values.shape[1]

    @property
    def sequence_count(self) -> int:
        return len(self.offsets) - 1

    @property
    def event_count(self) -> int:
        return self.values.shape[0]

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def sequence(self, s: int) -> np.ndarray:
        return self.values[self.offsets[s]:self.offsets[s + 1]]

    @property
    def predicted_events(self) -> int:
        return int(np.maximum(self.lengths() - 1, 0).sum())

    @staticmethod
    def from_sequences(pieces, dims: int) -> "SequenceSet":
        pieces = [p for p in pieces if len(p) > 0]
        values = np.concatenate(pieces).astype(np.float32, copy=False) if pieces else np.zeros((0, dims), np.float32)
        offsets = np.concatenate([[0], np.cumsum([len(p) for p in pieces], dtype=np.int64)]).astype(np.int64)
        return SequenceSet(values.reshape(-1, dims), offsets)

    def dropping_short_sequences(self) -> "SequenceSet":
        """Sequences with fewer than two events teach nothing (the first is only input)."""
        return SequenceSet.from_sequences([self.sequence(s) for s in range(self.sequence_count) if self.offsets[s + 1] - self.offsets[s] >= 2], self.dims)

    def negating(self, dimension: int) -> "SequenceSet":
        values = self.values.copy()
        values[:, dimension] = -values[:, dimension]
        return SequenceSet(values, self.offsets)

    def split(self, fraction: float):
        """Baton's SequenceSet.split: the trailing sequences holding at least `fraction` of
        the events (at least one) are held out; a single sequence has its tail held out."""
        n, dims = self.event_count, self.dims
        empty = SequenceSet(np.zeros((0, dims), np.float32), np.zeros(1, np.int64))
        if self.sequence_count == 1:
            cut = max(2, min(n - 2, round_half_up(n * (1 - fraction))))
            if cut < 2 or n - cut < 2:
                return self, empty
            return (SequenceSet.from_sequences([self.values[:cut]], dims), SequenceSet.from_sequences([self.values[cut:]], dims))
        wanted = int(np.ceil(n * fraction))
        cut = self.sequence_count
        while cut > 1 and n - self.offsets[cut] < wanted:
            cut -= 1
        train = SequenceSet.from_sequences([self.sequence(s) for s in range(cut)], dims)
        validation = SequenceSet.from_sequences([self.sequence(s) for s in range(cut, self.sequence_count)], dims)
        return train, validation

    def normalised(self, offset, scale) -> "SequenceSet":
        """(x − offset) / scale per dimension, in float32 as Baton computes it."""
        return SequenceSet((self.values - np.asarray(offset, np.float32)) / np.asarray(scale, np.float32), self.offsets)


def round_half_up(x: float) -> int:
    """Swift's `rounded()` (half away from zero) for the non-negative values used here."""
    return int(np.floor(x + 0.5))


@dataclass
class ContinuousInput:
    """Events for training or scoring, and the file's own validation part when it has one."""
    train: SequenceSet
    validation: Optional[SequenceSet]
    description: str


def read_text(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        raise DataError(f"cannot read {path}: {error.strerror or error}", "check the path and its permissions") from None
    if not data:
        raise DataError(f"{path} is empty", "give a file with some text or events in it")
    return data


def split_text(data: bytes, fraction: float):
    """Training head and held-out tail (the last `fraction` of the bytes)."""
    cut = len(data) - round_half_up(len(data) * fraction)
    return data[:cut], data[cut:]


def load_continuous(path: str) -> ContinuousInput:
    """An `.npz`, a `.csv` with a header, or a folder of IMPS session logs."""
    if not os.path.exists(path):
        raise DataError(f"cannot read {path}: no such file or folder", "check the path and its permissions")
    if os.path.isdir(path):
        events, files = read_session_logs(path)
        return ContinuousInput(events, None, f"{files} session logs")
    if path.lower().endswith(".csv"):
        columns, events = read_event_csv(path)
        return ContinuousInput(events, None, "CSV columns " + ", ".join(columns))
    arrays = read_npz(path)
    if "train_data" in arrays:
        validation = npz_part(arrays, path, "valid_") if "valid_data" in arrays else None
        return ContinuousInput(npz_part(arrays, path, "train_"), validation, "npz with train/valid splits")
    return ContinuousInput(npz_part(arrays, path, ""), None, "npz")


def read_npz(path: str):
    if not zipfile.is_zipfile(path):
        raise DataError(f"cannot read {path}: not an .npz archive (a zip of .npy arrays)",
                        "give an .npz (numpy.savez), a .csv with a header, or a folder of session logs")
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise DataError(f"{path}: not an .npz archive", "save arrays with numpy.savez")
        with archive:
            return {name: archive[name] for name in archive.files}
    except DataError:
        raise
    except ValueError as error:
        if "pickle" in str(error).lower() or "object" in str(error).lower():
            raise DataError(f"{path}: holds pickled Python objects",
                            "re-save without objects: np.savez(path, data=np.concatenate(seqs), lengths=np.array([len(s) for s in seqs]))") from None
        raise DataError(f"{path}: {error}", "save it again with numpy.savez") from None
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        raise DataError(f"cannot read {path}: {error}", "give an .npz (numpy.savez), a .csv with a header, or a folder of session logs") from None


def npz_part(arrays, path: str, prefix: str) -> SequenceSet:
    """The flat `data` `[N, D]` and `lengths` `[S]` arrays with `prefix`."""
    if prefix + "data" not in arrays:
        raise DataError(f"{path}: has no '{prefix}data' array (found {', '.join(sorted(arrays))})",
                        "store sequences as a flat data [N, D] array and lengths [S], as in ../shared/datasets/README.md")
    data = arrays[prefix + "data"]
    if data.dtype.kind not in "fiub":
        raise DataError(f"{path}: array '{prefix}data' has dtype {data.dtype}", "Baton reads floats, integers and booleans")
    if data.ndim != 2 or data.shape[1] == 0:
        raise DataError(f"{path}: '{prefix}data' has shape {list(data.shape)}, expected [N, D]", "reshape it to one row per event")
    lengths = arrays.get(prefix + "lengths")
    lengths = np.array([data.shape[0]]) if lengths is None else np.asarray(lengths).reshape(-1)
    if lengths.dtype.kind not in "iuf" or (lengths < 0).any() or int(lengths.sum()) != data.shape[0]:
        raise DataError(f"{path}: '{prefix}lengths' sum to {int(lengths.sum()) if lengths.dtype.kind in 'iuf' else '?'} but data has {data.shape[0]} rows",
                        "lengths[s] must be the number of rows of sequence s")
    values = np.asarray(data, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        i = int(bad[0])
        raise DataError(f"{path}: row {i // data.shape[1]}, column {i % data.shape[1]} holds {values.flat[i]}",
                        "remove or repair that row (NaN and infinity cannot be learned from)")
    offsets = np.concatenate([[0], np.cumsum(lengths.astype(np.int64))]).astype(np.int64)
    return SequenceSet(values.astype(np.float32), offsets)


def read_event_csv(path: str):
    """Header row naming the columns, then one event per row; the file is one sequence."""
    text = read_text(path).decode("utf-8", errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise DataError(f"{path} is empty", "give a file with some text or events in it")
    columns = [c.strip() for c in lines[0].split(",") if c != ""]
    if all(_is_number(c) for c in columns):
        raise DataError(f"{path}: the first row is numbers, not a header", "add a header row naming the columns, e.g. dt,x,y")
    rows = []
    for i, line in enumerate(lines[1:]):
        fields = [f.strip() for f in line.split(",")]
        if len(fields) != len(columns):
            raise DataError(f"{path}: row {i + 2}, column {min(len(fields), len(columns))} holds {len(fields)} fields, header has {len(columns)}",
                            "remove or repair that row (NaN and infinity cannot be learned from)")
        row = []
        for j, field in enumerate(fields):
            value = _finite(field)
            if value is None:
                raise DataError(f"{path}: row {i + 2}, column {j + 1} holds '{field}'",
                                "remove or repair that row (NaN and infinity cannot be learned from)")
            row.append(value)
        rows.append(row)
    if not rows:
        raise DataError(f"{path} is empty", "give a file with some text or events in it")
    values = np.array(rows, dtype=np.float32)
    return columns, SequenceSet(values, np.array([0, len(rows)], np.int64))


_TIMESTAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d*)?(Z|[+-]\d{2}:\d{2})?")


def parse_timestamp(text: str) -> Optional[float]:
    """Seconds since 1970 for `YYYY-MM-DDTHH:MM:SS[.ffffff][Z|±HH:MM]`; only differences
    are used, so a missing zone is read as UTC (Baton's InteractionLogs.parseTimestamp)."""
    m = _TIMESTAMP.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    fraction = float("0" + m.group(7)) if m.group(7) and len(m.group(7)) > 1 else 0.0
    zone = 0
    if m.group(8) and m.group(8) != "Z":
        sign = 1 if m.group(8)[0] == "+" else -1
        zone = sign * (int(m.group(8)[1:3]) * 3600 + int(m.group(8)[4:6]) * 60)
    y = year - 1 if month <= 2 else year
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146097 + doe - 719468
    return float(days * 86400 + hour * 3600 + minute * 60 + second - zone) + fraction


def read_session_logs(folder: str, source: str = "interface"):
    """The performer's events of every `*.csv`/`*.log` IMPS log in `folder` (by name), one
    sequence per session, `(dt, x1, …, xn)` with dt in seconds (the first row's dt is 0)."""
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".csv") or n.endswith(".log"))
    except OSError:
        raise DataError(f"cannot read {folder}: not a readable folder", "check the path and its permissions") from None
    if not names:
        raise DataError(f"{folder}: holds no .csv or .log session files", "point at the folder `baton serve --log-dir` writes")
    pieces, dims = [], None
    for name in names:
        path = os.path.join(folder, name)
        rows = [r for r in _parse_log(path) if r[1] == source]
        if len(rows) < 2:
            continue
        width = len(rows[0][2]) + 1
        dims = dims or width
        if width != dims:
            raise DataError(f"{path} has {width - 1} values per event, the model expects {dims - 1}",
                            "train a model on data of this shape, or pick the model trained on it")
        events = []
        for k, (time, _, values) in enumerate(rows):
            if len(values) != dims - 1:
                raise DataError(f"{path} has {len(values)} values per event, the model expects {dims - 1}",
                                "train a model on data of this shape, or pick the model trained on it")
            dt = 0.0 if k == 0 else time - rows[k - 1][0]
            if dt < 0:
                raise DataError(f"{path}: row {k + 1}, column 1 holds time goes backwards (dt = {dt})",
                                "remove or repair that row (NaN and infinity cannot be learned from)")
            events.append([dt, *values])
        pieces.append(np.array(events, np.float32))
    if not pieces:
        raise DataError(f"{folder}: no session has two or more '{source}' events", "play into `baton serve` to record some")
    return SequenceSet.from_sequences(pieces, dims), len(pieces)


def _parse_log(path):
    rows = []
    text = read_text(path).decode("utf-8", errors="replace") if os.path.getsize(path) else ""
    for i, line in enumerate(text.splitlines()):
        if not line:
            continue
        fields = [f.strip() for f in line.split(",") if f != ""]
        if len(fields) < 3:
            raise DataError(f"{path}: row {i + 1}, column {len(fields)} holds '{line}' (need timestamp, source, values)",
                            "remove or repair that row (NaN and infinity cannot be learned from)")
        time = parse_timestamp(fields[0])
        if time is None:
            raise DataError(f"{path}: row {i + 1}, column 1 holds timestamp '{fields[0]}'", "use ISO-8601 timestamps")
        values = []
        for j, field in enumerate(fields[2:]):
            value = _finite(field)
            if value is None:
                raise DataError(f"{path}: row {i + 1}, column {j + 3} holds '{field}'",
                                "remove or repair that row (NaN and infinity cannot be learned from)")
            values.append(value)
        rows.append((time, fields[1], values))
    return rows


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _finite(text: str):
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None
