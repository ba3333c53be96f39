"""IMPSY's logs in, and Baton's sessions out in IMPSY's format, checked against a reference
computed here from the files with IMPSY's own reading (csv rows, datetime.fromisoformat)."""
import csv
from datetime import datetime

import numpy as np

from conftest import SHARED, run

LOGS = SHARED / "fixtures" / "impsy" / "logs"


def reference(folder):
    """Per session (files sorted by name): the performer's rows as (dt, x1, …), dt the
    seconds since the previous performer row and 0 for the first (Baton's convention; IMPSY
    drops that first row instead)."""
    sessions = []
    for path in sorted(folder.glob("*.log")):
        rows = [r for r in csv.reader(open(path)) if len(r) >= 3 and r[1].strip() == "interface"]
        times = [datetime.fromisoformat(r[0].strip()) for r in rows]
        sessions.append([[0.0 if i == 0 else (times[i] - times[i - 1]).total_seconds()] + [float(x) for x in r[2:]]
                         for i, r in enumerate(rows)])
    return sessions


def test_impsy_logs_build_the_reference_dataset(tmp_path):
    out = tmp_path / "impsy.npz"
    result = run("dataset", LOGS, "--out", out, check=True)
    expected = reference(LOGS)
    assert f"{len(expected)} sequences" in result.stderr
    data = np.load(out)
    assert list(data["lengths"]) == [len(s) for s in expected]
    flat = np.array([row for s in expected for row in s], dtype=np.float64)
    assert data["data"].shape == flat.shape == (1711, 4), "only the interface rows are performer data (42 rnn rows left out)"
    assert np.abs(data["data"] - flat).max() < 1e-6


def test_rnn_rows_are_a_separate_choice(tmp_path):
    out = tmp_path / "rnn.npz"
    run("dataset", LOGS, "--out", out, "--source", "rnn", check=True)
    assert np.load(out)["data"].shape[0] == 42
