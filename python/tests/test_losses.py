"""The heads' likelihoods against closed forms and against Baton's definitions."""
import math

import torch

from baton_train.config import ModelConfig
from baton_train.losses import LOG_TWO_PI, mixture_nll, nll, sigma_and_log, stroke_nll, text_nll


def test_text_nll_is_logsumexp_minus_logit_and_shift_invariant():
    z = torch.tensor([[1.0, 2.0, 3.0] + [0.0] * 253], dtype=torch.float64)
    y = torch.tensor([2])
    expected = torch.logsumexp(z[0], 0) - z[0, 2]
    assert torch.allclose(text_nll(z, y), expected.reshape(1))
    assert torch.allclose(text_nll(z + 100, y), expected.reshape(1))


def test_one_gaussian_matches_the_closed_form_for_both_sigma_transforms():
    x = torch.tensor([[0.3, -1.2]], dtype=torch.float64)
    mu = torch.tensor([0.1, -1.0], dtype=torch.float64)
    for transform, s in (("exp", torch.tensor([-0.5, 0.4], dtype=torch.float64)), ("elu", torch.tensor([-0.5, 0.4], dtype=torch.float64))):
        sd, log_sd = sigma_and_log(s, transform)
        if transform == "elu":  # keras-mdn-layer: elu(s) + 1 + 1e-7
            assert abs(float(sd[0]) - (math.exp(-0.5) + 1e-7)) < 1e-15 and abs(float(sd[1]) - (1.4 + 1e-7)) < 1e-15
        expected = sum(0.5 * ((x[0, j] - mu[j]) / sd[j]) ** 2 + log_sd[j] + 0.5 * LOG_TWO_PI for j in range(2))
        out = torch.cat([mu, s, torch.tensor([0.7], dtype=torch.float64)]).reshape(1, -1)
        assert abs(float(mixture_nll(out, x, 1, 2, transform)) - float(expected)) < 1e-12


def test_identical_components_equal_one_component():
    x = torch.tensor([[0.5, 0.25, -0.75]], dtype=torch.float64)
    mu, s = torch.tensor([0.2, 0.1, -0.3], dtype=torch.float64), torch.tensor([0.1, -0.2, 0.3], dtype=torch.float64)
    one = torch.cat([mu, s, torch.zeros(1, dtype=torch.float64)]).reshape(1, -1)
    three = torch.cat([mu.repeat(3), s.repeat(3), torch.tensor([0.3, -2.0, 1.0], dtype=torch.float64)]).reshape(1, -1)
    assert abs(float(mixture_nll(one, x, 1, 3, "elu")) - float(mixture_nll(three, x, 3, 3, "elu"))) < 1e-12


def test_uncorrelated_stroke_component_is_two_gaussians_plus_the_pen():
    k = 1
    out = torch.tensor([[0.2, -0.1, -0.3, 0.5, 0.0, 0.0, 1.5]], dtype=torch.float64)  # μ, log σ, ρ-pre, π, pen
    for pen in (0.0, 1.0):
        point = torch.tensor([[0.4, 0.6, pen]], dtype=torch.float64)
        gx = 0.5 * ((0.4 - 0.2) / math.exp(-0.3)) ** 2 - 0.3 + 0.5 * LOG_TWO_PI
        gy = 0.5 * ((0.6 + 0.1) / math.exp(0.5)) ** 2 + 0.5 + 0.5 * LOG_TWO_PI
        p_lift = 1 / (1 + math.exp(-1.5))
        expected = gx + gy - math.log(p_lift if pen else 1 - p_lift)
        assert abs(float(stroke_nll(out, point, k)) - expected) < 1e-12


def test_correlation_matches_the_bivariate_density():
    rho_pre = 0.8
    rho = math.tanh(rho_pre)
    out = torch.tensor([[0.0, 0.0, 0.0, 0.0, rho_pre, 0.0, -20.0]], dtype=torch.float64)
    x, y = 0.7, -0.4
    density = math.exp(-(x * x + y * y - 2 * rho * x * y) / (2 * (1 - rho * rho))) / (2 * math.pi * math.sqrt(1 - rho * rho))
    nll_value = float(stroke_nll(out, torch.tensor([[x, y, 0.0]], dtype=torch.float64), 1))
    assert abs(nll_value - (-math.log(density) + math.log1p(math.exp(-20.0)))) < 1e-10


def test_bf16_outputs_are_scored_in_float32():
    config = ModelConfig("control", 2, 1, 4, mixtures=2)
    out = torch.randn(3, 5, config.output_size).to(torch.bfloat16)
    per = nll(config, out, torch.randn(3, 5, 2))
    assert per.dtype == torch.float32 and per.shape == (15,)
