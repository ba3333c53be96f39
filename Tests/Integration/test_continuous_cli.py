"""Control and stroke models from a user's point of view: train, predict, draw, eval, dataset, import."""
import csv
import io
import json
import math

import numpy as np

from conftest import assert_user_error, run, shared

IMPSY_STEM = "musicMDRNN-dim4-layers2-units64-mixtures5-scale10"


def test_control_model_predicts_events_in_data_units(control_model):
    out = run("predict", control_model, "--steps", "40", "--seed", "2", check=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["dt", "x1", "x2", "x3"] and len(rows) == 41
    values = np.array(rows[1:], dtype=float)
    assert (values[:, 0] > 0).all()
    assert (values[:, 1:] >= 0).all() and (values[:, 1:] <= 1).all(), "controls stay in the trained range"
    again = run("predict", control_model, "--steps", "40", "--seed", "2", check=True).stdout
    assert again == out
    info = run("info", control_model, check=True).stdout
    assert "5 Gaussians over 4 dims" in info and "normalise" in info


def test_prime_and_temperatures(control_model, tmp_path):
    prime = tmp_path / "prime.csv"
    prime.write_text("dt,x1,x2,x3\n0.02,0.5,0.5,0.5\n0.03,0.55,0.5,0.45\n0.02,0.6,0.52,0.4\n")
    out = run("predict", control_model, "--steps", "5", "--prime", prime, "--pi-temperature", "1.5",
              "--sigma-temperature", "0.01", "--seed", "1", check=True).stdout
    assert len(out.strip().splitlines()) == 6


def test_eval_reports_density_in_data_units(control_model, tmp_path):
    data = shared("datasets", "control", "impsy-4d.npz")
    result = json.loads(run("eval", control_model, data, "--json", check=True).stdout)
    assert set(result) == {"nats_per_symbol", "bits_per_symbol", "symbols"}
    assert result["symbols"] > 100_000 and math.isfinite(result["nats_per_symbol"])


def test_dataset_from_session_logs_then_training(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    for session in range(2):
        lines = []
        for i in range(120):
            second = 10 + i * 0.05
            stamp = f"2026-11-24T10:00:{second:09.6f}"
            lines.append(f"{stamp},interface,{0.5 + 0.4 * math.sin(i / 7 + session):.4f},{0.5 + 0.3 * math.cos(i / 5):.4f}")
            if i % 3 == 0:
                lines.append(f"{stamp},rnn,0.1,0.2")
        (logs / f"2026-11-24T10-0{session}-00-2d-mdrnn.csv").write_text("\n".join(lines) + "\n")
    out = tmp_path / "logs.npz"
    result = run("dataset", logs, "--out", out, check=True)
    assert "2 sequences" in result.stderr
    data = np.load(out)
    assert data["data"].shape == (240, 3) and list(data["lengths"]) == [120, 120]
    assert abs(data["data"][1, 0] - 0.05) < 1e-4 and data["data"][0, 0] == 0
    model = tmp_path / "from-logs.safetensors"
    run("train", "control", out, "--size", "xs", "--epochs", "2", "--window", "20", "--out", model, check=True)
    assert run("predict", model, "--steps", "3", check=True).stdout.startswith("dt,x1,x2")


def test_stroke_model_draws_svg(stroke_model, tmp_path):
    svg = tmp_path / "kanji.svg"
    run("draw", stroke_model, "--out", svg, "--samples", "6", "--seed", "3", check=True)
    text = svg.read_text()
    assert text.startswith("<svg") and text.count("<polyline") >= 6
    mixed = tmp_path / "mixed.svg"
    run("draw", stroke_model, stroke_model, "--weights", "0.3,0.7", "--out", mixed, "--steps", "60", check=True)
    assert "<polyline" in mixed.read_text()
    result = json.loads(run("eval", stroke_model, shared("datasets", "strokes", "kanji.npz"), "--json", check=True).stdout)
    assert result["symbols"] > 20_000


def test_y_up_data_trains_a_y_down_model_and_eval_follows(tmp_path):
    """UNIPEN-style y-up strokes are flipped for training; eval flips a y-up file the same way."""
    source = np.load(shared("datasets", "strokes", "unipen-handwriting.npz"))
    lengths = source["lengths"][:12]
    data = source["data"][:int(lengths.sum())]
    up, down = tmp_path / "up.npz", tmp_path / "down.npz"
    np.savez(up, data=data, lengths=lengths)
    flipped = data.copy()
    flipped[:, 1] *= -1
    np.savez(down, data=flipped, lengths=lengths)
    # The same strokes, once y up (flipped for training) and once already y down: the same model.
    models = {}
    for name, path, axis in (("up", up, "up"), ("down", down, "down")):
        models[name] = tmp_path / f"hand-{name}.safetensors"
        run("train", "strokes", path, "--y-axis", axis, "--size", "xs", "--mixtures", "3", "--epochs", "1",
            "--out", models[name], "--seed", "2", check=True)
    info = run("info", models["up"], check=True).stdout
    assert "data_y_axis up" in info and "y_axis      down" in info, info
    score = lambda model, path: json.loads(run("eval", model, path, "--json", check=True).stdout)["nats_per_symbol"]
    assert score(models["up"], up) == score(models["down"], down)
    assert score(models["up"], up) != score(models["up"], down)   # eval reads files in the training data's convention


def test_impsy_import_matches_its_behaviour(tmp_path):
    for suffix in ("h5", "keras"):
        out = tmp_path / f"impsy-{suffix}.safetensors"
        run("import", "impsy", shared("fixtures", "impsy", f"{IMPSY_STEM}.{suffix}"), "--out", out, check=True)
        info = run("info", out, check=True).stdout
        assert "control LSTM 2×64" in info
        events = run("predict", out, "--steps", "10", "--pi-temperature", "1.5", "--sigma-temperature", "0.01", "--seed", "4", check=True).stdout
        assert len(events.strip().splitlines()) == 11
    a = json.loads(run("eval", tmp_path / "impsy-h5.safetensors", shared("datasets", "control", "impsy-4d.npz"), "--json", "--split-pause", "5", check=True).stdout)
    b = json.loads(run("eval", tmp_path / "impsy-keras.safetensors", shared("datasets", "control", "impsy-4d.npz"), "--json", "--split-pause", "5", check=True).stdout)
    assert a == b


def test_bad_continuous_inputs(tmp_path, control_model, stroke_model):
    out = tmp_path / "m.safetensors"
    nan = tmp_path / "nan.csv"
    nan.write_text("dt,x\n0.1,0.5\n0.1,nan\n0.2,0.3\n")
    assert_user_error(run("train", "control", nan, "--out", out), "nan.csv", "row 3")
    negative = tmp_path / "negative.csv"
    negative.write_text("dt,x\n0.1,0.5\n-0.1,0.4\n0.2,0.3\n" + "0.1,0.2\n" * 20)
    assert_user_error(run("train", "control", negative, "--out", out), "negative")
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, data=np.array([np.zeros((3, 2)), np.zeros((4, 2))], dtype=object), allow_pickle=True)
    assert_user_error(run("train", "control", pickled, "--out", out), "pickled", "np.savez")
    assert_user_error(run("eval", control_model, shared("datasets", "control", "impsy-9d.npz")), "impsy-9d.npz", "4")
    single = tmp_path / "single.csv"
    single.write_text("dt,x\n0.1,0.5\n")
    assert_user_error(run("train", "control", single, "--out", out), "single.csv")
    not_mdrnn = tmp_path / "dense.h5"
    import h5py
    with h5py.File(not_mdrnn, "w") as f:
        f.create_dataset("dense/dense/kernel:0", data=np.zeros((4, 8), dtype=np.float32))
    assert_user_error(run("import", "impsy", not_mdrnn, "--out", out), "dense.h5", "LSTM")
    assert_user_error(run("import", "impsy", tmp_path / "missing.h5", "--out", out), "missing.h5")
    assert_user_error(run("draw", control_model, "--out", tmp_path / "x.svg"), "not a stroke model")
    assert_user_error(run("draw", stroke_model, control_model, "--out", tmp_path / "x.svg"), "same kind")
