// What every Studio page does on start: connect (with the indicator and the "reconnecting"
// banner), show server errors, start MIDI where the page has controls, and load the
// model list — again after every reconnection, since the server may have restarted with
// other models.
import { Connection, showConnection } from './connection.js';
import { Midi } from './midi.js';
import { $, h, toast } from './ui.js';

export function startPage({ midi: midiPage } = {}) {
  const connection = new Connection();
  if (connection.token) keepToken(connection.token);
  document.body.append(h('div', { class: 'offline-banner', 'aria-hidden': 'true' }, 'Server gone — reconnecting…'));
  showConnection(connection);
  addStageToggle();
  connection.on('error', (message) => {
    if (message.id === undefined) toast(message.message || 'the server refused a command', 'error');
  });
  let midi = null;
  if (midiPage) {
    midi = new Midi({ page: midiPage, status: $('#midi-status'), button: $('#midi-learn'), clear: $('#midi-clear') });
    midi.start();
  }
  connection.connect();
  return { connection, midi };
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
 * "Stage" enlarges everything by a third for a projector or a screen across the room.
 * The choice persists in the browser, for every page.
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
