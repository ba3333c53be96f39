// The overview: what `baton serve` has loaded (GET /api/models, /api/status), live.
import { loadModels, startPage } from './page.js';
import { $, distinctColours, fitCanvas, formatCount, formatDuration, h, rgba } from './ui.js';
import { probabilityColour } from './colour.js';

const { connection } = startPage();

let joint = null;          // latest joint distribution, for the ensemble card
const events = [];         // recent instrument events, for the instrument card
let strokeColour = '#e05dd6', controlColour = '#ffb547';
let dirty = true;
let artDrawn = false;
let liveStatus = false;    // a status arrived on the WebSocket (newer than the one fetched at load)


function chip(model, colour) {
  return h('span', { class: 'chip', style: { '--chip': colour } }, h('i'), model.name);
}

function render(models, status) {
  const colours = distinctColours(models.map((m) => m.colour));
  for (const kind of ['text', 'control', 'strokes']) {
    const box = $(`#models-${kind}`);
    const list = models.map((m, i) => [m, colours[i]]).filter(([m]) => m.kind === kind);
    box.replaceChildren(...(list.length ? list.map(([m, c]) => chip(m, c)) : [h('span', { class: 'hint' }, `no ${kind} model loaded`)]));
  }
  const firstOf = (kind) => colours[models.findIndex((m) => m.kind === kind)];
  strokeColour = firstOf('strokes') || strokeColour;
  controlColour = firstOf('control') || controlColour;
  artDrawn = false;
  $('#card-ensemble').dataset.ready = String(models.some((m) => m.kind === 'text'));
  $('#card-handwriting').dataset.ready = String(models.some((m) => m.kind === 'strokes'));
  $('#card-instrument').dataset.ready = String(models.some((m) => m.kind === 'control'));
  $('#model-count').textContent = `${models.length} model${models.length === 1 ? '' : 's'}`;
  const rows = models.map((m, i) => h('tr', {},
    h('td', {}, h('span', { class: 'name', style: { '--chip': colours[i] } }, h('i'), m.name)),
    h('td', {}, h('span', { class: 'tag' }, m.kind)),
    h('td', { class: 'n' }, `${m.layers} × ${m.units}`),
    h('td', { class: 'n opt' }, formatCount(m.parameters)),
    h('td', { class: 'n opt', title: m.file }, m.corpus || '–')));
  $('#model-rows').replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No models loaded.'))]));
  if (!liveStatus) showStatus(status);
}

function showStatus(s) {
  if (!s) return;
  $('#fact-uptime').textContent = formatDuration(s.uptimeSeconds);
  $('#fact-clients').textContent = String(s.clients ?? '–');
  if (s.osc) {
    $('#fact-osc').textContent = `${formatCount(s.osc.received)} / ${formatCount(s.osc.sent)}`;
    $('#st-dropped').textContent = String(s.osc.malformed + s.osc.refused + s.osc.unknown);
  }
  const t = s.text;
  const pace = t && (t.paused ? 'paused' : t.writing && !t.writing.length ? 'no model is writing' : t.fastest ? 'as fast as possible' : `${t.rate}/s`);
  $('#st-text').textContent = t ? `${t.models.length} models · ${formatCount(t.symbols)} symbols · ${pace}` : 'none';
  const i = s.instrument;
  $('#st-instrument').textContent = i ? `${i.mode} · ${formatCount(i.inputs)} in · ${formatCount(i.predictions)} out` : 'none';
  $('#st-strokes').textContent = s.strokes && s.strokes.length ? s.strokes.join(', ') : 'none';
  const job = s.training;
  $('#st-training').textContent = job ? `${job.state} · ${job.model.split('/').pop().replace(/\.safetensors$/, '')}` : 'idle';
}

loadModels(connection, render);
connection.on('status', (m) => { liveStatus = true; showStatus(m.status); });
connection.on('distributions', (m) => { joint = m.joint; dirty = true; });
connection.on('interface', (m) => { events.push({ t: performance.now(), v: m.values, kind: 'in' }); dirty = true; });
connection.on('prediction', (m) => { events.push({ t: performance.now(), v: m.values, kind: 'out' }); dirty = true; });
// The uptime and the counters move even when nothing changes: ask now and then.
setInterval(() => connection.send({ type: 'status' }), 5000);

// ---- card art: small live pictures of each page ----

function drawEnsemble() {
  const fit = fitCanvas($('#art-ensemble'));
  if (!fit) return;
  const { context: g, width, height } = fit;
  g.clearRect(0, 0, width, height);
  const columns = 64, w = width / columns;
  for (let c = 0; c < columns; c++) {
    const code = c < 26 ? 97 + c : c < 52 ? 65 + c - 26 : [32, 44, 46, 10, 39, 59, 58, 33, 63, 45, 40, 41][c - 52];
    const p = joint ? joint[code] : 0.012 + 0.01 * Math.sin(c * 1.7);
    const t = Math.sqrt(Math.max(0, p));
    const barHeight = Math.max(2, t * (height - 8));
    g.fillStyle = probabilityColour(t);
    g.fillRect(c * w + 1, height - barHeight - 4, Math.max(1, w - 2), barHeight);
  }
}

function drawHandwriting() {
  const fit = fitCanvas($('#art-handwriting'));
  if (!fit) return;
  const { context: g, width, height } = fit;
  g.clearRect(0, 0, width, height);
  g.lineCap = 'round';
  g.lineJoin = 'round';
  // cursive loops (a prolate trochoid): the writer's ink, then the model's future and its ghosts
  const point = (t, drift) => [14 + t * 7.2 - 12 * Math.sin(t), height / 2 + 15 * Math.cos(t) + drift];
  const split = 14, end = Math.min(30, (width - 24) / 7.2);
  const stroke = (from, to, colour, alpha, lineWidth, drift = () => 0) => {
    g.strokeStyle = rgba(colour, alpha);
    g.lineWidth = lineWidth;
    g.beginPath();
    for (let t = from; t <= to; t += 0.08) {
      const [x, y] = point(t, drift(t - from));
      if (t === from) g.moveTo(x, y); else g.lineTo(x, y);
    }
    g.stroke();
  };
  for (const k of [-1, -0.45, 0.5, 1]) stroke(split, end, strokeColour, 0.22, 1.4, (u) => k * u * 1.3);
  stroke(split, end, strokeColour, 0.95, 2.2);
  stroke(0, split, '#dfe7ff', 0.95, 2.4);
}

function drawInstrument() {
  const fit = fitCanvas($('#art-instrument'));
  if (!fit) return;
  const { context: g, width, height } = fit;
  g.clearRect(0, 0, width, height);
  const now = performance.now(), span = 8000;
  while (events.length && now - events[0].t > span) events.shift();
  for (const e of events) {
    const x = width - ((now - e.t) / span) * width;
    g.fillStyle = e.kind === 'in' ? 'rgba(223, 231, 255, 0.85)' : controlColour;
    e.v.forEach((v, i) => g.fillRect(x, 6 + (1 - Math.min(1, Math.max(0, v))) * (height - 12) + i * 0.5, 3, 3));
  }
  if (!events.length) {
    g.fillStyle = 'rgba(107,115,134,0.5)';
    for (let x = 8; x < width; x += 14) g.fillRect(x, height / 2, 6, 1);
  }
}

function frame() {
  if (dirty || !artDrawn || events.length) {
    drawEnsemble();
    if (!artDrawn) drawHandwriting();
    drawInstrument();
    dirty = false;
    artDrawn = true;
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
window.addEventListener('resize', () => { artDrawn = false; });
