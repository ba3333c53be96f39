// What every Studio page does on start: build the shared top bar, connect (with the
// indicator and the "reconnecting" banner), hold every control that needs the server
// while it is away, notice a server restart, hold sliders to the server's limits, show
// server errors, start MIDI where the page has controls, and load the model list — again
// after every reconnection, since the server may have restarted with other models.
import { Connection, showConnection } from './connection.js';
import { Midi } from './midi.js';
import { RestartWatch } from './restore.js';
import { renderTopbar } from './topbar.js';
import { detectTouch } from './touch.js';
import { $, $$, h, toast } from './ui.js';

export function startPage({ midi: midiPage } = {}) {
  renderTopbar({ midi: Boolean(midiPage) });
  detectTouch();
  const connection = new Connection();
  if (connection.token) keepToken(connection.token);
  document.body.append(h('div', { class: 'offline-banner', 'aria-hidden': 'true' }, 'Server gone — reconnecting… (controls wait for it)'));
  showConnection(connection);
  holdWhileOffline(connection);
  addStageToggle();
  connection.on('error', (message) => {
    if (message.id === undefined) toast(message.message || 'the server refused a command', 'error');
  });
  connection.on('open', () => loadLimits(connection));
  const restart = new RestartWatch(connection);
  let midi = null;
  if (midiPage) {
    midi = new Midi({ page: midiPage, status: $('#midi-status'), button: $('#midi-learn'), clear: $('#midi-clear') });
    midi.start();
  }
  connection.connect();
  return { connection, midi, restart };
}

/**
 * Calls `load(models, status)` with GET /api/models and /api/status now, and again after
 * each reconnection (and on the first connection if the server was not up at page load).
 */
export function loadModels(connection, load) {
  let state = 'idle';   // idle (not loaded or failed) | loading | loaded
  const fetchAll = async () => {
    state = 'loading';
    try {
      const [models, status] = await Promise.all([connection.api('/api/models'), connection.api('/api/status')]);
      state = 'loaded';
      load(models || [], status || {});
    } catch (error) {
      state = 'idle';
      console.warn('Baton: could not load the model list', error);
    }
  };
  connection.on('open', ({ reconnected }) => { if (reconnected || state === 'idle') fetchAll(); });
  fetchAll();
}

/**
 * Asks for the status every `seconds` while the page is visible and connected: readouts
 * such as the real symbol rate change without a command that would publish them.
 */
export function pollStatus(connection, seconds) {
  setInterval(() => { if (connection.isOpen && !document.hidden) connection.send({ type: 'status' }); }, seconds * 1000);
}

/**
 * While the server is away nothing a performer does can reach it, so the controls that
 * need it stop answering (inert: no clicks, drags or focus) instead of moving and sending
 * nothing. `body[data-connection]` dims them.
 */
function holdWhileOffline(connection) {
  const apply = (state) => {
    const offline = state !== 'open';
    for (const element of $$('.needs-server')) element.inert = offline;
  };
  apply(connection.state);
  connection.on('state', apply);   // what a panel builds later inside it is held with it
  // A script's click() or a synthetic event reaches inert elements too: stop those as well.
  const stop = (event) => {
    if (connection.state === 'open' || !event.target?.closest?.('.needs-server')) return;
    event.stopImmediatePropagation();
    event.preventDefault();
  };
  for (const type of ['click', 'pointerdown', 'keydown', 'input', 'change']) window.addEventListener(type, stop, { capture: true });
}

/**
 * The server's limits (GET /api/limits) on every control that names one with
 * `data-limit`: a slider or field never offers a value the server would refuse.
 */
async function loadLimits(connection) {
  let limits;
  try { limits = await connection.api('/api/limits'); } catch { return; }
  if (!Array.isArray(limits)) return;
  const byName = new Map(limits.map((l) => [l.name, l]));
  for (const input of $$('[data-limit]')) {
    const limit = byName.get(input.dataset.limit);
    if (!limit) continue;
    if (input.min === '' || Number(input.min) < limit.min) input.min = String(limit.min);
    if (input.max === '' || Number(input.max) > limit.max) input.max = String(limit.max);
    input.dispatchEvent(new Event('limits'));
  }
}

/** Links between the Studio's pages keep the `?token=` the page was opened with. */
function keepToken(token) {
  for (const link of document.querySelectorAll('a[href]')) {
    const url = new URL(link.getAttribute('href'), location.href);
    if (url.origin !== location.origin || url.searchParams.has('token')) continue;
    url.searchParams.set('token', token);
    link.href = url.pathname + url.search + url.hash;
  }
}

/**
 * "Stage" enlarges everything by a third for a projector or a screen across the room, and
 * lays the pages out so what the audience watches fits without scrolling. The choice
 * persists in the browser, for every page.
 */
function addStageToggle() {
  const root = document.documentElement;
  const stored = () => { try { return localStorage.getItem('baton.stage') === 'on'; } catch { return false; } };
  const button = h('button', { id: 'stage', class: 'btn btn-small', type: 'button',
    title: 'Stage view: everything a third larger, for a projector', 'aria-pressed': 'false' }, 'Stage');
  const apply = (on) => {
    if (on) root.dataset.stage = 'on'; else delete root.dataset.stage;
    button.setAttribute('aria-pressed', String(on));
    window.dispatchEvent(new Event('resize'));   // canvases re-measure themselves
  };
  button.addEventListener('click', () => {
    const on = root.dataset.stage !== 'on';
    try { localStorage.setItem('baton.stage', on ? 'on' : 'off'); } catch { /* private mode: not remembered */ }
    apply(on);
  });
  document.querySelector('.topbar-tools')?.prepend(button);
  apply(stored());
}
