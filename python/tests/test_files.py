"""Model files, checkpoints and the training loop, without Baton: names, metadata, dtypes,
optimiser moments in Baton's flat layout, resume, and wrapper prefixes."""
import json
import types

import numpy as np
import pytest
import torch
from safetensors import safe_open

from baton_train.checkpoint import Paths, Position, flat_moments, load_checkpoint, restore_moments
from baton_train.cli import main
from baton_train.config import ModelConfig, default_colour
from baton_train.errors import ModelFileError
from baton_train.export import strip_wrappers
from baton_train.model import BatonLSTM, initialise_, unwrap
from baton_train.modelfile import Normalisation, load_model, save_model


def test_state_dict_names_are_the_model_file_names():
    config = ModelConfig("text", 256, 2, 8, embedding=4)
    assert list(BatonLSTM(config, dropout=0.3).state_dict()) == [n for n, _ in config.parameter_names()]


def test_initialisation_sets_the_forget_bias_and_bounds():
    model = initialise_(BatonLSTM(ModelConfig("control", 3, 2, 16, mixtures=2)), torch.Generator().manual_seed(0))
    assert (model.lstm.bias_ih_l1[16:32] == 1).all() and (model.lstm.bias_ih_l1[:16].abs() <= 0.25).all()
    assert model.head.weight.abs().max() <= 0.25


def test_parameter_counts_match_docs_models_md():
    assert ModelConfig("text", 256, 2, 256).parameter_count == 1_118_464
    assert ModelConfig("control", 4, 2, 64, mixtures=5).parameter_count == 54_125
    assert ModelConfig("strokes", 3, 2, 32, mixtures=20).parameter_count == 17_177


@pytest.mark.parametrize("dtype,stored", [("f32", "F32"), ("f16", "F16"), ("bf16", "BF16")])
def test_save_and_load_round_trip(tmp_path, dtype, stored):
    config = ModelConfig("control", 3, 1, 8, mixtures=2)
    model = initialise_(BatonLSTM(config))
    path = str(tmp_path / "m.safetensors")
    save_model(path, config, model.state_dict(), {"name": "Knobs", "kind": "ignored"}, Normalisation([0.1, 2, 3], [1, 0.5, 4]), dtype)
    loaded = load_model(path)
    assert loaded.config == config and loaded.stored_dtype == stored and loaded.metadata["name"] == "Knobs"
    assert loaded.normalisation.scale == [1.0, 0.5, 4.0]
    with safe_open(path, framework="pt") as f:
        meta = f.metadata()
    assert meta["kind"] == "control" and meta["sigma"] == "elu" and meta["dims"] == "3" and meta["format"] == "baton/1"
    assert json.loads(meta["normalisation"]) == {"offset": [0.1, 2.0, 3.0], "scale": [1.0, 0.5, 4.0]}
    tolerance = 0 if dtype == "f32" else 1e-2
    assert torch.allclose(loaded.state["head.weight"], model.head.weight.detach(), atol=tolerance)


def test_corrupt_and_foreign_files_are_refused(tmp_path):
    (tmp_path / "junk.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}")
    with pytest.raises(ModelFileError, match="not a safetensors file"):
        load_model(str(tmp_path / "junk.safetensors"))
    from safetensors.torch import save_file
    save_file({"encoder.weight": torch.zeros(2, 2)}, str(tmp_path / "other.safetensors"))
    with pytest.raises(ModelFileError, match="no tensor lstm.weight_ih_l0"):
        load_model(str(tmp_path / "other.safetensors"))


def test_wrapper_prefixes_are_removed():
    assert strip_wrappers("module._orig_mod.lstm.weight_ih_l0") == "lstm.weight_ih_l0"
    assert strip_wrappers("net.module.rnn.weight_hh_l1") == "net.rnn.weight_hh_l1"
    model = BatonLSTM(ModelConfig("text", 256, 1, 4))
    wrapper = types.SimpleNamespace(_orig_mod=torch.nn.Module())
    wrapper._orig_mod.module = model
    assert unwrap(wrapper._orig_mod) is model


def test_adam_moments_round_trip_through_baton_layout():
    config = ModelConfig("text", 256, 1, 4)
    model = initialise_(BatonLSTM(config))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    model(torch.randint(0, 256, (2, 5)))[0].sum().backward()
    optimizer.step()
    first, second = flat_moments(model, optimizer, "adam")
    assert first.numel() == config.parameter_count
    fresh = torch.optim.Adam(model.parameters(), lr=1e-2)
    restore_moments(model, fresh, "adam", first, second, 1)
    again_first, again_second = flat_moments(model, fresh, "adam")
    assert torch.equal(first, again_first) and torch.equal(second, again_second)


def test_position_json_uses_swift_names_and_omits_missing_values():
    text = Position(step=3, learningRate=0.001).to_json()
    assert json.loads(text) == {"epoch": 0, "batch": 0, "step": 3, "learningRate": 0.001, "validationsWithoutImprovement": 0,
                                "seconds": 0.0, "savedModel": False}


def test_train_then_resume_continues_the_count(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_bytes(("The quick brown fox jumps over the lazy dog. " * 60).encode())
    out = str(tmp_path / "m.safetensors")
    common = ["text", str(corpus), "--size", "s", "--units", "16", "--batch", "4", "--window", "16", "--threads", "1"]
    assert main([*common, "--max-steps", "5", "--out", out]) == 0
    checkpoint = load_checkpoint(Paths(out))
    assert checkpoint.position.step == 5 and checkpoint.optimizer == "adam" and checkpoint.position.savedModel
    assert main([*common, "--resume", out, "--max-steps", "9", "--out", out]) == 0
    assert load_checkpoint(Paths(out)).position.step == 9
    rows = open(Paths(out).metrics).read().splitlines()
    assert rows[0] == "step,epoch,seconds,train_nll,validation_nll,learning_rate" and len(rows) >= 3
    meta = load_model(out).metadata
    assert meta["name"] == "c" and meta["colour"] == default_colour("c") and json.loads(meta["training"])["steps"] >= 5


def test_flags_are_checked_before_anything_runs(tmp_path, capsys):
    assert main(["text", "x.txt", "--dropout", "1.5", "--out", str(tmp_path / "m.safetensors")]) == 1
    line = capsys.readouterr().err.strip()
    assert line == "error: --dropout must be in [0, 1), got 1.5 (hint: see python -m baton_train text --help)"
    np.testing.assert_equal(main(["text", "x.txt", "--out", "/nonexistent/folder/m.safetensors"]), 1)


def test_bf16_autocast_trains_and_the_file_stays_float32(tmp_path):
    values = np.random.default_rng(0).normal(size=(400, 3)).astype(np.float32)
    values[:, 0] = np.abs(values[:, 0]) * 0.05
    np.savez(tmp_path / "c.npz", data=values, lengths=np.array([100, 100, 100, 100]))
    out = str(tmp_path / "c.safetensors")
    assert main(["control", str(tmp_path / "c.npz"), "--size", "xs", "--batch", "4", "--window", "10", "--precision", "bf16",
                 "--max-steps", "3", "--threads", "1", "--out", out]) == 0
    loaded = load_model(out)
    assert loaded.stored_dtype == "F32" and loaded.config.kind == "control" and "split_pause" in loaded.metadata


def test_compiled_model_writes_plain_names(tmp_path):
    """torch.compile wraps the module (`_orig_mod.`); the file keeps Baton's names."""
    corpus = tmp_path / "c.txt"
    corpus.write_bytes(("compile me, " * 200).encode())
    out = str(tmp_path / "m.safetensors")
    assert main(["text", str(corpus), "--size", "s", "--units", "8", "--batch", "2", "--window", "8", "--compile",
                 "--max-steps", "2", "--threads", "1", "--out", out]) == 0
    for path in (out, Paths(out).state):
        with safe_open(path, framework="pt") as f:
            assert not any("_orig_mod" in k or k.startswith("module.") for k in f.keys())
