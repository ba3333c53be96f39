// The ensemble page: distributions per model (joint on top), draggable weights, the text
// coloured by its dominant model, the conductor pad and the generation controls.
// Drawing runs once per animation frame from the latest data, whatever the text rate.

import { loadModels, startPage } from './page.js';
import { ConductorPad } from './conductor.js';
import { columnOfByte, columnOfText, columnsOf, drawDistribution, topColumns } from './distributions.js';
import { $, $$, clamp, distinctColours, fitCanvas, h, rangeControl, typingInto } from './ui.js';

const { connection, midi } = startPage({ midi: 'ensemble' });

const MAX_CHARS = 6000, KEEP_CHARS = 4500;

let models = [];              // text models: [{ name, colour }]
let rows = [];                // [{ element, canvas, fill, value, share, checkbox, weight }]
let jointRow = null;
let weights = [], active = [], paused = false;
let touched = [];             // when each weight was last moved here (ms)
let frame = null, columns = [], jointColumns = null, marker = -1;
let distributionsDirty = true;
let symbols = 0;
const queue = [];             // symbols not yet on screen

const stream = $('#stream');
const caret = stream.querySelector('.caret');
const pad = new ConductorPad($('#pad'), {
  onWeights: (w) => {
    const now = performance.now();
    w.forEach((value, i) => { weights[i] = value; touched[i] = now; });
    paintWeights();
    connection.sendLatest('weights', { type: 'weights', weights: w });
  },
});

// ---------- model rows ----------

function build(catalog, status) {
  // Colours are made distinct over the whole catalogue, so a model looks the same on every page.
  const colours = distinctColours(catalog.map((m) => m.colour));
  models = catalog.flatMap((m, i) => (m.kind === 'text' ? [{ name: m.name, colour: colours[i] }] : []));
  const container = $('#rows');
  midi?.forget('weight:');
  if (!models.length) {
    container.replaceChildren(h('p', { class: 'empty' }, h('strong', {}, 'No text models are loaded. '),
      'Start the server with text models: ', h('code', {}, 'baton serve shakespeare.safetensors austen.safetensors')));
    rows = [];
    jointRow = null;
    return;
  }
  jointRow = {
    canvas: h('canvas', { 'aria-label': 'Joint distribution of the ensemble', role: 'img' }),
    share: h('span', { class: 'share num' }),
  };
  const jointElement = h('div', { class: 'dist-row joint', style: { '--model': '#ffffff' } },
    h('div', { class: 'row-head' },
      h('span', { class: 'model-pick' }, h('span', { class: 'swatch', style: { background: 'linear-gradient(135deg, #4b5fe0, #ff5a2c)' } }),
        h('span', { class: 'model-name' }, 'Ensemble')),
      jointRow.share),
    jointRow.canvas);
  rows = models.map((model, i) => {
    const fill = h('div', { class: 'weight-fill' });
    const weight = h('div', {
      class: 'weight', role: 'slider', tabindex: 0, 'aria-label': `Weight of ${model.name}`,
      'aria-valuemin': 0, 'aria-valuemax': 1, 'aria-valuenow': 1, 'data-midi-label': `weight of ${model.name}`,
    }, fill);
    const checkbox = h('input', { type: 'checkbox', checked: true, 'aria-label': `${model.name} takes part` });
    const row = {
      fill, weight, checkbox,
      canvas: h('canvas', { 'aria-label': `Distribution of ${model.name}`, role: 'img' }),
      value: h('span', { class: 'weight-value num' }, '1.00'),
      share: h('span', { class: 'share num' }),
    };
    row.element = h('div', { class: 'dist-row', dataset: { model: String(i) }, style: { '--model': model.colour } },
      h('div', { class: 'row-head' },
        h('label', { class: 'model-pick', title: 'Take part in the ensemble' }, checkbox, h('span', { class: 'swatch' }), h('span', { class: 'model-name' }, model.name)),
        row.share, weight, row.value),
      row.canvas);
    wireWeight(row, i);
    checkbox.addEventListener('change', () => {
      active = rows.map((r) => r.checkbox.checked);
      connection.send({ type: 'active', models: active.flatMap((on, k) => (on ? [k] : [])) });
      paintWeights();
    });
    midi?.target(`weight:${i}`, weight, { min: 0, max: 1, step: 0.01, set: (v) => setWeight(i, v) });
    return row;
  });
  container.replaceChildren(jointElement, ...rows.map((r) => r.element));
  pad.setModels(models);
  touched = models.map(() => 0);
  applyStatus(status);
  distributionsDirty = true;
}

function wireWeight(row, i) {
  const el = row.weight;
  const fromPointer = (event) => {
    const rect = el.getBoundingClientRect();
    setWeight(i, clamp((event.clientX - rect.left) / rect.width, 0, 1));
  };
  el.addEventListener('pointerdown', (event) => {
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    el.setPointerCapture(event.pointerId);
    fromPointer(event);
    event.preventDefault();
  });
  el.addEventListener('pointermove', (event) => { if (el.hasPointerCapture(event.pointerId)) fromPointer(event); });
  el.addEventListener('keydown', (event) => {
    const step = event.shiftKey ? 0.01 : 0.05;
    const keys = { ArrowLeft: -step, ArrowDown: -step, ArrowRight: step, ArrowUp: step, PageDown: -0.2, PageUp: 0.2 };
    let v = null;
    if (event.key in keys) v = (weights[i] ?? 0) + keys[event.key];
    else if (event.key === 'Home') v = 0;
    else if (event.key === 'End') v = 1;
    if (v === null) return;
    event.preventDefault();
    event.stopPropagation();
    setWeight(i, clamp(Math.round(v * 100) / 100, 0, 1));
  });
}

function setWeight(i, value) {
  weights[i] = Math.round(value * 1000) / 1000;
  touched[i] = performance.now();
  paintWeights();
  pad.setWeights(weights, active);
  connection.sendLatest(`weight:${i}`, { type: 'weight', model: i, value: weights[i] });
}

function paintWeights() {
  rows.forEach((row, i) => {
    const w = weights[i] ?? 0;
    row.weight.style.setProperty('--value', String(clamp(w, 0, 1)));
    row.weight.setAttribute('aria-valuenow', w.toFixed(2));
    row.weight.setAttribute('aria-valuetext', `${w.toFixed(2)}${active[i] === false ? ', not taking part' : ''}`);
    row.value.textContent = w.toFixed(2);
    row.element.classList.toggle('inactive', active[i] === false);
    if (row.checkbox.checked !== (active[i] !== false)) row.checkbox.checked = active[i] !== false;
  });
}

// ---------- server state ----------

const temperature = rangeControl($('#c-temperature'), {
  format: (v) => v.toFixed(2), onInput: (v) => connection.sendLatest('temperature', { type: 'temperature', value: v }),
});
const threshold = rangeControl($('#c-threshold'), {
  format: (v) => v.toFixed(2), onInput: (v) => connection.sendLatest('threshold', { type: 'threshold', value: v }),
});
const rate = rangeControl($('#c-rate'), {
  format: (v) => (v === 0 ? 'max' : String(v)), onInput: (v) => connection.sendLatest('rate', { type: 'rate', value: v }),
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

function applyStatus(status) {
  const t = status && status.text;
  if (!t) return;
  const now = performance.now();
  weights = t.weights.map((w, i) => (now - (touched[i] || 0) < 800 ? weights[i] ?? w : w));
  active = t.active.slice();
  paintWeights();
  if (!pad.pressed) pad.setWeights(weights, active);
  temperature.set(t.temperature);
  threshold.set(t.threshold);
  rate.set(t.fastest ? 0 : t.rate);  // the slider's left end shows the fastest mode
  for (const radio of $$('input[name=pooling]')) radio.checked = radio.value === t.pooling;
  if (document.activeElement !== lookaheadOn) lookaheadOn.checked = Array.isArray(t.lookahead);
  if (Array.isArray(t.lookahead)) { candidates.set(t.lookahead[0]); depth.set(t.lookahead[1]); }
  paintLookahead();
  setPaused(t.paused);
}

function setPaused(value) {
  paused = value;
  document.body.dataset.paused = String(paused);
  $('#pause').setAttribute('aria-pressed', String(paused));
  $('#pause .pause-label').textContent = paused ? 'Resume' : 'Pause';
}

loadModels(connection, build);
connection.on('status', (message) => applyStatus(message.status));
connection.on('distributions', (message) => {
  frame = message;
  distributionsDirty = true;
  // The frame says which byte was drawn from it: mark exactly that one.
  if (Number.isInteger(message.symbol)) marker = columnOfByte(message.symbol);
});
connection.on('symbol', (message) => {
  queue.push(message);
  if (queue.length > MAX_CHARS) queue.splice(0, queue.length - KEEP_CHARS);   // a hidden tab draws nothing
  symbols += 1;
  marker = columnOfText(message.text);
});

// ---------- transport ----------

function togglePause() { connection.send({ type: 'pause', paused: !paused }); setPaused(!paused); }
function reset() { connection.send({ type: 'reset' }); separate(); }
function solo(i) {
  if (i >= models.length) return;
  const w = models.map((_, k) => (k === i ? 1 : 0));
  weights = w;
  touched = w.map(() => performance.now());
  paintWeights();
  pad.setWeights(w, active);
  connection.send({ type: 'weights', weights: w });
}
function allEqual() {
  const w = models.map(() => 1);
  weights = w;
  touched = w.map(() => performance.now());
  paintWeights();
  pad.setWeights(w, active);
  connection.send({ type: 'weights', weights: w });
}

$('#pause').addEventListener('click', togglePause);
$('#reset').addEventListener('click', reset);
$('#prime-form').addEventListener('submit', (event) => {
  event.preventDefault();
  connection.send({ type: 'prime', text: $('#prime').value });
  separate();
});

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typingInto(event.target)) return;
  if (event.key >= '1' && event.key <= '9') { solo(Number(event.key) - 1); event.preventDefault(); }
  else if (event.key === '0') { allEqual(); event.preventDefault(); }
  else if (event.key === 'r' || event.key === 'R') { reset(); event.preventDefault(); }
  else if (event.key === ' ') {
    if (event.target.closest?.('button, summary, [role=button]') || event.target.type === 'checkbox' || event.target.type === 'radio') return;
    event.preventDefault();
    togglePause();
  }
});

// ---------- the text ----------

let lastSpan = null, lastModel = -1, shown = 0;

function separate() {
  queue.push({ text: '\n', model: -1 });
}

function appendRun(text, model) {
  if (model !== lastModel || !lastSpan) {
    lastSpan = h('span', { style: { color: model >= 0 ? models[model]?.colour || '#e9ebf1' : 'inherit' } });
    stream.insertBefore(lastSpan, caret);
    lastModel = model;
  }
  lastSpan.append(text);
  shown += text.length;
}

function flushText() {
  if (!queue.length) return;
  const stick = stream.scrollTop + stream.clientHeight >= stream.scrollHeight - 48;
  for (const { text, model } of queue) {
    if (!text.includes('\uFFFD')) { appendRun(text, model); continue; }
    // An invalid UTF-8 sequence: the models disagreed in the middle of a multi-byte character.
    text.split('\uFFFD').forEach((part, k) => {
      if (k > 0) {
        stream.insertBefore(h('span', { class: 'invalid', title: 'an incomplete UTF-8 character: the models disagreed mid-character' }, '·'), caret);
        lastSpan = null;
        shown += 1;
      }
      if (part) appendRun(part, model);
    });
  }
  queue.length = 0;
  if (shown > MAX_CHARS) {
    while (shown > KEEP_CHARS && stream.firstChild !== caret) {
      shown -= stream.firstChild.textContent.length;
      stream.firstChild.remove();
    }
    if (lastSpan && !lastSpan.isConnected) lastSpan = null;
  }
  stream.dataset.chars = String(symbols);
  $('#symbol-count').dataset.chars = String(symbols);
  $('#symbol-count').textContent = `${symbols.toLocaleString('en')} symbols`;
  if (stick) stream.scrollTop = stream.scrollHeight;
}

// ---------- drawing ----------

function drawDistributions() {
  if (!distributionsDirty || !jointRow) return;
  distributionsDirty = false;
  if (frame) {
    jointColumns = columnsOf(frame.joint);
    columns = rows.map((_, i) => columnsOf(frame.models[i]));
  }
  const joint = fitCanvas(jointRow.canvas);
  if (joint) drawDistribution(joint.context, joint.width, joint.height, jointColumns, { marker, labels: true });
  const top = topColumns(jointColumns, 3);
  jointRow.share.textContent = top.length ? top.map((c) => `${c.label} ${Math.round(c.p * 100)}%`).join('  ') : '';
  const total = frame ? frame.weights.reduce((a, b) => a + b, 0) || 1 : 1;
  rows.forEach((row, i) => {
    const fit = fitCanvas(row.canvas);
    const skipped = frame && (!frame.models[i] || frame.models[i].length === 0);
    row.element.classList.toggle('skipped', Boolean(skipped) && active[i] !== false);
    if (fit) drawDistribution(fit.context, fit.width, fit.height, columns[i], { skipped });
    row.share.textContent = frame ? (skipped ? 'skipped' : `${Math.round(((frame.weights[i] ?? 0) / total) * 100)}% share`) : '';
  });
}

function animate() {
  flushText();
  drawDistributions();
  pad.draw();
  requestAnimationFrame(animate);
}
requestAnimationFrame(animate);
new ResizeObserver(() => { distributionsDirty = true; }).observe($('#rows'));
