// The handwriting page (Ha 2017's sketch-rnn demos): write with any pointer; after a pause the
// strokes go to the server as stroke-3 and the stroke model's continuations come back — the
// first drawn solid, in the colours of the models that wrote it, the others as faint
// "ghosts" of futures it did not choose. The writing wraps to a new line at the sheet's
// edge and the view follows the pen, so a continuation never leaves the sheet. It starts
// with the handwriting model alone; the performer brings the others in. The pen scale
// follows the size of the writing (unless set by hand), so the model answers in letters of
// the writer's size.

import { loadModels, startPage } from './page.js';
import { follow, leftMarginOf, lineHeightOf, wrapLines, writingScale } from './sheet.js';
import { drawSheet } from './sheet-draw.js';
import { fromStroke3, splitStrokes, toStroke3 } from './strokes.js';
import { $, distinctColours, fitCanvas, h, rangeControl, typingInto } from './ui.js';

const { connection, midi } = startPage({ midi: 'handwriting' });

const INK = '#dfe7ff';
const REVEAL_RATE = 110;          // model points drawn per second as the answer arrives
// How tall a stroke of UNIPEN handwriting is (median, data units): the automatic pen scale
// makes the writer's strokes this tall for the model.
const TYPICAL_STROKE_HEIGHT = 168;

const sheet = $('#sheet');
const wrap = $('#sheet-wrap');
const think = $('#think');

let strokeModels = [];            // [{ name, colour, yUp }]
// Everything written, in sheet coordinates (CSS pixels; the view scrolls over them):
// { points: [[x, y]], colours: [colour per point] | null (the writer's ink), group }
let strokes = [];
let drawing = null;               // the stroke under the pen
let answer = null;                // { samples: [[[x, y, down]]], colours: [[colour]], started }
let requestScale = 1;             // the pen scale the pending request was sent with
let timer = null;
let requestId = 0, replies = 0, groups = 0;
let dirty = true;
const view = { y: 0, target: 0 };  // vertical scroll of the sheet

// ---------- settings ----------

const saved = (key, fallback) => {
  const v = Number(localStorage.getItem(`baton.handwriting.${key}`));
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const ghostsOn = $('#ghosts-on');
const samples = rangeControl($('#c-samples'));
const steps = rangeControl($('#c-steps'));
const pi = rangeControl($('#c-pi'), { format: (v) => v.toFixed(2) });
const sigma = rangeControl($('#c-sigma'), { format: (v) => v.toFixed(2) });
const scale = rangeControl($('#c-scale'), {
  format: (v) => `×${v.toFixed(2)}`,
  onInput: (v) => {
    localStorage.setItem('baton.handwriting.scale', String(v));
    if (scaleAuto.checked) { scaleAuto.checked = false; showScaleMode(); }   // a MIDI knob took it over
  },
});
const pause = rangeControl($('#c-pause'), { format: (v) => `${v.toFixed(1)} s` });
const epsilon = rangeControl($('#c-simplify'), { format: (v) => v.toFixed(1) });
const scaleAuto = $('#scale-auto');
scaleAuto.checked = localStorage.getItem('baton.handwriting.scale-auto') !== 'off';
scale.input.value = String(saved('scale', 4));
scale.input.dispatchEvent(new Event('limits'));   // shows the value without taking it off auto
function showScaleMode() {
  scale.input.disabled = scaleAuto.checked;
  localStorage.setItem('baton.handwriting.scale-auto', scaleAuto.checked ? 'on' : 'off');
}
scaleAuto.addEventListener('change', showScaleMode);
showScaleMode();

/** The pen scale for the next request: from the writing's size (auto), or the slider's. */
function penScale() {
  if (!scaleAuto.checked) return scale.value;
  const value = writingScale(strokes, scale.value, { typicalHeight: TYPICAL_STROKE_HEIGHT, min: Number(scale.input.min), max: Number(scale.input.max) });
  scale.input.value = String(value);
  scale.input.dispatchEvent(new Event('limits'));   // redraws the slider and its number, saves nothing
  return value;
}
ghostsOn.addEventListener('change', () => { samples.input.disabled = !ghostsOn.checked; dirty = true; });
let mixControls = [];

if (midi) {
  for (const [id, selector] of [['samples', '#c-samples'], ['steps', '#c-steps'], ['pi', '#c-pi'], ['sigma', '#c-sigma'], ['scale', '#c-scale'], ['pause', '#c-pause']]) {
    midi.range(id, $(selector));
  }
}

/** The model a handwriting page starts with: one trained on handwriting, else the first. */
function handwritingModel(models) {
  const index = models.findIndex((m) => /handwrit|unipen|cursive/i.test(`${m.name} ${m.corpus ?? ''} ${m.file ?? ''}`));
  return Math.max(0, index);
}

function build(catalog) {
  const colours = distinctColours(catalog.map((m) => m.colour));   // as on every page
  const stroke = catalog.flatMap((m, i) => (m.kind === 'strokes' ? [{ ...m, colour: colours[i] }] : []));
  strokeModels = stroke.map((m) => ({ name: m.name, colour: m.colour, yUp: m.yAxis === 'up' }));
  const first = handwritingModel(stroke);
  $('#model-names').replaceChildren(...strokeModels.map((m) => h('span', { class: 'chip', style: { '--chip': m.colour }, title: m.name }, h('i'), m.name)));
  $('#y-axis').textContent = strokeModels.length ? `y ${strokeModels[first].yUp ? 'up' : 'down'} in the data` : '';
  const mix = $('#mix');
  midi?.forget('mix:');
  mixControls = [];
  if (strokeModels.length > 1) {
    mix.hidden = false;
    mix.replaceChildren(h('p', { class: 'mix-note', id: 'mix-note' }, 'Bring other models in: their share of the writing'));
    strokeModels.forEach((m, i) => {
      const id = `mix-${i}`;
      const wrapper = h('div', { class: 'control', 'data-midi-label': `mix ${m.name}` },
        h('label', { for: id, title: m.name }, m.name), h('output', { for: id }),
        h('input', { type: 'range', id, min: 0, max: 1, step: 0.05, value: i === first ? 1 : 0, 'data-limit': 'weight' }));
      mix.append(wrapper);
      wrapper.style.setProperty('--accent', m.colour);   // the slider in the model's colour
      mixControls.push(rangeControl(wrapper, { format: (v) => v.toFixed(2), onInput: paintMix }));
      midi?.range(`mix:${i}`, wrapper);
    });
    paintMix();
  } else {
    mix.hidden = true;
    mix.replaceChildren();
  }
  if (!strokeModels.length) say('error', 'no stroke model is loaded — start baton serve with one');
  else say('idle', 'the model continues when you pause');
}

function mixWeights() { return strokeModels.map((_, i) => mixControls[i]?.value ?? 1); }

function paintMix() {
  const note = $('#mix-note');
  if (!note) return;
  const silent = !mixWeights().some((w) => w > 0);
  note.dataset.state = silent ? 'silent' : 'ok';
  note.textContent = silent ? 'Every model is at 0: no model would write. Bring one in.' : 'Bring other models in: their share of the writing';
}

loadModels(connection, build);

function say(state, text) {
  think.dataset.state = state;
  think.textContent = text;
}

// ---------- writing ----------

function position(event) {
  const rect = sheet.getBoundingClientRect();
  const zoom = rect.width / (sheet.offsetWidth || rect.width);   // Stage view's CSS zoom
  return [(event.clientX - rect.left) / zoom, (event.clientY - rect.top) / zoom + view.y];
}

/** Forgets any answer, shown or on its way (an answer to a drawing that has changed). */
function dropAnswer() {
  clearTimeout(timer);
  requestId += 1;
  answer = null;
  $('#keep').disabled = true;
}

sheet.addEventListener('pointerdown', (event) => {
  if (event.pointerType === 'mouse' && event.button !== 0) return;
  event.preventDefault();
  sheet.setPointerCapture(event.pointerId);
  dropAnswer();
  groups += 1;
  drawing = { id: event.pointerId, points: [position(event)], colours: null, group: groups };
  strokes.push(drawing);
  wrap.dataset.empty = 'false';
  say('idle', 'writing…');
  dirty = true;
});
sheet.addEventListener('pointermove', (event) => {
  if (!drawing || drawing.id !== event.pointerId) return;
  const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
  for (const e of events.length ? events : [event]) {
    const [x, y] = position(e);
    const [px, py] = drawing.points[drawing.points.length - 1];
    if (Math.hypot(x - px, y - py) >= 1.5) drawing.points.push([x, y]);
  }
  dirty = true;
});
const finish = (event) => {
  if (!drawing || drawing.id !== event.pointerId) return;
  drawing = null;
  schedule();
};
sheet.addEventListener('pointerup', finish);
sheet.addEventListener('pointercancel', finish);

function schedule() {
  clearTimeout(timer);
  if (!strokes.length || !strokeModels.length) return;
  say('waiting', 'listening…');
  const id = requestId;
  timer = setTimeout(() => { if (id === requestId) requestContinuation(); }, pause.value * 1000);
}

function requestContinuation() {
  clearTimeout(timer);
  if (!strokes.length || !strokeModels.length || drawing) return;
  const weights = mixWeights();
  if (!weights.some((w) => w > 0)) { say('error', 'every model is at 0 — bring one in to continue'); return; }
  const yUp = strokeModels[0].yUp;
  requestScale = penScale();
  const points = toStroke3(strokes.map((s) => s.points), { scale: requestScale, yUp, epsilon: epsilon.value });
  requestId += 1;
  const message = {
    type: 'strokes', id: requestId, points, steps: steps.value,
    samples: ghostsOn.checked ? samples.value : 1,
    weights, piTemperature: pi.value, sigmaTemperature: sigma.value,
  };
  if (!connection.send(message)) {
    say('error', 'not connected to the server');
    return;
  }
  say('thinking', 'the model is writing…');
}

connection.on('strokes', (message) => {
  if (String(message.id) !== String(requestId)) return;     // an answer to an older drawing, or one undone
  const last = strokes.at(-1)?.points.at(-1);
  if (!last || !Array.isArray(message.samples)) return;
  const { width } = sheetSize();
  const options = { scale: requestScale, yUp: strokeModels[0]?.yUp };
  const raw = message.samples.map((rows) => fromStroke3(rows, last, options));
  const layout = { left: leftMarginOf(strokes, width), right: width - 12, lineHeight: lineHeightOf(strokes, raw[0] ?? []) };
  const colourOf = (source) => strokeModels[source]?.colour ?? strokeModels[0]?.colour ?? INK;
  answer = {
    samples: raw.map((points) => wrapLines(points, layout)),
    colours: message.samples.map((rows, k) => rows.map((_, i) => colourOf(message.sources?.[k]?.[i] ?? 0))),
    started: performance.now(),
  };
  replies += 1;
  const first = answer.samples[0] || [];
  wrap.dataset.replies = String(replies);
  wrap.dataset.modelPoints = String(first.length);
  wrap.dataset.samples = String(answer.samples.length);
  // What the tests (and a curious performer with devtools) can read: where the line went, who wrote it.
  wrap.dataset.modelLeft = String(Math.round(Math.min(...first.map((p) => p[0]))));
  wrap.dataset.modelRight = String(Math.round(Math.max(...first.map((p) => p[0]))));
  wrap.dataset.modelDown = String(first.filter((p) => p[2]).length);
  const heights = splitStrokes(first).filter((s) => s.length > 2).map((s) => Math.max(...s.map((p) => p[1])) - Math.min(...s.map((p) => p[1])));
  wrap.dataset.modelStrokeHeight = String(Math.round(heights.sort((a, b) => a - b)[Math.floor(heights.length / 2)] ?? 0));
  wrap.dataset.sources = [...new Set((message.sources?.[0] ?? []).map(String))].join(',');
  $('#keep').disabled = first.length === 0;
  const n = answer.samples.length;
  say('done', n > 1 ? `${n} futures · ${first.length} points each` : `${first.length} points`);
  dirty = true;
});
connection.on('error', (message) => {
  if (message.id === undefined || String(message.id) !== String(requestId)) return;
  say('error', message.message || 'the server could not continue the strokes');
});

// ---------- actions ----------

/** Takes back the last thing written: a stroke of the writer's, or a kept line whole. */
function undo() {
  dropAnswer();
  const group = strokes.at(-1)?.group;
  while (strokes.length && strokes.at(-1).group === group) strokes.pop();
  wrap.dataset.empty = String(strokes.length === 0);
  say('idle', 'the model continues when you pause');
  dirty = true;
}

function clear() {
  dropAnswer();
  strokes = [];
  view.y = view.target = 0;
  wrap.dataset.empty = 'true';
  say('idle', 'the model continues when you pause');
  dirty = true;
}

/** Adopts the model's solid line as part of the drawing, so the next answer continues from it. */
function keep() {
  if (!answer || !answer.samples[0]?.length) return;
  groups += 1;
  const colours = answer.colours[0];
  let k = 0;
  for (const points of splitStrokes(answer.samples[0])) {
    strokes.push({ points, colours: points.map((_, i) => colours[k + i]), group: groups });
    k += points.length;
  }
  answer = null;
  $('#keep').disabled = true;
  dirty = true;
  schedule();
}

$('#undo').addEventListener('click', undo);
$('#clear').addEventListener('click', clear);
$('#keep').addEventListener('click', keep);
$('#continue').addEventListener('click', requestContinuation);
document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typingInto(event.target)) return;
  const actions = { z: undo, c: clear, k: keep, g: () => { ghostsOn.checked = !ghostsOn.checked; ghostsOn.dispatchEvent(new Event('change')); } };
  if (event.key === 'Enter' && !event.target.closest?.('button')) { requestContinuation(); event.preventDefault(); return; }
  const action = actions[event.key.toLowerCase()];
  if (action) { action(); event.preventDefault(); }
});

// ---------- drawing ----------

function sheetSize() {
  return { width: sheet.offsetWidth || 600, height: sheet.offsetHeight || 400 };
}

function draw() {
  const first = answer?.samples[0] || [];
  const revealed = answer ? Math.floor(((performance.now() - answer.started) / 1000) * REVEAL_RATE) + 1 : 0;
  const revealing = answer && revealed <= first.length;
  const fit = fitCanvas(sheet);
  if (!fit) return;
  const { height } = sheetSize();
  // The view follows the newest ink: the model's pen while it writes, else the writer's.
  const tip = first[Math.min(revealed, first.length) - 1] ?? strokes.at(-1)?.points.at(-1);
  if (tip && !drawing) view.target = follow(view.target, tip[1], height);
  const moving = Math.abs(view.target - view.y) > 0.5;
  if (!dirty && !revealing && !moving) return;
  view.y = moving ? view.y + (view.target - view.y) * 0.2 : view.target;
  dirty = false;
  const { context: g, width: w, height: hh } = fit;
  drawSheet(g, { width: w, height: hh, zoom: w / (sheet.offsetWidth || w), viewY: view.y, strokes, answer, revealed, ink: INK });
  wrap.dataset.viewY = String(Math.round(view.y));
  wrap.dataset.strokes = String(strokes.length);
}

function animate() {
  draw();
  requestAnimationFrame(animate);
}
requestAnimationFrame(animate);
new ResizeObserver(() => { dirty = true; }).observe(sheet);
