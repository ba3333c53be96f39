// The instrument page (IMPS, Martin & Torresen 2019): live bars for the performer's values and
// the model's predictions, a scrolling ten-second history, where the predictions go and a
// voice to hear them in the browser, the interaction settings, a way to play from the page
// (XY pad and sliders send `interface` events), and the workshop.

import { AdaptationRows } from './adaptation.js';
import { loadModels, pollStatus, startPage } from './page.js';
import { Voice } from './voice.js';
import { Workshop } from './workshop.js';
import { XYPad } from './xy-pad.js';
import { $, $$, clamp, distinctColours, fitCanvas, h, rangeControl, rgba } from './ui.js';

const { connection, midi, restart } = startPage({ midi: 'instrument' });
const voice = new Voice();

const HISTORY_SECONDS = 10;
const HISTORY_LIMIT = 4000;       // events kept while the tab is hidden (nothing is drawn then)
const INPUT = '#dfe7ff';
const MODE_HELP = {
  none: 'Your events update the model’s state; it plays nothing. Everything is logged.',
  filter: 'Every event you play is answered by one prediction, at the time the model predicts.',
  callresponse: 'Play, then stop: after the silence threshold the model answers, feeding itself, until you play again.',
  battle: 'The model plays continuously on its own, without listening to you.',
};

let dims = 0;                     // control values per event (the model's dims minus dt)
let modelColour = '#ffb547';
let latestIn = [], latestOut = [];
let bars = [];                    // [{ input, prediction, label }]
let sliders = [];                 // play sliders (rangeControl)
const history = [];               // { t, values, source: 'in' | 'out' }
let countIn = 0, countOut = 0;
let barsDirty = true, historyQuiet = false;
let paused = false;

// ---------- layout for the model's dimensions ----------

function build(catalog, status) {
  const control = catalog.filter((m) => m.kind === 'control');
  const instrument = status.instrument;
  workshop.setCatalog(control);
  if (!instrument) {
    $('#bars').replaceChildren(h('p', { class: 'empty' }, h('strong', {}, 'No control model is loaded. '),
      'Start the server with one to play the instrument.'));
    $('#model-name').textContent = 'no model';
    dims = 0;
    return;
  }
  const colours = distinctColours(catalog.map((m) => m.colour));
  const index = catalog.findIndex((m) => m.kind === 'control' && m.name === instrument.model);
  modelColour = index >= 0 ? colours[index] : (control[0] ? colours[catalog.indexOf(control[0])] : '#ffb547');
  document.body.style.setProperty('--model', modelColour);
  $('#legend-model').style.background = modelColour;
  layout(instrument.dims - 1);
  applyStatus(status);
}

function layout(count) {
  if (count === dims && bars.length) return;
  dims = count;
  historyQuiet = false;   // redraw the lanes for the new width
  latestIn = new Array(dims).fill(null);
  latestOut = new Array(dims).fill(null);
  bars = Array.from({ length: dims }, (_, i) => {
    const input = h('div', { class: 'bar input', role: 'meter', 'aria-label': `performer x${i + 1}`, 'aria-valuemin': 0, 'aria-valuemax': 1, 'aria-valuenow': 0, dataset: { value: '' } }, h('div', { class: 'bar-fill' }));
    const prediction = h('div', { class: 'bar prediction', role: 'meter', 'aria-label': `model x${i + 1}`, 'aria-valuemin': 0, 'aria-valuemax': 1, 'aria-valuenow': 0, dataset: { value: '' } }, h('div', { class: 'bar-fill' }));
    const label = h('div', { class: 'bar-label' }, h('span', {}, `x${i + 1}`), h('span', { class: 'num' }, '–'));
    return { input, prediction, label, element: h('div', { class: 'bar-group' }, h('div', { class: 'bar-pair' }, input, prediction), label) };
  });
  $('#bars').replaceChildren(...bars.map((b) => b.element));

  midi?.forget('play:');
  sliders = [];
  const box = $('#play-sliders');
  box.replaceChildren(...Array.from({ length: dims }, (_, i) => {
    const id = `play-${i}`;
    const wrapper = h('div', { class: 'control', 'data-midi-label': `x${i + 1}` },
      h('label', { for: id }, `x${i + 1}${i === 0 ? ' (pad →)' : i === 1 ? ' (pad ↑)' : ''}`), h('output', { for: id }),
      h('input', { type: 'range', id, min: 0, max: 1, step: 0.001, value: 0.5 }));
    sliders.push(rangeControl(wrapper, { format: (v) => v.toFixed(3), onInput: () => play() }));
    midi?.range(`play:${i}`, wrapper);
    return wrapper;
  }));
  box.append(h('p', { class: 'hint' }, 'Moving a slider or the pad plays one event per frame, like a controller would.'));
  xy.markDirty();
}

// ---------- events ----------

function play() {
  if (!dims) return;
  const values = sliders.map((s) => s.value);
  connection.sendLatest('interface', { type: 'interface', values });
  xy.markDirty();
}

function remember(event) {
  history.push(event);
  if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT / 2);
  historyQuiet = false;
}

connection.on('interface', (message) => {
  latestIn = message.values;
  countIn += 1;
  voice.play('in', message.values);
  remember({ t: performance.now(), values: message.values, source: 'in' });
  $('#last-dt').textContent = `${Number(message.dt).toFixed(3)} s`;
  barsDirty = true;
});
connection.on('prediction', (message) => {
  latestOut = message.values;
  countOut += 1;
  voice.play('out', message.values);
  remember({ t: performance.now(), values: message.values, source: 'out' });
  barsDirty = true;
  xy.markDirty();
});

// ---------- settings ----------

const pi = rangeControl($('#c-pi'), { format: (v) => v.toFixed(2), onInput: (v) => connection.sendLatest('pi', { type: 'pi-temperature', value: v }) });
const sigma = rangeControl($('#c-sigma'), { format: (v) => v.toFixed(2), onInput: (v) => connection.sendLatest('sigma', { type: 'sigma-temperature', value: v }) });
const timescale = rangeControl($('#c-timescale'), { format: (v) => `×${v.toFixed(2)}`, onInput: (v) => connection.sendLatest('timescale', { type: 'timescale', value: v }) });
const silence = rangeControl($('#c-silence'), { format: (v) => `${v.toFixed(1)} s`, onInput: (v) => connection.sendLatest('silence', { type: 'silence-threshold', value: v }) });
if (midi) {
  midi.range('pi', $('#c-pi'));
  midi.range('sigma', $('#c-sigma'));
  midi.range('timescale', $('#c-timescale'));
  midi.range('silence', $('#c-silence'));
}
for (const radio of $$('input[name=mode]')) {
  radio.addEventListener('change', () => {
    if (!radio.checked) return;
    connection.send({ type: 'mode', mode: radio.value });
    showMode(radio.value);
  });
}
function showMode(mode) {
  $('#mode-help').textContent = MODE_HELP[mode] || '';
  silence.input.disabled = mode !== 'callresponse';
}
$('#pause').addEventListener('click', () => {
  connection.send({ type: 'instrument-pause', paused: !paused });
  setPaused(!paused);
});
$('#reset').addEventListener('click', () => connection.send({ type: 'instrument-reset' }));
function setPaused(value) {
  paused = value;
  $('#pause').setAttribute('aria-pressed', String(paused));
  $('#pause .pause-label').textContent = paused ? 'Model paused — resume' : 'Pause the model';
}

function applyStatus(status) {
  showRoutes(status?.outputs);
  const s = status && status.instrument;
  if (!s) return;
  if (s.dims - 1 !== dims) layout(s.dims - 1);
  $('#model-name').textContent = s.model;
  for (const radio of $$('input[name=mode]')) radio.checked = radio.value === s.mode;
  showMode(s.mode);
  pi.set(s.piTemperature);
  sigma.set(s.sigmaTemperature);
  timescale.set(s.timescale);
  silence.set(s.silenceThreshold);
  setPaused(s.paused);
  workshop.showCurrent(s.file);
  workshop.showLog(s.log);
  if (adaptation.rows[0]?.model.name !== s.model) adaptation.build([{ name: s.model, colour: modelColour }]);
  adaptation.paint([s.adaptation]);
}

const adaptation = new AdaptationRows($('#adapt'), {
  send: (command) => connection.send(command), unit: 'nats/event',
  commands: () => ({ on: (on) => ({ type: 'instrument-adapt', on }), rate: (value) => ({ type: 'instrument-adapt-rate', value }),
    reset: () => ({ type: 'instrument-adapt-reset' }), save: () => ({ type: 'instrument-adapt-save' }) }),
});

const workshop = new Workshop(connection);
loadModels(connection, (catalog, status) => { build(catalog, status); workshop.refresh(); workshop.showJob(status.training); });
connection.on('status', (message) => applyStatus(message.status));
pollStatus(connection, 2);   // events change the status (a new session log) without publishing it

/** Where the predictions go: OSC destinations and address, MIDI ports, this browser. */
function showRoutes(outputs) {
  if (!outputs) return;
  const osc = outputs.osc?.length ? `OSC ${outputs.predictionAddresses.join(' and ')} to ${outputs.osc.join(', ')}` : 'no OSC destination';
  const midiOut = outputs.midi?.length ? `MIDI out: ${outputs.midi.join(', ')}` : 'no MIDI output';
  $('#routes').replaceChildren(h('b', {}, 'Predictions go to '), `${osc} · ${midiOut} · `,
    h('span', { id: 'routes-sound' }, voice.on ? 'and this browser' : 'not to this browser (Sound is off)'));
  $('#routes').dataset.osc = (outputs.osc || []).join(',');
}

// ---------- sound in the browser ----------

const soundButton = $('#sound');
soundButton.addEventListener('click', async () => {
  try {
    if (voice.on) await voice.stop(); else await voice.start();
  } catch (error) {
    soundButton.title = `No sound: ${error.message}`;
  }
  soundButton.setAttribute('aria-pressed', String(voice.on));
  soundButton.textContent = voice.on ? 'Sound on' : 'Sound off';
  const line = $('#routes-sound');
  if (line) line.textContent = voice.on ? 'and this browser' : 'not to this browser (Sound is off)';
});
setInterval(() => {
  soundButton.dataset.notesIn = String(voice.strikes.in);
  soundButton.dataset.notesOut = String(voice.strikes.out);
}, 250);

restart.keep({
  capture: (status) => {
    const s = status.instrument;
    return s ? { model: s.model, file: s.file ?? null, mode: s.mode, piTemperature: s.piTemperature, sigmaTemperature: s.sigmaTemperature,
      timescale: s.timescale, silenceThreshold: s.silenceThreshold, paused: s.paused } : null;
  },
  restore: async (saved, status) => {
    const skipped = [];
    const send = (command) => connection.api('/api/command', { method: 'POST', body: command });
    if (saved.file && saved.file !== status?.instrument?.file) {
      try { await connection.api('/api/instrument/model', { method: 'POST', body: { name: saved.file } }); } catch { skipped.push(`the model ${saved.model} (not found)`); }
    }
    await send({ type: 'mode', mode: saved.mode });
    await send({ type: 'pi-temperature', value: saved.piTemperature });
    await send({ type: 'sigma-temperature', value: saved.sigmaTemperature });
    await send({ type: 'timescale', value: saved.timescale });
    await send({ type: 'silence-threshold', value: saved.silenceThreshold });
    if (saved.paused) await send({ type: 'instrument-pause', paused: true });
    return skipped;
  },
});

// ---------- the XY pad ----------

const xy = new XYPad($('#xy'), {
  position: () => (sliders.length ? [sliders[0].value, sliders[1]?.value ?? 0.5] : null),
  set: ([x, y]) => {
    if (sliders[0]) { sliders[0].input.value = String(x); sliders[0].input.dispatchEvent(new Event('input')); }
    if (sliders[1]) { sliders[1].input.value = String(y); sliders[1].input.dispatchEvent(new Event('input')); }
  },
  answer: () => ({ values: latestOut, colour: modelColour, shown: dims >= 2 }),
  ink: INPUT,
});

// ---------- bars and history ----------

function drawBars() {
  if (!barsDirty) return;
  barsDirty = false;
  bars.forEach((b, i) => {
    const vin = latestIn[i], vout = latestOut[i];
    if (vin !== null && vin !== undefined) {
      b.input.style.setProperty('--v', String(clamp(vin, 0, 1)));
      b.input.dataset.value = Number(vin).toFixed(4);
      b.input.setAttribute('aria-valuenow', Number(vin).toFixed(3));
    }
    if (vout !== null && vout !== undefined) {
      b.prediction.style.setProperty('--v', String(clamp(vout, 0, 1)));
      b.prediction.dataset.value = Number(vout).toFixed(4);
      b.prediction.setAttribute('aria-valuenow', Number(vout).toFixed(3));
    }
    const fmt = (v) => (v === null || v === undefined ? '–' : Number(v).toFixed(2));
    b.label.lastChild.textContent = `${fmt(vin)} · ${fmt(vout)}`;
  });
  const inEl = $('#count-in'), outEl = $('#count-out');
  inEl.textContent = countIn.toLocaleString('en');
  inEl.dataset.count = String(countIn);
  outEl.textContent = countOut.toLocaleString('en');
  outEl.dataset.count = String(countOut);
}

function drawHistory() {
  const now = performance.now();
  while (history.length && now - history[0].t > HISTORY_SECONDS * 1000 + 500) history.shift();
  // Once everything has scrolled out, draw one last empty frame and rest.
  if (!history.length && historyQuiet) return;
  const fit = fitCanvas($('#history'));
  if (!fit) return;
  historyQuiet = !history.length;
  const { context: g, width, height } = fit;
  g.clearRect(0, 0, width, height);
  const lanes = Math.max(1, dims), laneHeight = height / lanes, pad = 6;
  const xOf = (t) => width - ((now - t) / (HISTORY_SECONDS * 1000)) * width;
  const yOf = (v, lane) => lane * laneHeight + pad + (1 - clamp(v, 0, 1)) * (laneHeight - 2 * pad);
  g.font = '11px "DejaVu Sans Mono", monospace';
  for (let lane = 0; lane < lanes; lane++) {
    if (lane) { g.fillStyle = 'rgba(255, 255, 255, 0.05)'; g.fillRect(0, lane * laneHeight, width, 1); }
    g.fillStyle = 'rgba(107, 115, 134, 0.9)';
    g.fillText(`x${lane + 1}`, 6, lane * laneHeight + 14);
  }
  for (let s = 1; s < HISTORY_SECONDS; s++) {
    g.fillStyle = 'rgba(255, 255, 255, 0.035)';
    g.fillRect(width - (s / HISTORY_SECONDS) * width, 0, 1, height);
  }
  for (const [source, colour] of [['in', INPUT], ['out', modelColour]]) {
    for (let lane = 0; lane < dims; lane++) {
      g.strokeStyle = rgba(colour, source === 'in' ? 0.75 : 0.9);
      g.lineWidth = source === 'in' ? 1.5 : 2;
      g.beginPath();
      let started = false;
      for (const e of history) {
        if (e.source !== source) continue;
        const x = xOf(e.t), y = yOf(e.values[lane], lane);
        if (!started) { g.moveTo(x, y); started = true; } else g.lineTo(x, y);
      }
      g.stroke();
      g.fillStyle = colour;
      for (const e of history) {
        if (e.source !== source) continue;
        g.fillRect(xOf(e.t) - 1.5, yOf(e.values[lane], lane) - 1.5, 3, 3);
      }
    }
  }
}

function animate() {
  drawBars();
  drawHistory();
  xy.draw();
  requestAnimationFrame(animate);
}
requestAnimationFrame(animate);
new ResizeObserver(() => { historyQuiet = false; xy.markDirty(); }).observe($('#history'));
