"""`baton eval --adapt` (dynamic evaluation, issue 12) against the release binary, with a
PyTorch reimplementation of the same update as the reference for the adapted figure."""
import json
import math

import pytest

from conftest import ROOT, assert_user_error, run, shared
from pytorch_support import torch  # skips without torch

from baton_train.evaluate import module_for  # noqa: E402
from baton_train.losses import nll  # noqa: E402

TEXT_MODEL = ROOT / "Models" / "text" / "baudelaire.safetensors"
CONTROL_MODEL = ROOT / "Models" / "control" / "impsy-4d.safetensors"


@pytest.fixture(scope="module")
def other_style(tmp_path_factory):
    """3 KB of Shakespeare: English drama for a model trained on French verse."""
    path = tmp_path_factory.mktemp("adapt") / "shakespeare-3k.txt"
    path.write_bytes(shared("datasets", "text", "shakespeare.txt").read_bytes()[:3000])
    return path


def eval_json(*args):
    result = run("eval", *args, "--json", check=True)
    return json.loads(result.stdout)


def torch_dynamic_evaluation(model_path, data, rate, segment, decay, beta=0.9, eps=1e-8):
    """Krause et al.'s update as DynamicEvaluator documents it, written independently in
    PyTorch: score each segment from the carried state, then one RMS-normalised step on
    the mean segment loss, and a pull λ back to the originals."""
    model, _ = module_for(str(model_path))
    params = list(model.parameters())
    originals = [p.detach().clone() for p in params]
    ms = [torch.zeros_like(p) for p in params]
    symbols = torch.tensor(list(data), dtype=torch.int64)
    total, state, updates = 0.0, None, 0
    for start in range(0, len(data) - 1, segment):
        stop = min(start + segment, len(data) - 1)
        out, new_state = model(symbols[start:stop].unsqueeze(0), state)
        losses = nll(model.config, out, symbols[start + 1:stop + 1])
        total += float(losses.detach().double().sum())
        model.zero_grad()
        (losses.sum() / (stop - start)).backward()
        updates += 1
        correction = 1 - beta ** updates
        with torch.no_grad():
            for p, p0, m in zip(params, originals, ms):
                g = p.grad
                m.mul_(beta).add_((1 - beta) * g * g)
                p.copy_(p - rate * g / ((m / correction).sqrt() + eps) + decay * (p0 - p))
        state = tuple(s.detach() for s in new_state)
    return total / (len(data) - 1)


def test_adapted_figure_matches_a_pytorch_reference(other_style):
    out = eval_json(TEXT_MODEL, other_style, "--adapt", "--adapt-rate", "0.001", "--adapt-segment", "25", "--adapt-decay", "0.01")
    assert out["symbols"] == 2999
    assert out["static_nats_per_symbol"] == out["nats_per_symbol"]
    reference = torch_dynamic_evaluation(TEXT_MODEL, other_style.read_bytes(), rate=0.001, segment=25, decay=0.01)
    assert abs(out["adapted_nats_per_symbol"] - reference) < 2e-3, (out, reference)
    assert out["adapted_nats_per_symbol"] < out["static_nats_per_symbol"] - 0.1, out
    assert math.isclose(out["gain_nats_per_symbol"], out["static_nats_per_symbol"] - out["adapted_nats_per_symbol"], abs_tol=1e-5)
    assert math.isclose(out["adapted_bits_per_symbol"], out["adapted_nats_per_symbol"] / math.log(2), rel_tol=1e-5)


def test_rate_zero_is_the_static_figure_and_the_sentence_shows_both(other_style):
    out = eval_json(TEXT_MODEL, other_style, "--adapt", "--adapt-rate", "0")
    assert abs(out["adapted_nats_per_symbol"] - out["static_nats_per_symbol"]) < 1e-4, out
    sentence = run("eval", TEXT_MODEL, other_style, "--adapt", check=True).stdout
    assert "static" in sentence and "adapted" in sentence and "gain" in sentence, sentence


def test_control_model_adapts_on_performances(tmp_path):
    # Three impsy-4d performances as a CSV-free .npz would need numpy; the log folder reader takes IMPSY logs.
    out = eval_json(CONTROL_MODEL, shared("fixtures", "impsy", "logs"), "--adapt")
    assert out["symbols"] > 100
    assert math.isfinite(out["adapted_nats_per_symbol"]) and math.isfinite(out["static_nats_per_symbol"])
    assert out["adapt_segment"] >= 1 and out["adapt_rate"] > 0


@pytest.mark.parametrize("args, needle", [
    (["--adapt", "--adapt-rate", "-1"], "adaptation rate"),
    (["--adapt", "--adapt-rate", "nan"], "adaptation rate"),
    (["--adapt", "--adapt-segment", "0"], "adaptation segment"),
    (["--adapt", "--adapt-decay", "1.5"], "adaptation decay"),
    (["--adapt-rate", "0.001"], "--adapt"),
])
def test_bad_settings_are_one_line_errors(other_style, args, needle):
    assert_user_error(run("eval", TEXT_MODEL, other_style, *args), needle)


def test_sample_adapts_to_a_text_before_generating(other_style):
    """The same seed with and without --adapt-to: the adapted model has read the file (a
    line on stderr says how far it moved) and generates something else."""
    common = ["--length", "200", "--seed", "4", "--temperature", "0.8"]
    plain = run("sample", TEXT_MODEL, *common, check=True)
    adapted = run("sample", TEXT_MODEL, *common, "--adapt-to", other_style, "--adapt-rate", "0.001", check=True)
    assert "adapted to" in adapted.stderr and "weights moved" in adapted.stderr, adapted.stderr
    assert adapted.stdout != plain.stdout
    assert len(adapted.stdout.encode()) >= 200


def test_ensemble_adapts_every_model(other_style):
    control = ROOT / "Models" / "text" / "burns.safetensors"
    result = run("ensemble", TEXT_MODEL, control, "--length", "100", "--seed", "2", "--adapt-to", other_style,
                 "--adapt-segment", "40", check=True)
    assert result.stderr.count("adapted to") == 2, result.stderr
    assert len(result.stdout.encode()) >= 100


def test_adapt_settings_need_adapt_to(other_style):
    assert_user_error(run("sample", TEXT_MODEL, "--adapt-rate", "0.001"), "--adapt-to")
    assert_user_error(run("sample", TEXT_MODEL, "--adapt-to", "/nonexistent/text.txt"), "/nonexistent/text.txt")
