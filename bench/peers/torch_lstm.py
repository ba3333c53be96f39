#!/usr/bin/env python3
"""PyTorch peer for Baton's benchmarks: the same shapes, measured the same way, JSON out.

  torch_lstm.py step  --layers L --units H --steps N            one-step latency, batch 1
  torch_lstm.py train --layers L --units H --batch B --window T --threads N --steps S --corpus FILE

`step`: nn.LSTM(256 one-hot inputs → H, L layers) + nn.Linear(H → 256), one symbol per call
with the state carried, inference mode, 1 thread: the natural PyTorch way to run Baton's
model file one step at a time. `train`: truncated BPTT on stateful batches of the corpus,
one-hot input, Adam, gradient clipping at 5, no dropout — what `baton train text` does.
"""
import argparse
import json
import time

import torch


class CharModel(torch.nn.Module):
    def __init__(self, layers, units):
        super().__init__()
        self.lstm = torch.nn.LSTM(256, units, layers, batch_first=True)
        self.head = torch.nn.Linear(units, 256)

    def forward(self, x, state):
        out, state = self.lstm(x, state)
        return self.head(out), state


def step(args):
    torch.set_num_threads(1)
    model = CharModel(args.layers, args.units).eval()
    times = []
    with torch.inference_mode():
        x = torch.zeros(1, 1, 256)
        state = None
        symbol = 10
        for i in range(args.warmup + args.steps):
            x.zero_()
            x[0, 0, symbol] = 1
            t0 = time.perf_counter_ns()
            logits, state = model(x, state)
            symbol = int(torch.argmax(logits[0, 0]))
            t1 = time.perf_counter_ns()
            if i >= args.warmup:
                times.append((t1 - t0) / 1000)
    times.sort()
    return {"median_us": times[len(times) // 2], "p99_us": times[int(len(times) * 0.99)], "torch": torch.__version__}


def train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    data = torch.frombuffer(bytearray(open(args.corpus, "rb").read()), dtype=torch.uint8).long()
    b, t = args.batch, args.window
    length = len(data) // b
    streams = data[: length * b].view(b, length)
    model = CharModel(args.layers, args.units)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    state = None
    elapsed = 0.0
    for i in range(args.warmup + args.steps):
        x = torch.nn.functional.one_hot(streams[:, i * t:(i + 1) * t], 256).float()
        y = streams[:, i * t + 1:(i + 1) * t + 1]
        t0 = time.perf_counter()
        logits, state = model(x, state)
        state = tuple(s.detach() for s in state)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 256), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5)
        optimizer.step()
        if i >= args.warmup:
            elapsed += time.perf_counter() - t0
    return {"chars_per_second": args.steps * b * t / elapsed, "final_loss": float(loss), "torch": torch.__version__}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["step", "train"])
    parser.add_argument("--layers", type=int, required=True)
    parser.add_argument("--units", type=int, required=True)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--window", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--corpus")
    args = parser.parse_args()
    print(json.dumps(step(args) if args.mode == "step" else train(args)))
