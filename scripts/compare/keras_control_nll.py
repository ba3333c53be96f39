#!/usr/bin/env python3
"""Validation NLL of an IMPSY-style Keras MDRNN on the same split Baton uses, for
docs/models.md. Reproduces Baton's preparation of impsy-4d (takes split at pauses > 5 s,
the pause capped at 5 s; the trailing sequences holding >= 10 % of the events held out),
trains keras-mdn-layer's MDRNN as IMPSY does (inputs x 10, windows of 50, Adam, batch 64,
early stopping on validation), and scores the held-out sequences from the zero state,
first event only input, as the density of the data in its own units (the x 10 scaling's
Jacobian included) -- exactly what `baton eval` reports. Writes the held-out set to
--valid-out so `baton eval MODEL that.npz` scores the same events.

Run: python3 scripts/compare/keras_control_nll.py --data ../shared/datasets/control/impsy-4d.npz --valid-out /tmp/impsy4d-valid.npz
"""
import argparse
import json
import math
import os
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def prepare(data, lengths, pause=5.0):
    sequences, start = [], 0
    for n in lengths:
        piece = []
        for row in data[start:start + n]:
            row = row.copy()
            if row[0] > pause:
                if piece:
                    sequences.append(np.array(piece, dtype=np.float32))
                piece = []
                row[0] = pause
            piece.append(row)
        if piece:
            sequences.append(np.array(piece, dtype=np.float32))
        start += n
    return [s for s in sequences if len(s) >= 2]


def split(sequences, fraction=0.1):
    total = sum(len(s) for s in sequences)
    wanted = math.ceil(total * fraction)
    cut = len(sequences)
    held = 0
    while cut > 1 and held < wanted:
        cut -= 1
        held += len(sequences[cut])
    return sequences[:cut], sequences[cut:]


def main(a):
    import keras
    import keras_mdn_layer as mdn
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(a.threads)
    z = np.load(a.data)
    train, valid = split(prepare(z["data"], z["lengths"]))
    np.savez(a.valid_out, data=np.concatenate(valid), lengths=np.array([len(s) for s in valid], dtype=np.int32))
    scale, t, d, k = 10.0, 50, z["data"].shape[1], 5

    def windows(sequences, step):
        xs, ys = [], []
        for s in sequences:
            for i in range(0, len(s) - t - 1, step):
                xs.append(s[i:i + t] * scale)
                ys.append(s[i + 1:i + t + 1] * scale)
        return np.array(xs), np.array(ys)

    x, y = windows(train, 1)
    vx, vy = windows(valid, t)
    inputs = keras.layers.Input(shape=(t, d))
    h = inputs
    for _ in range(2):
        h = keras.layers.LSTM(64, return_sequences=True)(h)
    model = keras.Model(inputs, keras.layers.TimeDistributed(mdn.MDN(d, k))(h))
    model.compile(loss=mdn.get_mixture_loss_func(d, k), optimizer=keras.optimizers.Adam())
    start = time.time()

    class Budget(keras.callbacks.Callback):
        """Stops training after --minutes of wall-clock time, like `baton train --minutes`."""
        def on_epoch_end(self, epoch, logs=None):
            print(f"epoch {epoch + 1}: loss {logs['loss']:.4f} val {logs['val_loss']:.4f} {time.time() - start:.0f} s", flush=True)
            if time.time() - start > a.minutes * 60:
                self.model.stop_training = True

    history = model.fit(x, y, batch_size=64, epochs=a.epochs, validation_data=(vx, vy), verbose=0,
                        callbacks=[keras.callbacks.EarlyStopping(patience=6, restore_best_weights=True), Budget()])
    seconds = time.time() - start

    # Score every held-out sequence from the zero state, one event at a time (stateful copy).
    step_in = keras.layers.Input(batch_shape=(1, 1, d))
    h = step_in
    for _ in range(2):
        h = keras.layers.LSTM(64, return_sequences=True, stateful=True)(h)
    stepper = keras.Model(step_in, keras.layers.TimeDistributed(mdn.MDN(d, k))(h))
    stepper.set_weights(model.get_weights())
    total, count = 0.0, 0
    for s in valid:
        for layer in stepper.layers:
            if hasattr(layer, "reset_states"):
                layer.reset_states()
        outs = [np.asarray(stepper(s[i:i + 1].reshape(1, 1, d) * scale, training=False))[0, 0] for i in range(len(s) - 1)]
        for i, out in enumerate(outs):
            mus, sigs, logits = out[:k * d].reshape(k, d), out[k * d:2 * k * d].reshape(k, d), out[2 * k * d:]
            target = s[i + 1] * scale
            logpi = logits - logits.max() - np.log(np.exp(logits - logits.max()).sum())
            logn = (-0.5 * ((target - mus) / sigs) ** 2 - np.log(sigs) - 0.5 * np.log(2 * np.pi)).sum(axis=1)
            terms = logpi + logn
            logp = terms.max() + np.log(np.exp(terms - terms.max()).sum()) + d * np.log(scale)
            total -= logp
            count += 1
    print(json.dumps({"keras_validation_nats_per_event": total / count, "events": count, "epochs": len(history.history["loss"]),
                      "training_seconds": round(seconds), "train_sequences": len(train), "valid_sequences": len(valid),
                      "tensorflow": tf.__version__}))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--valid-out", required=True)
    p.add_argument("--epochs", type=int, default=100)
    p.add_argument("--minutes", type=float, default=20, help="wall-clock training budget")
    p.add_argument("--threads", type=int, default=2)
    main(p.parse_args())
