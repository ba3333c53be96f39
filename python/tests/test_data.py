"""Readers, preparation, splits and windows behave as Baton's (docs/decisions.md, "Data")."""
import numpy as np
import pytest

from baton_train.batches import SequenceWindows, TextBatches, shard
from baton_train.data import SequenceSet, load_continuous, parse_timestamp, read_session_logs, split_text
from baton_train.errors import DataError
from baton_train.prepare import ContinuousPlan, control_normalisation, prepare_control, prepare_strokes


def sequences(*lengths, dims=2):
    pieces = [np.arange(n * dims, dtype=np.float32).reshape(n, dims) + 100 * i for i, n in enumerate(lengths)]
    return SequenceSet.from_sequences(pieces, dims)


def test_text_split_rounds_half_up_like_swift():
    head, tail = split_text(b"x" * 25, 0.1)  # 2.5 rounds to 3 (Python's round would give 2)
    assert len(tail) == 3 and len(head) == 22


def test_split_by_sequence_from_the_end():
    train, validation = sequences(10, 10, 5, 3).split(0.1)  # wants ≥ 3 of 28 events: the last sequence
    assert list(train.lengths()) == [10, 10, 5] and list(validation.lengths()) == [3]
    train, validation = sequences(10, 10, 5, 3).split(0.2)  # wants ≥ 6: the last two
    assert list(validation.lengths()) == [5, 3]


def test_a_single_sequence_has_its_tail_held_out():
    train, validation = sequences(50).split(0.1)
    assert train.event_count == 45 and validation.event_count == 5


def test_long_pauses_split_takes_and_are_capped():
    values = np.array([[0.0, 1], [0.1, 2], [700.0, 3], [0.2, 4], [6.0, 5], [0.1, 6]], np.float32)
    prepared = prepare_control(SequenceSet(values, np.array([0, 6])), "x", 5.0)
    assert list(prepared.lengths()) == [2, 2, 2]
    assert prepared.values[2, 0] == 5.0 and prepared.values[4, 0] == 5.0


def test_negative_dt_is_a_one_line_error():
    with pytest.raises(DataError, match="negative"):
        prepare_control(SequenceSet(np.array([[0.1, 1], [-0.1, 2]], np.float32), np.array([0, 2])), "f.csv", 5)


def test_strokes_clip_jumps_and_check_the_pen():
    values = np.array([[1, 1, 0], [-1, 1, 0], [1, -1, 1]] * 100 + [[10000, 0, 0]], np.float32)
    prepared = prepare_strokes(SequenceSet(values, np.array([0, 301])), "s.npz")
    rms = np.sqrt((values[:, :2].astype(np.float64) ** 2).mean())
    assert abs(prepared.values[-1, 0] - 10 * rms) < 1e-2 and prepared.values[0, 0] == 1
    values[0, 2] = 0.5
    with pytest.raises(DataError, match="pen = 0.5"):
        prepare_strokes(SequenceSet(values, np.array([0, 301])), "s.npz")


def test_standardisation_uses_population_std_and_one_for_constant_dimensions():
    n = control_normalisation(SequenceSet(np.array([[1, 5], [3, 5]], np.float32), np.array([0, 2])))
    assert n.offset == [2.0, 5.0] and n.scale == [1.0, 1.0]


def test_npz_errors_name_the_problem(tmp_path):
    np.savez(tmp_path / "bad.npz", data=np.zeros((4, 2)), lengths=np.array([3]))
    with pytest.raises(DataError, match="sum to 3 but data has 4 rows"):
        load_continuous(str(tmp_path / "bad.npz"))
    np.savez(tmp_path / "nan.npz", data=np.array([[0, 1], [np.nan, 2]]))
    with pytest.raises(DataError, match="row 1, column 0 holds nan"):
        load_continuous(str(tmp_path / "nan.npz"))
    np.savez(tmp_path / "objects.npz", data=np.array([np.zeros(2), np.zeros(3)], dtype=object))
    with pytest.raises(DataError, match="pickled"):
        load_continuous(str(tmp_path / "objects.npz"))
    (tmp_path / "x.npz").write_bytes(b"not a zip")
    with pytest.raises(DataError, match="cannot read"):
        load_continuous(str(tmp_path / "x.npz"))


def test_csv_needs_a_header_and_finite_values(tmp_path):
    (tmp_path / "a.csv").write_text("0.1,0.2\n0.3,0.4\n")
    with pytest.raises(DataError, match="not a header"):
        load_continuous(str(tmp_path / "a.csv"))
    (tmp_path / "b.csv").write_text("dt,x\n0.1,0.2\n0.3,inf\n")
    with pytest.raises(DataError, match="row 3, column 2"):
        load_continuous(str(tmp_path / "b.csv"))
    (tmp_path / "c.csv").write_text("dt,x\n0.1,0.2\n0.3,0.4\n")
    assert load_continuous(str(tmp_path / "c.csv")).train.event_count == 2


def test_session_logs_keep_the_performer_and_turn_time_into_dt(tmp_path):
    (tmp_path / "s1.csv").write_text("2026-11-24T10:00:00.000000,interface,0.5,0.5\n2026-11-24T10:00:00.250000,rnn,0.1,0.1\n"
                                     "2026-11-24T10:00:00.500000,interface,0.6,0.4\n")
    events, files = read_session_logs(str(tmp_path))
    assert files == 1 and events.values.tolist() == [[0.0, 0.5, 0.5], [0.5, 0.6000000238418579, 0.4000000059604645]]
    assert parse_timestamp("2026-11-24T10:00:00+01:00") == parse_timestamp("2026-11-24T09:00:00Z")


def test_text_streams_continue_across_windows():
    data = bytes(range(200))
    batches = TextBatches(data, steps=10, rows=4, path="t", what="text")
    first, second = batches.batch(0), batches.batch(1)
    assert first.inputs.shape == (4, 10) and (second.inputs[:, 0] == first.targets[:, -1]).all()


def test_validation_windows_score_every_predicted_event_once():
    events = sequences(7, 3, 12, dims=3)
    windows = SequenceWindows(events, steps=4, rows=3, random=False)
    counted = sum(windows.batch(i).counted for i in range(windows.batches_per_epoch))
    assert counted == events.predicted_events


def test_shards_together_are_the_global_batch():
    windows = SequenceWindows(sequences(40, 30, 25, dims=2), steps=5, rows=7, random=True)
    whole = windows.batch(0, np.random.default_rng(3))
    parts = [whole.rows(*shard(7, r, 3)) for r in range(3)]
    assert np.array_equal(np.concatenate([p.inputs for p in parts]), whole.inputs)
    assert sum(p.counted for p in parts) == whole.counted


def test_plan_refuses_data_too_short_to_validate():
    with pytest.raises(DataError, match="too short"):
        ContinuousPlan("control", SequenceSet(np.zeros((3, 2), np.float32), np.array([0, 3])), None, "tiny.csv", 0.1, 5.0)
