#!/usr/bin/env python3
"""PyTorch trainer with Baton's text-training recipe, for `baton-bench quality`.

Reproduces what `baton train text` does, choice by choice, so a learning curve beside
Baton's says something about Baton's engine and not about a different recipe:

- data: the training bytes cut into B contiguous streams (one per batch row); window w of
  every row continues where window w−1 stopped and the LSTM state carries across windows
  (truncated BPTT, char-rnn); the state is reset at every epoch. Validation cuts the
  held-out bytes the same way and is scored from the zero state, state carried, with the
  same windows (`TextBatches` in Sources/BatonTraining/Data/TextCorpus.swift).
- model: one-hot bytes or a learned embedding `[256, E]` → LSTM layers → linear head.
- init (`Model+Initialisation.swift`): see `initialise` below; `baton-bench quality` passes
  `--init-from` so that both trainers start from the very same weights.
- regularisation: dropout on the non-recurrent connections (fresh or locked masks),
  DropConnect on the recurrent weights, embedding (symbol) dropout, decoupled weight decay.
- optimiser: Adam (β 0.9, 0.999, ε 1e-8), global-norm clipping, the schedule below.
- averaged weights: an exponential moving average of the weights is what validation
  scores (and what Baton saves).

The clock counts training steps only: validations pause it, on both sides.
Prints one JSON object: {"validations": [{"step", "seconds", "nll"}...], "steps", ...}.

  torch_trainer.py --corpus FILE --train 0:N --valid N:M --layers 1 --units 256 --minutes 1 ...
"""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


def byte_range(text):
    start, end = text.split(":")
    return int(start), int(end)


class Streams:
    """B contiguous streams over `data`, windows of T (Baton's TextBatches)."""

    def __init__(self, data, steps, rows):
        self.steps = steps
        self.rows = max(1, min(rows, len(data) // (steps + 1)))
        self.length = len(data) // self.rows
        self.batches = (self.length - 1) // steps
        self.streams = data[: self.length * self.rows].view(self.rows, self.length)

    def batch(self, w):
        t = self.steps
        return self.streams[:, w * t:(w + 1) * t], self.streams[:, w * t + 1:(w + 1) * t + 1]


class CharModel(torch.nn.Module):
    """Embedding (optional) → L single-layer LSTMs (so dropout can sit between them) → head."""

    def __init__(self, layers, units, embedding):
        super().__init__()
        self.embedding = embedding
        if embedding:
            self.embed = torch.nn.Embedding(256, embedding)
        self.lstm = torch.nn.ModuleList(
            torch.nn.LSTM((embedding or 256) if k == 0 else units, units, 1, batch_first=True) for k in range(layers))
        self.head = torch.nn.Linear(units, 256)


def initialise(model, units, forget_bias, scheme):
    """Baton: every LSTM and head value uniform in ±1/√H, embedding N(0, 1), the forget
    block of bias_ih set to `forget_bias`. `torch`: PyTorch's own defaults untouched."""
    if scheme == "torch":
        return
    bound = 1 / math.sqrt(units)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.startswith("embed"):
                p.normal_(0, 1)
            else:
                p.uniform_(-bound, bound)
        for layer in model.lstm:
            layer.bias_ih_l0[units:2 * units] = forget_bias


def load_initial(model, path):
    """Start from a Baton model file's weights (same architecture), so both trainers begin
    from identical parameters and only the engines differ. Baton names layer k's tensors
    `lstm.X_l{k}`; this script's single-layer LSTMs call them `lstm.{k}.X_l0`."""
    from safetensors.torch import load_file
    tensors = load_file(path)
    state = {}
    for name, value in tensors.items():
        parts = name.split(".")
        if parts[0] == "lstm":
            field, layer = parts[1].rsplit("_l", 1)
            name = f"lstm.{layer}.{field}_l0"
        state[name] = value.float()
    model.load_state_dict(state)


def dropout_mask(shape, keep, locked, steps):
    """0 or 1/keep. Locked: one mask per row for the whole window (Gal & Ghahramani)."""
    if locked:
        b, _, h = shape
        return torch.bernoulli(torch.full((b, 1, h), keep)).div_(keep).expand(b, steps, h)
    return torch.bernoulli(torch.full(shape, keep)).div_(keep)


def run_model(model, x_symbols, state, args, training):
    steps = x_symbols.shape[1]
    if model.embedding:
        weight = model.embed.weight
        if training and args.embed_dropout > 0:
            keep = 1 - args.embed_dropout
            weight = weight * torch.bernoulli(torch.full((256, 1), keep)).div_(keep)
        x = F.embedding(x_symbols, weight)
    else:
        x = F.one_hot(x_symbols, 256).float()
    new_state = []
    for k, layer in enumerate(model.lstm):
        if k > 0 and training and args.dropout > 0:
            x = x * dropout_mask(x.shape, 1 - args.dropout, args.locked, steps)
        s = None if state is None else state[k]
        if training and args.weight_drop > 0:
            keep = 1 - args.weight_drop
            w = layer.weight_hh_l0
            dropped = w * torch.bernoulli(torch.full(w.shape, keep)).div_(keep)
            params = {n: p for n, p in layer.named_parameters()}
            params["weight_hh_l0"] = dropped
            x, s = torch.func.functional_call(layer, params, (x, s))
        else:
            x, s = layer(x, s)
        new_state.append(tuple(v.detach() for v in s))
    if training and args.dropout > 0 and args.head_dropout:
        x = x * dropout_mask(x.shape, 1 - args.dropout, args.locked, steps)
    return model.head(x), new_state


class WeightAverage:
    """Baton's weight average (Optimisation/WeightAverage.swift): after update t,
    θ̄ ← θ̄ + (1 − β_t)(θ − θ̄) with β_t = min(β, (1 + t)/(10 + t)), starting from the
    initial weights."""

    def __init__(self, model, decay):
        self.decay, self.updates = decay, 0
        self.model = CharModel(len(model.lstm), model.lstm[0].hidden_size, model.embedding)
        self.model.load_state_dict(model.state_dict())
        self.model.eval()

    @torch.no_grad()
    def update(self, model):
        self.updates += 1
        beta = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for mine, theirs in zip(self.model.parameters(), model.parameters()):
            mine.add_(theirs - mine, alpha=1 - beta)


def scheduled_rate(args, fraction, step):
    rate = args.lr
    if args.schedule == "cosine":
        f = min(max(fraction, 0.0), 1.0)
        rate *= args.final + (1 - args.final) * 0.5 * (1 + math.cos(math.pi * f))
    if args.warmup > 0 and step < args.warmup:
        rate *= (step + 1) / args.warmup
    return rate


@torch.no_grad()
def validate(model, valid, args):
    model.eval()
    state, total, count = None, 0.0, 0
    for w in range(valid.batches):
        x, y = valid.batch(w)
        logits, state = run_model(model, x, state, args, training=False)
        total += float(F.cross_entropy(logits.reshape(-1, 256), y.reshape(-1), reduction="sum"))
        count += y.numel()
    model.train()
    return total / count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--train", type=byte_range, required=True, help="training bytes START:END")
    parser.add_argument("--valid", type=byte_range, required=True, help="validation bytes START:END")
    parser.add_argument("--layers", type=int, default=1)
    parser.add_argument("--units", type=int, default=256)
    parser.add_argument("--embedding", type=int, default=0, help="0 = one-hot input")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--window", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--schedule", choices=["cosine", "constant"], default="cosine")
    parser.add_argument("--final", type=float, default=0.1, help="cosine floor as a fraction of --lr")
    parser.add_argument("--warmup", type=int, default=0, help="linear warm-up steps")
    parser.add_argument("--clip", type=float, default=5)
    parser.add_argument("--beta2", type=float, default=0.999)
    parser.add_argument("--dropout", type=float, default=0)
    parser.add_argument("--locked", action="store_true", help="one dropout mask per row and window")
    parser.add_argument("--head-dropout", type=int, default=1, help="dropout on the head's input too (1/0)")
    parser.add_argument("--weight-drop", type=float, default=0, help="DropConnect on weight_hh")
    parser.add_argument("--embed-dropout", type=float, default=0, help="drop whole symbols' embeddings")
    parser.add_argument("--weight-decay", type=float, default=0, help="decoupled (AdamW), times the rate")
    parser.add_argument("--ema", type=float, default=0, help="validate an exponential moving average with this decay")
    parser.add_argument("--forget-bias", type=float, default=1)
    parser.add_argument("--init", choices=["baton", "torch"], default="baton")
    parser.add_argument("--init-from", default="", help="start from this Baton model file's weights")
    parser.add_argument("--trace", type=int, default=0, help="report the training loss of the first N steps")
    parser.add_argument("--minutes", type=float, default=0, help="training time (validations excluded)")
    parser.add_argument("--steps", type=int, default=0, help="a step budget instead: the schedule runs over steps")
    parser.add_argument("--validate-at", default="", help="comma-separated steps at which to validate")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wait", action="store_true", help="print a ready line and wait for one on stdin before training")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    raw = open(args.corpus, "rb").read()
    data = torch.frombuffer(bytearray(raw), dtype=torch.uint8).long()
    train = Streams(data[args.train[0]:args.train[1]], args.window, args.batch)
    valid = Streams(data[args.valid[0]:args.valid[1]], args.window, args.batch)
    model = CharModel(args.layers, args.units, args.embedding)
    initialise(model, args.units, args.forget_bias, args.init)
    if args.init_from:
        load_initial(model, args.init_from)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, args.beta2), eps=1e-8,
                                  weight_decay=args.weight_decay)
    average = WeightAverage(model, args.ema) if args.ema > 0 else None
    checkpoints = sorted({int(s) for s in args.validate_at.split(",") if s})
    if args.wait:
        # Start together with the other trainer: announce readiness, wait for a line on stdin.
        print(json.dumps({"ready": True}), flush=True)
        sys.stdin.readline()
    budget = args.minutes * 60
    validations, trace = [], []
    step, epoch, w, trained, state = 0, 0, 0, 0.0, None

    def spent():
        return step / args.steps if args.steps else trained / budget

    while spent() < 1:
        if w >= train.batches:
            epoch, w, state = epoch + 1, 0, None
        x, y = train.batch(w)
        t0 = time.perf_counter()
        logits, state = run_model(model, x, state, args, training=True)
        loss = F.cross_entropy(logits.reshape(-1, 256), y.reshape(-1))
        optimizer.zero_grad(set_to_none=False)
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        for group in optimizer.param_groups:
            group["lr"] = scheduled_rate(args, spent(), step)
        optimizer.step()
        if average is not None:
            average.update(model)
        trained += time.perf_counter() - t0
        if step < args.trace:
            trace.append(loss.item())
        step, w = step + 1, w + 1
        if step in checkpoints:
            validations.append({"step": step, "seconds": trained, "nll": validate(average.model if average else model, valid, args)})
    if not validations or validations[-1]["step"] != step:
        validations.append({"step": step, "seconds": trained, "nll": validate(average.model if average else model, valid, args)})
    print(json.dumps({"validations": validations, "steps": step, "epochs": epoch + w / train.batches,
                      "seconds": trained, "torch": torch.__version__, "threads": args.threads, "trace": trace}))


if __name__ == "__main__":
    main()
