// The handwriting page (Ha 2017's sketch-rnn demos): write with any pointer; after a pause the
// strokes go to the server as stroke-3 and the stroke model's continuations come back — the
// first drawn solid, the others as faint "ghosts" of futures it did not choose.

import { loadModels, startPage } from './page.js';
import { fromStroke3, splitStrokes, toStroke3 } from './strokes.js';
import { $, distinctColours, fitCanvas, h, rangeControl, rgba, typingInto } from './ui.js';

const { connection, midi } = startPage({ midi: 'handwriting' });

const INK = '#dfe7ff';
const REVEAL_RATE = 110;          // model points drawn per second as the answer arrives

const sheet = $('#sheet');
const wrap = $('#sheet-wrap');
const think = $('#think');

let strokeModels = [];            // [{ name, colour, yUp }]
let strokes = [];                 // [{ points: [[x, y]], model: colour | null }] in CSS pixels
let drawing = null;               // the stroke under the pen
let answer = null;                // { samples: [[[x, y, down]]], colour, started }
let timer = null;
let requestId = 0, replies = 0;
let dirty = true;

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
  onInput: (v) => localStorage.setItem('baton.handwriting.scale', String(v)),
});
const pause = rangeControl($('#c-pause'), { format: (v) => `${v.toFixed(1)} s` });
const epsilon = rangeControl($('#c-simplify'), { format: (v) => v.toFixed(1) });
scale.input.value = String(saved('scale', 1));
scale.input.dispatchEvent(new Event('input'));
ghostsOn.addEventListener('change', () => { samples.input.disabled = !ghostsOn.checked; dirty = true; });
let mixControls = [];

if (midi) {
  for (const [id, selector] of [['samples', '#c-samples'], ['steps', '#c-steps'], ['pi', '#c-pi'], ['sigma', '#c-sigma'], ['scale', '#c-scale'], ['pause', '#c-pause']]) {
    midi.range(id, $(selector));
  }
}

function build(catalog) {
  const colours = distinctColours(catalog.map((m) => m.colour));   // as on every page
  strokeModels = catalog.flatMap((m, i) => (m.kind === 'strokes' ? [{ name: m.name, colour: colours[i], yUp: m.yAxis === 'up' }] : []));
  $('#model-names').replaceChildren(...strokeModels.map((m) => h('span', { class: 'chip', style: { '--chip': m.colour } }, h('i'), m.name)));
  $('#y-axis').textContent = strokeModels.length ? `y ${strokeModels[0].yUp ? 'up' : 'down'} in the data` : '';
  const mix = $('#mix');
  midi?.forget('mix:');
  mixControls = [];
  if (strokeModels.length > 1) {
    mix.hidden = false;
    mix.replaceChildren(h('span', { class: 'label muted', style: { fontSize: '13px' } }, 'Mix between the stroke models'));
    strokeModels.forEach((m, i) => {
      const id = `mix-${i}`;
      const wrapper = h('div', { class: 'control', 'data-midi-label': `mix ${m.name}` },
        h('label', { for: id }, m.name), h('output', { for: id }),
        h('input', { type: 'range', id, min: 0, max: 1, step: 0.05, value: 1 }));
      mix.append(wrapper);
      wrapper.style.setProperty('--accent', m.colour);   // the slider in the model's colour
      mixControls.push(rangeControl(wrapper, { format: (v) => v.toFixed(2) }));
      midi?.range(`mix:${i}`, wrapper);
    });
  } else {
    mix.hidden = true;
    mix.replaceChildren();
  }
  if (!strokeModels.length) say('error', 'no stroke model is loaded — start baton serve with one');
  else say('idle', 'the model continues when you pause');
}

loadModels(connection, build);

function say(state, text) {
  think.dataset.state = state;
  think.textContent = text;
}

// ---------- writing ----------

function position(event) {
  const rect = sheet.getBoundingClientRect();
  return [event.clientX - rect.left, event.clientY - rect.top];
}

sheet.addEventListener('pointerdown', (event) => {
  if (event.pointerType === 'mouse' && event.button !== 0) return;
  event.preventDefault();
  sheet.setPointerCapture(event.pointerId);
  clearTimeout(timer);
  answer = null;
  $('#keep').disabled = true;
  drawing = { id: event.pointerId, points: [position(event)], model: null };
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
  timer = setTimeout(requestContinuation, pause.value * 1000);
}

function requestContinuation() {
  clearTimeout(timer);
  if (!strokes.length || !strokeModels.length || drawing) return;
  const yUp = strokeModels[0].yUp;
  const points = toStroke3(strokes.map((s) => s.points), { scale: scale.value, yUp, epsilon: epsilon.value });
  requestId += 1;
  const message = {
    type: 'strokes', id: requestId, points, steps: steps.value,
    samples: ghostsOn.checked ? samples.value : 1,
    weights: strokeModels.map((_, i) => mixControls[i]?.value ?? 1),
    piTemperature: pi.value, sigmaTemperature: sigma.value,
  };
  if (!connection.send(message)) {
    say('error', 'not connected to the server');
    return;
  }
  say('thinking', 'the model is writing…');
}

connection.on('strokes', (message) => {
  if (String(message.id) !== String(requestId)) return;     // an answer to an older drawing
  const last = strokes.at(-1)?.points.at(-1);
  if (!last || !Array.isArray(message.samples)) return;
  const options = { scale: scale.value, yUp: strokeModels[0]?.yUp };
  const colour = dominantColour();
  answer = { samples: message.samples.map((rows) => fromStroke3(rows, last, options)), colour, started: performance.now() };
  replies += 1;
  const first = answer.samples[0] || [];
  wrap.dataset.replies = String(replies);
  wrap.dataset.modelPoints = String(first.length);
  wrap.dataset.samples = String(answer.samples.length);
  $('#keep').disabled = first.length === 0;
  const n = answer.samples.length;
  say('done', n > 1 ? `${n} futures · ${first.length} points each` : `${first.length} points`);
  dirty = true;
});
connection.on('error', (message) => {
  if (message.id === undefined || String(message.id) !== String(requestId)) return;
  say('error', message.message || 'the server could not continue the strokes');
});

function dominantColour() {
  if (strokeModels.length === 1) return strokeModels[0].colour;
  let best = 0;
  mixControls.forEach((c, i) => { if (c.value > (mixControls[best]?.value ?? 0)) best = i; });
  return strokeModels[best]?.colour || '#e05dd6';
}

// ---------- actions ----------

function undo() {
  strokes.pop();
  answer = null;
  $('#keep').disabled = true;
  wrap.dataset.empty = String(strokes.length === 0);
  say('idle', 'the model continues when you pause');
  dirty = true;
}

function clear() {
  clearTimeout(timer);
  strokes = [];
  answer = null;
  $('#keep').disabled = true;
  wrap.dataset.empty = 'true';
  say('idle', 'the model continues when you pause');
  dirty = true;
}

/** Adopts the model's solid line as part of the drawing, so the next answer continues from it. */
function keep() {
  if (!answer || !answer.samples[0]?.length) return;
  for (const points of splitStrokes(answer.samples[0])) strokes.push({ points, model: answer.colour });
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

function path(g, points, upTo = points.length) {
  // Smooth through midpoints (quadratic curves), which reads as ink rather than a polyline.
  g.beginPath();
  if (!points.length) return;
  g.moveTo(points[0][0], points[0][1]);
  if (upTo === 1) { g.lineTo(points[0][0] + 0.1, points[0][1]); return; }
  for (let i = 1; i < upTo - 1; i++) {
    const [x, y] = points[i], [nx, ny] = points[i + 1];
    g.quadraticCurveTo(x, y, (x + nx) / 2, (y + ny) / 2);
  }
  const [lx, ly] = points[upTo - 1];
  g.lineTo(lx, ly);
}

function drawModelLine(g, points, count) {
  // points: [x, y, down]; draws the segments whose pen is down, up to `count` points
  g.beginPath();
  for (let i = 1; i < Math.min(count, points.length); i++) {
    if (!points[i][2]) continue;
    g.moveTo(points[i - 1][0], points[i - 1][1]);
    g.lineTo(points[i][0], points[i][1]);
  }
  g.stroke();
}

function draw() {
  const revealing = answer && (performance.now() - answer.started) / 1000 * REVEAL_RATE < (answer.samples[0]?.length ?? 0) + 1;
  if (!dirty && !revealing) return;
  const fit = fitCanvas(sheet);
  if (!fit) return;
  dirty = false;
  const { context: g, width, height } = fit;
  g.clearRect(0, 0, width, height);
  // a quiet dot grid, so the surface reads as paper
  g.fillStyle = 'rgba(255, 255, 255, 0.06)';
  for (let y = 24; y < height; y += 32) for (let x = 24; x < width; x += 32) g.fillRect(x, y, 1.5, 1.5);
  g.lineCap = 'round';
  g.lineJoin = 'round';

  for (const stroke of strokes) {
    g.strokeStyle = stroke.model || INK;
    g.lineWidth = 3;
    path(g, stroke.points);
    g.stroke();
  }
  if (!answer) return;
  const count = Math.floor(((performance.now() - answer.started) / 1000) * REVEAL_RATE) + 1;
  answer.samples.slice(1).forEach((points) => {
    g.strokeStyle = rgba(answer.colour, 0.26);
    g.lineWidth = 1.6;
    drawModelLine(g, points, count);
  });
  const first = answer.samples[0] || [];
  g.strokeStyle = answer.colour;
  g.lineWidth = 3;
  g.shadowColor = rgba(answer.colour, 0.55);
  g.shadowBlur = 8;
  drawModelLine(g, first, count);
  g.shadowBlur = 0;
  const tip = first[Math.min(count, first.length) - 1];
  if (tip) {
    g.fillStyle = '#ffffff';
    g.beginPath();
    g.arc(tip[0], tip[1], 3.5, 0, Math.PI * 2);
    g.fill();
  }
}

function animate() {
  draw();
  requestAnimationFrame(animate);
}
requestAnimationFrame(animate);
new ResizeObserver(() => { dirty = true; }).observe(sheet);
