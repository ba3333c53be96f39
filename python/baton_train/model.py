"""The network: input (one-hot, embedding or vectors) → LSTM stack → linear head.

Attributes are named `embed`, `lstm`, `head`, so `state_dict()` names are exactly the
tensor names of Baton's model file (`embed.weight`, `lstm.weight_ih_l{k}`, …,
`head.weight`, `head.bias`), gates along 4H in PyTorch's (and Baton's) order i, f, g, o.

Dropout as Baton trains (Zaremba et al. 2014): on the non-recurrent connections only —
the input of every layer above the first (`nn.LSTM(dropout=p)`) and the input of the
head — never on layer 0's input.

Legend: B batch rows, T steps, H units, O head outputs, D input dimensions.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from .config import BYTE_VOCABULARY, ModelConfig


class BatonLSTM(nn.Module):
    def __init__(self, config: ModelConfig, dropout: float = 0.0):
        super().__init__()
        self.config = config
        if config.embedding:
            self.embed = nn.Embedding(config.input_size, config.embedding)
        self.lstm = nn.LSTM(config.lstm_input_size(0), config.units, config.layers, batch_first=True,
                            dropout=dropout if config.layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(config.units, config.output_size)

    def forward(self, x, state=None):
        """x: text symbols `[B, T]` (int64) or events `[B, T, D]` in model units.
        Returns head outputs `[B, T, O]` and the LSTM state (h, c), each `[layers, B, H]`."""
        if self.config.kind == "text":
            if self.config.embedding:
                x = self.embed(x)
            else:
                x = F.one_hot(x, BYTE_VOCABULARY).to(self.lstm.weight_ih_l0.dtype)
        # Outside autocast: under CUDA autocast PyTorch runs cuDNN's LSTM in float16
        # whatever the autocast dtype (ATen's AutocastRNN), and bf16 training has no loss
        # scaling to keep float16 gradients alive. In float32, cuDNN uses TF32 tensor
        # cores on Ampere and later; the head still runs under bf16 autocast.
        with torch.autocast(x.device.type, enabled=False):
            out, state = self.lstm(x.to(self.lstm.weight_ih_l0.dtype), state)
        return self.head(self.drop(out)), state


@torch.no_grad()
def initialise_(model: BatonLSTM, generator: torch.Generator = None) -> BatonLSTM:
    """Baton's initialisation (Model.initialised): every LSTM and head weight and bias
    uniform in ±1/√H, the embedding N(0, 1), and the forget-gate half of `bias_ih` at 1
    so early gradients flow through time (Jozefowicz et al. 2015)."""
    bound = 1 / math.sqrt(model.config.units)
    for name, p in model.named_parameters():
        if name == "embed.weight":
            p.normal_(0, 1, generator=generator)
        else:
            p.uniform_(-bound, bound, generator=generator)
    h = model.config.units
    for k in range(model.config.layers):
        getattr(model.lstm, f"bias_ih_l{k}")[h:2 * h] = 1  # gates i, f, g, o: f is the second block
    return model


def unwrap(model: nn.Module) -> BatonLSTM:
    """The BatonLSTM inside DistributedDataParallel (`module.`) and torch.compile
    (`_orig_mod.`) wrappers, so their prefixes never reach a file."""
    while True:
        if hasattr(model, "module") and isinstance(model.module, nn.Module):
            model = model.module
        elif hasattr(model, "_orig_mod"):
            model = model._orig_mod
        else:
            return model
