"""Setting up a training run from the command line's choices, as `baton train text |
control | strokes` does: data, batches, a fresh or resumed model, then the trainer."""
import json
import os
import sys

import torch

from .batches import SequenceWindows, TextBatches
from .checkpoint import Paths, ResumeError, load_checkpoint
from .config import BYTE_VOCABULARY, DEFAULT_SIZE, ModelConfig, default_colour, size_preset
from .data import load_continuous, read_text, split_text
from .distributed import Context
from .errors import DataError
from .model import BatonLSTM, initialise_
from .modelfile import Normalisation, load_model
from .prepare import ContinuousPlan
from .progress import duration, grouped
from .train import Options, Trainer


def say(context: Context, text: str):
    if context.is_main:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()


def provenance(data_path: str, size: str, name=None, colour=None) -> dict:
    """name, colour, corpus and size, as Baton's TrainingArguments.provenance."""
    base = os.path.basename(os.path.normpath(data_path))
    stem = os.path.splitext(base)[0] if not os.path.isdir(data_path) else base
    display = name or stem
    return {"name": display, "colour": colour or default_colour(display), "corpus": base, "size": size}


def resume_start(context: Context, resume: str, kind: str, out: str):
    """(ModelFile, Checkpoint or None) from --resume: the checkpoint beside the model when
    there is one (optimiser and position continue), else the weights alone.

    Into a new --out (a fine-tune, often on other data), the old best validation loss is
    not this run's to beat: it is forgotten, so the first validation writes the new file."""
    checkpoint = load_checkpoint(Paths(resume))
    if checkpoint and os.path.abspath(out) != os.path.abspath(resume):
        p = checkpoint.position
        p.bestValidation, p.validationsWithoutImprovement, p.savedModel = None, 0, False
    loaded = checkpoint.model if checkpoint else load_model(resume)
    if loaded.config.kind != kind:
        raise ResumeError(f"cannot resume from {resume}: it is a {loaded.config.kind} model", f"train {loaded.config.kind} with it")
    if checkpoint:
        say(context, f"resuming from {Paths(resume).state} at step {checkpoint.position.step}")
    else:
        say(context, f"continuing from the weights in {resume} (no checkpoint beside it: fresh optimiser)")
    return loaded, checkpoint


def build_model(config: ModelConfig, options: Options, context: Context, state=None) -> BatonLSTM:
    model = BatonLSTM(config, options.dropout)
    if state is None:
        initialise_(model, torch.Generator().manual_seed(options.seed))
    else:
        model.load_state_dict(state)
    return model.to(context.device)


def train_text(args, options: Options, context: Context):
    preset = size_preset("text", args.size or DEFAULT_SIZE["text"])
    layers, units = args.layers or preset.layers, args.units or preset.units
    data = read_text(args.data)
    head, tail = split_text(data, options.validation)
    train = TextBatches(head, options.window, options.batch, args.data, "training part")
    validation = TextBatches(tail, options.window, options.batch, args.data, f"validation tail (--validation {options.validation})")
    if args.resume:
        loaded, checkpoint = resume_start(context, args.resume, "text", args.out)
        config, metadata, state = loaded.config, loaded.metadata, loaded.state
    else:
        width = preset.embedding if args.embedding is None else (args.embedding or None)  # --embedding 0: one-hot
        config = ModelConfig("text", BYTE_VOCABULARY, layers, units, embedding=width)
        metadata, state, checkpoint = provenance(args.data, preset.name, args.name, args.colour), None, None
    model = build_model(config, options, context, state)
    trainer = Trainer(context, model, metadata, None, train, validation, options, Paths(args.out), "chars", checkpoint)
    say(context, f"training {metadata.get('name', 'model')}: {config.describe()}, {grouped(config.parameter_count)} parameters\n"
                 f"  data {args.data}: {grouped(len(head))} bytes for training, {grouped(len(tail))} for validation\n"
                 f"  {train.rows} streams × {train.steps} steps, {train.batches_per_epoch} batches per epoch, dropout {options.dropout}, "
                 f"{trainer.optimizer_kind} lr {options.learning_rate} ({options.schedule}), {where(context)}\n")
    return finish(context, trainer, args)


def train_continuous(args, options: Options, context: Context):
    kind = args.command
    given = load_continuous(args.data)
    train_events, own_validation = given.train, given.validation
    extra = {}
    if kind == "strokes":
        if args.y_axis == "up":
            train_events = train_events.negating(1)
            own_validation = own_validation.negating(1) if own_validation is not None else None
        extra = {"y_axis": "down", "data_y_axis": args.y_axis}
    split_pause = args.split_pause if kind == "control" else 0.0
    plan = ContinuousPlan(kind, train_events, own_validation, args.data, options.validation, split_pause)
    preset = size_preset(kind, args.size or DEFAULT_SIZE[kind])
    if args.resume:
        loaded, checkpoint = resume_start(context, args.resume, kind, args.out)
        if loaded.config.input_size != plan.train.dims:
            raise DataError(f"{args.data} has {plan.train.dims} values per event, the model expects {loaded.config.input_size}",
                            "train a model on data of this shape, or pick the model trained on it")
        config, metadata, state = loaded.config, loaded.metadata, loaded.state
        normalisation = loaded.normalisation or Normalisation.identity(config.input_size)
    else:
        config = ModelConfig(kind, plan.train.dims, args.layers or preset.layers, args.units or preset.units,
                             mixtures=args.mixtures, sigma="elu" if kind == "control" else "exp")
        normalisation, checkpoint, state = plan.normalisation(), None, None
        metadata = {**provenance(args.data, preset.name, args.name, args.colour), **plan.fresh_metadata(), **extra}
    train = SequenceWindows(plan.train.normalised(normalisation.offset, normalisation.scale), options.window, options.batch, True)
    validation = SequenceWindows(plan.validation.normalised(normalisation.offset, normalisation.scale), options.window, options.batch, False)
    model = build_model(config, options, context, state)
    trainer = Trainer(context, model, metadata, normalisation, train, validation, options, Paths(args.out), "events", checkpoint)
    t, v = plan.train, plan.validation
    say(context, f"training {metadata.get('name', 'model')}: {config.describe()}, {grouped(config.parameter_count)} parameters\n"
                 f"  data {args.data} ({given.description}): {t.sequence_count} sequences / {grouped(t.event_count)} events for training, "
                 f"{v.sequence_count} / {grouped(v.event_count)} for validation\n"
                 f"  windows of {train.steps} × {train.rows}, {train.batches_per_epoch} batches per epoch, dropout {options.dropout}, "
                 f"{trainer.optimizer_kind} lr {options.learning_rate} ({options.schedule}), {where(context)}\n"
                 f"  validation loss is nats per event in model units; `baton eval` reports data units\n")
    return finish(context, trainer, args)


def where(context: Context) -> str:
    if context.distributed:
        backend = "nccl" if context.device.type == "cuda" else "gloo"
        return f"{context.world} processes ({backend}), {context.device.type}"
    threads = f", {torch.get_num_threads()} threads" if context.device.type == "cpu" else ""
    return f"1 process, {context.device}{threads}"


def finish(context: Context, trainer: Trainer, args):
    summary = trainer.run()
    text = f"stopped: {summary['reason']} after {summary['steps']} steps ({summary['epochs']:.2f} epochs, {duration(summary['seconds'])})"
    if summary["best_validation_nll"] is not None:
        best = summary["best_validation_nll"]
        text += f"; best validation {best:.4f} nats/symbol ({best / 0.6931471805599453:.4f} bits)"
    if summary["last_train_nll"] is not None:
        text += f"; last training loss {summary['last_train_nll']:.6f}"
    say(context, text)
    paths = trainer.paths
    if summary["saved_model"]:
        say(context, f"model {paths.model}\ncheckpoint {paths.state}\ncurve {paths.metrics}")
    if context.is_main and args.summary:
        with open(args.summary, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
    return summary
