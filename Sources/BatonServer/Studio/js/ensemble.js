// The ensemble page: the text first (large, coloured by its writers), the conductor pad,
// the mix of weights, the generation controls, and the distributions behind each symbol.
// Every readout shows what the engine does (its shares, who is writing, its real rate);
// drawing runs once per animation frame from the latest data, whatever the text rate.

import { AdaptationRows } from './adaptation.js';
import { loadModels, pollStatus, startPage } from './page.js';
import { ConductorPad } from './conductor.js';
import { feedForm } from './ensemble-feed.js';
import { MixRows } from './ensemble-mix.js';
import { DistributionRows } from './ensemble-rows.js';
import { TextStream } from './ensemble-text.js';
import { $, $$, distinctColours, rangeControl, typingInto } from './ui.js';

const { connection, midi, restart } = startPage({ midi: 'ensemble' });

let models = [];              // text models: [{ name, colour }]
let weights = [], active = [], paused = false;
let touched = [];             // when each weight was last moved here (ms)
let engine = null;            // the latest status.text

const text = new TextStream($('#stream'), { colourOf: (m) => (m >= 0 ? models[m]?.colour || '#e9ebf1' : 'inherit') });
const distributions = new DistributionRows($('#rows'));
const pad = new ConductorPad($('#pad'), {
  labels: $('#pad-labels'),
  onWeights: (w) => {
    const now = performance.now();
    w.forEach((value, i) => { weights[i] = value; touched[i] = now; });
    paintWeights();
    connection.sendLatest('weights', { type: 'weights', weights: w });
  },
});
const mix = new MixRows($('#mix'), {
  midi,
  onWeight: (i, value) => setWeight(i, value),
  onActive: (ticked) => {
    active = ticked;
    connection.send({ type: 'active', models: active.flatMap((on, k) => (on ? [k] : [])) });
    paintWeights();
  },
});
const adaptation = new AdaptationRows($('#adapt'), {
  send: (command) => connection.send(command), unit: 'nats/byte',
  commands: (i) => ({ on: (on) => ({ type: 'adapt', model: i, on }), rate: (value) => ({ type: 'adapt-rate', model: i, value }),
    reset: () => ({ type: 'adapt-reset', model: i }), save: () => ({ type: 'adapt-save', model: i }) }),
});
feedForm($('#feed-form'), { field: $('#feed'), help: $('#feed-help'), send: (command) => connection.send(command) });

// ---------- models ----------

function build(catalog, status) {
  // Colours are made distinct over the whole catalogue, so a model looks the same on every page.
  const colours = distinctColours(catalog.map((m) => m.colour));
  models = catalog.flatMap((m, i) => (m.kind === 'text' ? [{ name: m.name, colour: colours[i] }] : []));
  distributions.build(models);
  mix.build(models);
  pad.setModels(models);
  adaptation.build(models);
  touched = models.map(() => 0);
  applyStatus(status);
}

function setWeight(i, value) {
  weights[i] = Math.round(value * 1000) / 1000;
  touched[i] = performance.now();
  paintWeights();
  connection.sendLatest(`weight:${i}`, { type: 'weight', model: i, value: weights[i] });
}

function paintWeights() {
  mix.paint({ weights, active, normalised: engine?.normalisedWeights, writing: engine?.writing, threshold: engine?.threshold });
  if (!pad.pressed) pad.setWeights(weights, active);
  pad.setShares(engine?.normalisedWeights ?? null);
  distributions.setActive(active);
}

// ---------- generation controls ----------

const temperature = rangeControl($('#c-temperature'), {
  format: (v) => v.toFixed(2), onInput: (v) => connection.sendLatest('temperature', { type: 'temperature', value: v }),
});
const threshold = rangeControl($('#c-threshold'), {
  format: (v) => `${Math.round(v * 100)}%`, onInput: (v) => connection.sendLatest('threshold', { type: 'threshold', value: v }),
});
const rate = rangeControl($('#c-rate'), {
  format: (v) => String(v), onInput: (v) => connection.sendLatest('rate', { type: 'rate', value: v }),
});
const fastest = $('#fastest');
fastest.addEventListener('change', () => {
  connection.send({ type: 'fastest', on: fastest.checked });
  paintRate();
});
const lookaheadOn = $('#lookahead-on');
const sendLookahead = () => connection.sendLatest('lookahead', lookaheadOn.checked
  ? { type: 'lookahead', candidates: candidates.value, depth: depth.value }
  : { type: 'lookahead', value: null });
const candidates = rangeControl($('#c-candidates'), { onInput: () => { if (lookaheadOn.checked) sendLookahead(); } });
const depth = rangeControl($('#c-depth'), { onInput: () => { if (lookaheadOn.checked) sendLookahead(); } });
lookaheadOn.addEventListener('change', () => { paintLookahead(); sendLookahead(); });
function paintLookahead() {
  candidates.input.disabled = depth.input.disabled = !lookaheadOn.checked;
}
paintLookahead();
for (const radio of $$('input[name=pooling]')) {
  radio.addEventListener('change', () => { if (radio.checked) connection.send({ type: 'pooling', value: radio.value }); });
}
if (midi) {
  midi.range('temperature', $('#c-temperature'));
  midi.range('threshold', $('#c-threshold'));
  midi.range('rate', $('#c-rate'));
  midi.range('candidates', $('#c-candidates'));
  midi.range('depth', $('#c-depth'));
}

/** The set rate, the fastest mode, and what the engine really did over the last second. */
function paintRate() {
  const actual = $('#rate-actual');
  if (!engine) return;
  rate.input.max = String(Math.min(120, engine.maximumRate));
  const real = engine.symbolsPerSecond;
  const wanted = fastest.checked ? engine.maximumRate : engine.rate;
  const idle = engine.paused || !engine.writing.length || engine.priming;
  const slow = !idle && !fastest.checked && real < wanted * 0.8 && real > 0;
  actual.textContent = idle ? 'real rate: –' : `real rate: ${real < 10 ? real.toFixed(1) : Math.round(real)}/s${slow ? ' (slower than set)' : ''}`;
  actual.dataset.state = slow ? 'slow' : 'ok';
  actual.title = slow
    ? `The engine manages ${real.toFixed(1)} of the ${wanted} symbols/s set${engine.lookahead ? ': lookahead makes each symbol slower' : ''}`
    : fastest.checked ? `as fast as the models go, at most ${engine.maximumRate}/s` : 'what the engine did over the last second';
}

// ---------- server state ----------

function applyStatus(status) {
  const t = status && status.text;
  if (!t) return;
  engine = t;
  const now = performance.now();
  weights = t.weights.map((w, i) => (now - (touched[i] || 0) < 800 ? weights[i] ?? w : w));
  active = t.active.slice();
  paintWeights();
  temperature.set(t.temperature);
  threshold.set(t.threshold);
  rate.set(t.rate);
  if (document.activeElement !== fastest) fastest.checked = t.fastest;
  paintRate();
  for (const radio of $$('input[name=pooling]')) radio.checked = radio.value === t.pooling;
  if (document.activeElement !== lookaheadOn) lookaheadOn.checked = Array.isArray(t.lookahead);
  if (Array.isArray(t.lookahead)) { candidates.set(t.lookahead[0]); depth.set(t.lookahead[1]); }
  paintLookahead();
  setPaused(t.paused);
  paintState();
  adaptation.paint(t.adaptation);
}

/** What the text is doing, in words, where the text is: paused, priming, or nobody writing. */
function paintState() {
  const tag = $('#text-state'), note = $('#silence-note');
  let state = 'writing', label = '';
  if (engine?.paused) { state = 'paused'; label = 'paused'; }
  else if (engine?.priming) { state = 'priming'; label = 'priming…'; }
  else if (engine && !engine.writing.length) { state = 'silent'; label = 'no model is writing'; }
  tag.dataset.state = state;
  tag.textContent = label;
  document.body.dataset.textState = state;
  note.hidden = state !== 'silent';
  if (state === 'silent') {
    note.textContent = engine.active.some(Boolean)
      ? 'No model is writing: every ticked model has weight 0. Raise a weight, move the baton, or press 0 for all.'
      : 'No model is writing: no model is ticked. Tick one in the mix.';
  }
}

function setPaused(value) {
  paused = value;
  document.body.dataset.paused = String(paused);
  $('#pause').setAttribute('aria-pressed', String(paused));
  $('#pause .pause-label').textContent = paused ? 'Resume' : 'Pause';
}

loadModels(connection, build);
pollStatus(connection, 1);   // the real rate changes without any command
connection.on('status', (message) => applyStatus(message.status));
connection.on('distributions', (message) => distributions.showFrame(message));
connection.on('symbol', (message) => {
  text.push(message);
  distributions.showSymbol(message.text);
});
connection.on('prime', (message) => text.primed(message.text ?? ''));
connection.on('fed', (message) => text.fed(message.text ?? ''));
connection.on('recent', (message) => text.replay(message.pieces));

restart.keep({
  capture: (status) => {
    const t = status.text;
    return t ? { models: t.models, weights: t.weights, active: t.active, temperature: t.temperature, pooling: t.pooling, threshold: t.threshold,
      lookahead: t.lookahead ?? null, rate: t.rate, fastest: t.fastest, paused: t.paused, prime: t.prime } : null;
  },
  restore: async (saved, status) => {
    const skipped = [];
    const send = (command) => connection.api('/api/command', { method: 'POST', body: command });
    if (JSON.stringify(saved.models) === JSON.stringify(status?.text?.models ?? engine?.models)) {
      await send({ type: 'weights', weights: saved.weights });
      await send({ type: 'active', models: saved.active.flatMap((on, k) => (on ? [k] : [])) });
    } else skipped.push('weights (other models are loaded now)');
    await send({ type: 'temperature', value: saved.temperature });
    await send({ type: 'pooling', value: saved.pooling });
    await send({ type: 'threshold', value: saved.threshold });
    await send(saved.lookahead ? { type: 'lookahead', candidates: saved.lookahead[0], depth: saved.lookahead[1] } : { type: 'lookahead', value: null });
    await send({ type: 'rate', value: saved.rate });
    if (saved.fastest) await send({ type: 'fastest', on: true });
    if (saved.prime) await send({ type: 'prime', text: saved.prime });
    if (saved.paused) await send({ type: 'pause', paused: true });
    return skipped;
  },
});

// ---------- transport ----------

function togglePause() { connection.send({ type: 'pause', paused: !paused }); setPaused(!paused); }
function reset() { connection.send({ type: 'reset' }); }
function solo(i) {
  if (i >= models.length) return;
  setAll(models.map((_, k) => (k === i ? 1 : 0)));
}
function setAll(w) {
  weights = w;
  touched = w.map(() => performance.now());
  paintWeights();
  pad.setWeights(w, active);
  connection.send({ type: 'weights', weights: w });
}

$('#pause').addEventListener('click', togglePause);
$('#reset').addEventListener('click', reset);

// The prime: at most 4,096 bytes of UTF-8 (the server's limit); the field says so before sending.
const primeField = $('#prime'), primeHelp = $('#prime-help');
const PRIME_LIMIT = 4096;
function checkPrime() {
  const bytes = new TextEncoder().encode(primeField.value).length;
  const ok = bytes <= PRIME_LIMIT;
  primeHelp.dataset.state = ok ? 'ok' : 'error';
  primeHelp.textContent = ok
    ? (bytes ? `${bytes.toLocaleString('en')} of 4,096 bytes; the text restarts from it.` : 'Up to 4,096 bytes; empty restarts from nothing.')
    : `${bytes.toLocaleString('en')} bytes: a prime holds at most 4,096 bytes — shorten it.`;
  primeField.setAttribute('aria-invalid', String(!ok));
  return ok;
}
primeField.addEventListener('input', checkPrime);
$('#prime-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!checkPrime()) { primeField.focus(); return; }
  connection.send({ type: 'prime', text: primeField.value });
});

// ---------- text only (the projector) ----------

const projector = $('#projector');
function setProjector(on) {
  if (on) document.documentElement.dataset.view = 'text'; else delete document.documentElement.dataset.view;
  projector.setAttribute('aria-pressed', String(on));
  const url = new URL(location.href);
  if (on) url.searchParams.set('view', 'text'); else url.searchParams.delete('view');
  history.replaceState(null, '', url);
  window.dispatchEvent(new Event('resize'));
}
projector.addEventListener('click', () => setProjector(document.documentElement.dataset.view !== 'text'));
setProjector(new URLSearchParams(location.search).get('view') === 'text');

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typingInto(event.target)) return;
  if (event.key === 'Escape' && document.documentElement.dataset.view === 'text') { setProjector(false); return; }
  if (event.key === 't' || event.key === 'T') { setProjector(document.documentElement.dataset.view !== 'text'); event.preventDefault(); return; }
  if (document.body.dataset.connection !== 'open') return;   // nothing to send them to
  if (event.key >= '1' && event.key <= '9') { solo(Number(event.key) - 1); event.preventDefault(); }
  else if (event.key === '0') { setAll(models.map(() => 1)); event.preventDefault(); }
  else if (event.key === 'r' || event.key === 'R') { reset(); event.preventDefault(); }
  else if (event.key === ' ') {
    if (event.target.closest?.('button, summary, [role=button]') || event.target.type === 'checkbox' || event.target.type === 'radio') return;
    event.preventDefault();
    togglePause();
  }
});

// ---------- drawing ----------

function animate() {
  if (models.length && text.flush()) {   // once the models' colours are known
    $('#symbol-count').dataset.chars = String(text.symbols);
    $('#symbol-count').textContent = `${text.symbols.toLocaleString('en')} symbols`;
  }
  distributions.draw();
  pad.draw();
  requestAnimationFrame(animate);
}
requestAnimationFrame(animate);
