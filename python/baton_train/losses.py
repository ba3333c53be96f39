"""Negative log-likelihoods of the three heads, the mathematics of Baton's
SoftmaxCrossEntropy, MixtureDensityLoss and StrokeLoss (BatonTraining/Network) and of
MixtureDensity / StrokeMixture (BatonCore/Mixture). Autograd gives the gradients Baton
writes out by hand; the parity fixtures check that they agree.

Every function takes head outputs `[N, O]` and targets for N positions and returns the
per-position −log p `[N]` (in the outputs' dtype, at least float32), all in log space.
Legend: N positions, K mixtures, D dimensions.
"""
import math

import torch
import torch.nn.functional as F

LOG_TWO_PI = math.log(2 * math.pi)


def text_nll(logits, symbols):
    """Softmax cross-entropy over the 256 bytes: logsumexp(z) − z_y."""
    return F.cross_entropy(logits, symbols, reduction="none")


def sigma_and_log(s, transform: str):
    """σ and log σ from the σ pre-activation: exp (log σ = s exactly) or keras-mdn-layer's
    elu(s) + 1 + 1e-7 (Baton's control models)."""
    if transform == "exp":
        return torch.exp(s), s
    sd = F.elu(s) + 1 + 1e-7
    return sd, torch.log(sd)


def mixture_nll(out, x, mixtures: int, dims: int, sigma: str):
    """Diagonal Gaussian mixture, head layout `[μ (K·D) | σ-pre (K·D) | π logits (K)]`,
    component k's μ at k·D ..< (k+1)·D. x: `[N, D]` in model units."""
    k, d = mixtures, dims
    kd = k * d
    mu = out[:, :kd].reshape(-1, k, d)
    sd, log_sd = sigma_and_log(out[:, kd:2 * kd].reshape(-1, k, d), sigma)
    log_pi = torch.log_softmax(out[:, 2 * kd:2 * kd + k], dim=-1)
    z = (x.unsqueeze(1) - mu) / sd
    log_n = -0.5 * d * LOG_TWO_PI - (0.5 * z * z + log_sd).sum(-1)
    return -torch.logsumexp(log_pi + log_n, dim=-1)


def stroke_nll(out, point, mixtures: int):
    """K bivariate Gaussians over (dx, dy) plus the pen state (Graves 2013 eqs. 23–26; Ha
    2017). Layout `[μ (K·2) | σ-pre (K·2) | ρ-pre (K) | π logits (K) | pen logit]`,
    σ = exp, ρ = tanh, ω = max(1 − ρ², 1e-6); pen ≥ 0.5 means lifted after this point."""
    k = mixtures
    mu = out[:, :2 * k].reshape(-1, k, 2)
    log_sd = out[:, 2 * k:4 * k].reshape(-1, k, 2)
    rho = torch.tanh(out[:, 4 * k:5 * k])
    log_pi = torch.log_softmax(out[:, 5 * k:6 * k], dim=-1)
    pen = out[:, 6 * k]
    zx = (point[:, 0:1] - mu[..., 0]) * torch.exp(-log_sd[..., 0])
    zy = (point[:, 1:2] - mu[..., 1]) * torch.exp(-log_sd[..., 1])
    omega = torch.clamp(1 - rho * rho, min=1e-6)
    q = zx * zx + zy * zy - 2 * rho * zx * zy
    log_n = -LOG_TWO_PI - log_sd[..., 0] - log_sd[..., 1] - 0.5 * torch.log(omega) - q / (2 * omega)
    lifted = point[:, 2] >= 0.5
    log_pen = torch.where(lifted, F.logsigmoid(pen), F.logsigmoid(-pen))
    return -(torch.logsumexp(log_pi + log_n, dim=-1) + log_pen)


def nll(config, outputs, targets):
    """Per-position −log p for any kind: outputs `[..., O]`, targets `[...]` (symbols) or
    `[..., D]` (events in model units). Computed in at least float32 (bf16 autocast
    outputs are promoted) and returned flat `[N]`."""
    o = outputs.reshape(-1, outputs.shape[-1])
    if o.dtype in (torch.float16, torch.bfloat16):
        o = o.float()
    if config.kind == "text":
        return text_nll(o, targets.reshape(-1))
    t = targets.reshape(-1, targets.shape[-1]).to(o.dtype)
    if config.kind == "control":
        return mixture_nll(o, t, config.mixtures, config.input_size, config.sigma)
    return stroke_nll(o, t, config.mixtures)
