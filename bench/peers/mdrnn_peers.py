#!/usr/bin/env python3
"""Peers for Baton's mixture-density benchmarks, JSON out. Same shapes, measured the same way.

  mdrnn_peers.py torch-step  --dims D --units H --layers L --mixtures K --steps N
  mdrnn_peers.py keras-step  --dims D --units H --layers L --mixtures K --steps N   (also TFLite)
  mdrnn_peers.py keras-train --dims D --units H --layers L --mixtures K --data impsy-4d.npz --steps N

A step is what IMPSY does per prediction: feed one event through the LSTM stack and the
MDN head, then sample the next event in NumPy (softmax of π logits / τπ, a component,
a Gaussian draw with variance × τσ). Weights are random: time does not depend on them
(Baton's numerics against the real IMPSY model are checked by its tests).
"""
import argparse
import json
import os
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def sample_from_output(out, dims, mixtures, rng, pi_temp=1.0, sigma_temp=1.0):
    """keras-mdn-layer's sample_from_output, as IMPSY calls it."""
    mus = out[: mixtures * dims]
    sigs = out[mixtures * dims: 2 * mixtures * dims]
    logits = out[2 * mixtures * dims:] / pi_temp
    e = np.exp(logits - logits.max())
    pis = e / e.sum()
    m = min(np.searchsorted(np.cumsum(pis), rng.random()), mixtures - 1)
    mu = mus[m * dims:(m + 1) * dims]
    sig = sigs[m * dims:(m + 1) * dims] * np.sqrt(sigma_temp)
    return mu + sig * rng.standard_normal(dims)


def percentiles(times):
    times.sort()
    return {"median_us": times[len(times) // 2], "p99_us": times[int(len(times) * 0.99)]}


def torch_step(a):
    import torch
    torch.set_num_threads(1)
    lstm = torch.nn.LSTM(a.dims, a.units, a.layers, batch_first=True).eval()
    head = torch.nn.Linear(a.units, 2 * a.mixtures * a.dims + a.mixtures).eval()
    rng = np.random.default_rng(1)
    x = np.zeros(a.dims, dtype=np.float32)
    state, times = None, []
    with torch.inference_mode():
        for i in range(a.warmup + a.steps):
            t0 = time.perf_counter_ns()
            y, state = lstm(torch.from_numpy(x).view(1, 1, a.dims), state)
            out = head(y[0, 0])
            sig_pre = out[a.mixtures * a.dims: 2 * a.mixtures * a.dims]
            out = torch.cat([out[: a.mixtures * a.dims], torch.nn.functional.elu(sig_pre) + 1 + 1e-7, out[2 * a.mixtures * a.dims:]])
            x = sample_from_output(out.numpy(), a.dims, a.mixtures, rng).astype(np.float32)
            t1 = time.perf_counter_ns()
            if i >= a.warmup:
                times.append((t1 - t0) / 1000)
    return {**percentiles(times), "torch": torch.__version__}


def keras_models(a):
    import keras
    import keras_mdn_layer as mdn
    x = keras.layers.Input(shape=(1, a.dims))
    states = [keras.layers.Input(shape=(a.units,)) for _ in range(2 * a.layers)]
    y, outs = x, []
    for l in range(a.layers):
        y, h, c = keras.layers.LSTM(a.units, return_sequences=True, return_state=True, unroll=True)(y, initial_state=states[2 * l: 2 * l + 2])
        outs += [h, c]
    y = keras.layers.Reshape((a.units,))(y)
    out = mdn.MDN(a.dims, a.mixtures)(y)
    return keras.Model([x] + states, [out] + outs)


def keras_step(a):
    import keras
    import tensorflow as tf
    model = keras_models(a)
    rng = np.random.default_rng(1)
    zeros = [np.zeros((1, a.units), dtype=np.float32) for _ in range(2 * a.layers)]
    results = {"tensorflow": tf.__version__, "keras": keras.__version__}

    def run(call, steps):
        x, states, times = np.zeros((1, 1, a.dims), dtype=np.float32), list(zeros), []
        for i in range(a.warmup + steps):
            t0 = time.perf_counter_ns()
            outputs = call([x] + states)
            out, states = np.asarray(outputs[0])[0], [np.asarray(s) for s in outputs[1:]]
            x = sample_from_output(out, a.dims, a.mixtures, rng).astype(np.float32).reshape(1, 1, a.dims)
            t1 = time.perf_counter_ns()
            if i >= a.warmup:
                times.append((t1 - t0) / 1000)
        return percentiles(times)

    results["keras_call"] = run(lambda inputs: model(inputs, training=False), a.steps)
    results["keras_predict"] = run(lambda inputs: model.predict(inputs, verbose=0), max(50, a.steps // 10))
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    interpreter = tf.lite.Interpreter(model_content=converter.convert(), num_threads=1)
    interpreter.allocate_tensors()
    inputs = interpreter.get_input_details()
    outputs = interpreter.get_output_details()

    def tflite(values):
        # x is the only 3-d input; states follow in model order (all zero at the start,
        # then fed back, so their order among themselves does not change the timing).
        interpreter.set_tensor(x_index, values[0])
        for index, value in zip(state_in, values[1:]):
            interpreter.set_tensor(index, value)
        interpreter.invoke()
        return [interpreter.get_tensor(out_index)] + [interpreter.get_tensor(i) for i in state_out]

    x_index = next(d["index"] for d in inputs if len(d["shape"]) == 3)
    state_in = [d["index"] for d in inputs if len(d["shape"]) == 2]
    out_index = next(d["index"] for d in outputs if d["shape"][-1] == 2 * a.mixtures * a.dims + a.mixtures)
    state_out = [d["index"] for d in outputs if d["index"] != out_index]
    results["tflite"] = run(tflite, a.steps)
    return results


def keras_train(a):
    import keras
    import keras_mdn_layer as mdn
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(a.threads)
    z = np.load(a.data)
    data = z["data"].astype(np.float32)
    rng = np.random.default_rng(1)
    b, t = 64, 50
    starts = rng.integers(0, len(data) - t - 1, size=b * (a.steps + 2))
    x = np.stack([data[s:s + t] for s in starts])
    y = np.stack([data[s + 1:s + t + 1] for s in starts])
    inputs = keras.layers.Input(shape=(t, a.dims))
    h = inputs
    for _ in range(a.layers):
        h = keras.layers.LSTM(a.units, return_sequences=True)(h)
    out = keras.layers.TimeDistributed(mdn.MDN(a.dims, a.mixtures))(h)
    model = keras.Model(inputs, out)
    model.compile(loss=mdn.get_mixture_loss_func(a.dims, a.mixtures), optimizer=keras.optimizers.Adam())
    model.fit(x[: 2 * b], y[: 2 * b], batch_size=b, epochs=1, verbose=0)  # warm-up and tracing
    t0 = time.perf_counter()
    model.fit(x[2 * b:], y[2 * b:], batch_size=b, epochs=1, verbose=0)
    elapsed = time.perf_counter() - t0
    return {"events_per_second": a.steps * b * t / elapsed, "windows_per_second": a.steps * b / elapsed,
            "tensorflow": tf.__version__}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["torch-step", "keras-step", "keras-train"])
    p.add_argument("--dims", type=int, required=True)
    p.add_argument("--units", type=int, required=True)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--mixtures", type=int, default=5)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--data")
    a = p.parse_args()
    print(json.dumps({"torch-step": torch_step, "keras-step": keras_step, "keras-train": keras_train}[a.mode](a)))
