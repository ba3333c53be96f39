"""The training loop: Baton's Trainer (BatonTraining/Trainer) on PyTorch, in one process
or under `torchrun` with DistributedDataParallel.

Same loss (mean −log p over counted positions), gradient-norm clipping, Adam
(β 0.9/0.999, ε 1e-8) or RMSprop (decay 0.95), schedules (cosine to 10 % over the budget,
or halving after two validations without improvement), validation cadence, early
stopping, checkpoints and the files it writes.

Distributed: rank r trains on its shard of the same global batch. Each rank's loss sum is
scaled by world / (global counted positions), so after DDP averages the gradients they
equal the single-process gradient of the global mean, padding included. Decisions that
depend on a clock or a signal are summed across ranks every step, so all ranks stop,
validate and change the learning rate at the same step. Validation is sharded the same
way and summed; rank 0 writes the files.
"""
import json
import math
import signal
import time
from dataclasses import dataclass
from typing import Optional

import numpy as np
import torch
from torch.nn.parallel import DistributedDataParallel

from . import __version__
from .batches import shard
from .checkpoint import MetricsLog, Paths, Position, restore_moments, save_checkpoint
from .distributed import Context, all_sum
from .errors import BatonTrainError
from .losses import nll
from .modelfile import save_model
from .progress import ProgressLine, RateMeter, duration, grouped


@dataclass
class Options:
    batch: int = 64
    window: int = 128
    learning_rate: float = 2e-3
    override_learning_rate: bool = False
    optimizer: str = "adam"
    schedule: str = "plateau"
    clip: float = 5.0
    dropout: float = 0.0
    validation: float = 0.1
    validate_every: Optional[int] = None
    patience: int = 6
    epochs: Optional[int] = None
    minutes: Optional[float] = None
    max_steps: Optional[int] = None
    seed: int = 1
    dtype: str = "f32"
    precision: str = "auto"
    compile: bool = False


class NonFiniteLoss(BatonTrainError):
    pass


REASONS = {"epochs": "epoch budget reached", "minutes": "time budget reached", "steps": "step budget reached",
           "early": "validation stopped improving (early stopping)", "interrupted": "interrupted"}


class Interrupt:
    """Ctrl-C (SIGINT) or SIGTERM (a scheduler's pre-emption, or torchrun passing on a
    Ctrl-C) asks for a clean stop at the next step: the state is saved, then the run ends."""
    requested = 0

    @classmethod
    def install(cls):
        def handler(signum, frame):
            # The same signal twice means "now"; torchrun answers Ctrl-C with SIGTERM to
            # every worker, which must not cut short the save the first signal started.
            if cls.requested == signum:
                raise KeyboardInterrupt
            cls.requested = cls.requested or signum
        cls.requested = 0
        return {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}

    @staticmethod
    def restore(previous):
        for s, h in previous.items():
            signal.signal(s, h)


class Trainer:
    def __init__(self, context: Context, model, metadata, normalisation, train, validation, options: Options,
                 paths: Paths, unit: str, checkpoint=None):
        self.ctx, self.model, self.config = context, model, model.config
        self.metadata, self.normalisation = dict(metadata), normalisation
        self.train, self.validation, self.options, self.paths, self.unit = train, validation, options, paths, unit
        self.position = checkpoint.position if checkpoint else Position(learningRate=options.learning_rate)
        if options.override_learning_rate:
            self.position.learningRate = options.learning_rate
        self.metrics = checkpoint.metrics if checkpoint else MetricsLog()
        self.optimizer_kind = checkpoint.optimizer if checkpoint else options.optimizer
        params = list(model.parameters())
        if self.optimizer_kind == "adam":
            self.optimizer = torch.optim.Adam(params, lr=self.position.learningRate, betas=(0.9, 0.999), eps=1e-8)
        else:
            self.optimizer = torch.optim.RMSprop(params, lr=self.position.learningRate, alpha=0.95, eps=1e-8)
        if checkpoint:
            restore_moments(model, self.optimizer, self.optimizer_kind, checkpoint.first, checkpoint.second, self.position.step)
        self.rows = shard(train.rows, context.rank, context.world)
        self.validation_rows = shard(validation.rows, context.rank, context.world)
        cuda = context.device.type == "cuda"
        self.autocast = options.precision == "bf16" or (options.precision == "auto" and cuda and torch.cuda.is_bf16_supported())
        self.last_train_loss = None

    # MARK: schedule and budget

    def budget_fraction(self, elapsed: float):
        fractions = []
        if self.options.minutes:
            fractions.append(elapsed / (self.options.minutes * 60))
        if self.options.epochs:
            bpe = self.train.batches_per_epoch
            fractions.append((self.position.epoch * bpe + self.position.batch) / (self.options.epochs * bpe))
        if self.options.max_steps:
            fractions.append(self.position.step / self.options.max_steps)
        return max(fractions) if fractions else None

    def scheduled_rate(self, elapsed: float) -> float:
        fraction = self.budget_fraction(elapsed)
        if self.options.schedule != "cosine" or fraction is None:
            return self.position.learningRate
        f = min(max(fraction, 0.0), 1.0)
        return self.position.learningRate * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * f)))

    # MARK: tensors

    def tensors(self, batch):
        device = self.ctx.device
        x = torch.from_numpy(np.ascontiguousarray(batch.inputs)).to(device)
        y = torch.from_numpy(np.ascontiguousarray(batch.targets)).to(device)
        w = None if batch.weights is None else torch.from_numpy(np.ascontiguousarray(batch.weights)).to(device)
        return x, y, w

    def loss_sum(self, network, batch, state):
        x, y, w = self.tensors(batch)
        with torch.autocast(self.ctx.device.type, dtype=torch.bfloat16, enabled=self.autocast):
            out, state = network(x, state)
        per = nll(self.config, out, y)
        total = per.sum() if w is None else (per * w.reshape(-1)).sum()
        return total, batch.counted, state

    # MARK: validation and files

    @torch.no_grad()
    def evaluate(self) -> float:
        """Mean loss per counted position over the validation source (each rank its rows)."""
        model = self.model
        model.eval()
        total, count, state = 0.0, 0.0, None
        lo, hi = self.validation_rows
        for index in range(self.validation.batches_per_epoch):
            if hi <= lo:
                break
            batch = self.validation.batch(index, None).rows(lo, hi)
            if not self.validation.carries_state:
                state = None
            s, c, state = self.loss_sum(model, batch, state)
            total, count = total + float(s), count + c
        model.train()
        total, count = all_sum(self.ctx, [total, count])
        return total / max(count, 1)

    def stamp_summary(self, seconds: float):
        p = self.position
        summary = {"steps": p.step, "epochs": round(self.epoch_fraction(), 2), "seconds": round(seconds),
                   "batch": self.train.rows, "window": self.train.steps, "optimizer": self.optimizer_kind,
                   "learning_rate": float(np.float32(self.options.learning_rate)), "dropout": float(np.float32(self.options.dropout)),
                   "seed": self.options.seed, "trainer": f"baton_train {__version__}, PyTorch {torch.__version__}",
                   "processes": self.ctx.world, "device": self.ctx.device.type}
        if p.bestValidation is not None:
            summary["validation_nll"] = round(p.bestValidation, 4)
        self.metadata["training"] = json.dumps(summary, sort_keys=True, separators=(",", ":"))

    def save_best(self):
        if self.ctx.is_main:
            save_model(self.paths.model, self.config, self.model.state_dict(), self.metadata, self.normalisation, self.options.dtype)
        self.position.savedModel = True

    def save_state(self):
        if self.ctx.is_main:
            save_checkpoint(self.paths, self.model, self.config, self.metadata, self.normalisation, self.optimizer,
                            self.optimizer_kind, self.position, self.metrics)

    def epoch_fraction(self) -> float:
        return self.position.epoch + self.position.batch / max(self.train.batches_per_epoch, 1)

    # MARK: the loop

    def run(self):
        opts, p, ctx = self.options, self.position, self.ctx
        if self.rows[1] <= self.rows[0]:
            raise BatonTrainError(f"a batch of {self.train.rows} rows cannot be shared by {ctx.world} processes",
                                  f"use --batch {ctx.world} or more")
        network = self.model
        if ctx.distributed:
            network = DistributedDataParallel(self.model, device_ids=[ctx.device.index] if ctx.device.type == "cuda" else None)
        if opts.compile:
            network = torch.compile(network)
        rng = np.random.default_rng(opts.seed + p.step)
        torch.manual_seed(opts.seed + p.step + 7919 * ctx.rank)  # dropout masks: each rank its own
        bpe = self.train.batches_per_epoch
        validate_every = opts.validate_every or max(1, min(500, (bpe + 1) // 2))
        start_step, prior = p.step, p.seconds
        started = time.monotonic()
        synced_elapsed = prior
        line = ProgressLine() if ctx.is_main else None
        rate = RateMeter()
        smoothed, window_sum, window_count = None, 0.0, 0
        reason, validated_at, state = None, -1, None
        global_symbols = self.train.symbols_per_batch

        def elapsed():
            return prior + time.monotonic() - started

        def report(validated):
            if line is None:
                return
            text = f"epoch {p.epoch + 1} {100 * p.batch / max(bpe, 1):3.0f}%  step {p.step}  loss {smoothed if smoothed is not None else float('nan'):.4f}"
            if p.lastValidation is not None:
                text += f"  val {p.lastValidation:.4f}"
            if p.bestValidation is not None:
                text += f" (best {p.bestValidation:.4f})"
            text += f"  {grouped(rate.steps_per_second * global_symbols)} {self.unit}/s  lr {self.scheduled_rate(synced_elapsed):.1e}  {duration(elapsed())}"
            eta = self.remaining(synced_elapsed, rate.steps_per_second)
            if eta is not None:
                text += f"  ETA {duration(eta)}"
            line.update(text, force=validated)
            if validated:
                line.finish()

        def validate_and_checkpoint():
            nonlocal window_sum, window_count, validated_at
            loss = self.evaluate()
            if not math.isfinite(loss):
                raise NonFiniteLoss(f"the validation loss became {loss} at step {p.step}",
                                    self.non_finite_hint())
            validated_at = p.step
            p.lastValidation = loss
            if p.bestValidation is None or loss < p.bestValidation - 1e-4:
                p.bestValidation = loss
                p.validationsWithoutImprovement = 0
                self.stamp_summary(elapsed())
                self.save_best()
            else:
                p.validationsWithoutImprovement += 1
                if opts.schedule == "plateau" and p.validationsWithoutImprovement % 2 == 0:
                    p.learningRate *= 0.5
            self.metrics.append(p.step, self.epoch_fraction(), elapsed(), window_sum / window_count if window_count else None,
                                loss, self.scheduled_rate(synced_elapsed))
            window_sum, window_count = 0.0, 0
            p.seconds = elapsed()
            self.save_state()
            report(True)

        self.model.train()
        while reason is None:
            if p.batch >= bpe:
                p.epoch, p.batch, state = p.epoch + 1, 0, None
            if opts.epochs and p.epoch >= opts.epochs:
                reason = "epochs"
                break
            if opts.minutes and synced_elapsed >= opts.minutes * 60:
                reason = "minutes"
                break
            if opts.max_steps and p.step >= opts.max_steps:
                reason = "steps"
                break
            batch = self.train.batch(p.batch, rng).rows(*self.rows)
            if not self.train.carries_state:
                state = None
            total, count, state = self.loss_sum(network, batch, state)
            local_elapsed = elapsed()
            sums = all_sum(ctx, [float(total.detach()), count, 1.0 if Interrupt.requested else 0.0, local_elapsed if ctx.is_main else 0.0])
            global_count = max(sums[1], 1.0)
            loss = sums[0] / global_count
            synced_elapsed = sums[3]
            if not math.isfinite(loss):
                raise NonFiniteLoss(f"the training loss became {loss} at step {p.step + 1}", self.non_finite_hint())
            self.optimizer.zero_grad(set_to_none=True)
            (total * (ctx.world / global_count)).backward()
            if opts.clip > 0:
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), opts.clip)
            for group in self.optimizer.param_groups:
                group["lr"] = self.scheduled_rate(synced_elapsed)
            self.optimizer.step()
            if self.train.carries_state:
                state = tuple(s.detach() for s in state)
            p.step += 1
            p.batch += 1
            rate.tick()
            self.last_train_loss = loss
            smoothed = loss if smoothed is None else 0.98 * smoothed + 0.02 * loss
            window_sum, window_count = window_sum + loss, window_count + 1
            if p.step % 10 == 0:
                self.metrics.append(p.step, self.epoch_fraction(), elapsed(), loss, None, self.scheduled_rate(synced_elapsed))
            report(False)
            if (p.step - start_step) % validate_every == 0 or p.batch == bpe:
                validate_and_checkpoint()
                if p.validationsWithoutImprovement >= opts.patience:
                    reason = "early"
            if reason is None and sums[2] > 0:
                reason = "interrupted"
        if validated_at != p.step and p.step > start_step:
            if reason == "interrupted":
                p.seconds = elapsed()
                if not p.savedModel:
                    self.stamp_summary(elapsed())
                    self.save_best()
                self.save_state()
            else:
                validate_and_checkpoint()
        if line is not None:
            line.finish()
        return {"reason": REASONS[reason or "interrupted"], "steps": p.step, "epochs": round(self.epoch_fraction(), 4),
                "seconds": round(elapsed(), 1), "best_validation_nll": p.bestValidation, "last_train_nll": self.last_train_loss,
                "model": self.paths.model, "saved_model": p.savedModel, "processes": ctx.world, "device": ctx.device.type,
                "symbols_per_second": round(rate.steps_per_second * global_symbols, 1)}

    def remaining(self, elapsed: float, steps_per_second: float):
        estimates = []
        if self.options.minutes:
            estimates.append(max(0.0, self.options.minutes * 60 - elapsed))
        if steps_per_second > 0:
            if self.options.epochs:
                bpe = self.train.batches_per_epoch
                left = self.options.epochs * bpe - self.position.epoch * bpe - self.position.batch
                estimates.append(max(0, left) / steps_per_second)
            if self.options.max_steps:
                estimates.append(max(0, self.options.max_steps - self.position.step) / steps_per_second)
        return min(estimates) if estimates else None

    def non_finite_hint(self) -> str:
        saved = f"the last good model is {self.paths.model}; " if self.position.savedModel else ""
        return saved + "lower --lr, or check the data for extreme values"
