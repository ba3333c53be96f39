// The workshop (IMPSY's loop): session logs → a dataset → a control model trained in the
// background (progress from `training` events, beside the Train button) → play it, live;
// and back to any control model the server loaded at start. Each list says what its files
// hold (events, and what a dataset is good for); each form answers in its own line, never
// in a toast over it, and checks its fields before anything is sent.

import { $, formatAgo, formatBytes, formatDuration, h } from './ui.js';

export class Workshop {
  constructor(connection) {
    this.connection = connection;
    this.current = null;      // the file the instrument plays (status.file)
    this.log = undefined;     // the session log the server writes (status.log), once known
    this.catalog = [];        // control models loaded at start (GET /api/models)
    this.trained = [];
    this.lastState = null;
    $('#refresh').addEventListener('click', () => this.refresh());
    $('#build-form').addEventListener('submit', (event) => { event.preventDefault(); this.build(); });
    $('#train-form').addEventListener('submit', (event) => { event.preventDefault(); this.train(); });
    $('#train-minutes').addEventListener('input', () => this.minutes());
    $('#train-minutes').addEventListener('limits', () => this.minutes());
    $('#cancel').addEventListener('click', () => this.connection.api('/api/train/cancel', { method: 'POST', body: {} })
      .catch((e) => this.note('#train-note', e.message, 'error')));
    connection.on('training', (message) => this.showJob(message.job));
    // Logs grow while you play: look again now and then.
    setInterval(() => { if (connection.isOpen && !document.hidden) this.refresh(); }, 15000);
  }

  /** The control models the server loaded at start: always playable, a way back after trying others. */
  setCatalog(control) {
    this.catalog = control;
    this.showModels();
  }

  async refresh() {
    try {
      const [logs, datasets, trained] = await Promise.all(['/api/logs', '/api/datasets', '/api/trained'].map((p) => this.connection.api(p)));
      this.fill('#logs', '#n-logs', logs.slice().reverse().map((file) => this.item(file,
        `${file.events === undefined ? '' : `${file.events.toLocaleString('en')} events · `}${formatBytes(file.bytes)} · ${formatAgo(file.modified)}`)),
        'No session logs yet — play the instrument.');
      this.fill('#datasets', '#n-datasets', datasets.slice().reverse().map((file) => {
        const li = this.item(file, file.verdict || formatBytes(file.bytes), h('button', {
          class: 'btn btn-small', type: 'button', 'aria-label': `Train on ${file.name}`, disabled: file.level === 'too-few',
          onclick: () => { $('#train-dataset').value = file.name; $('#train-minutes').focus(); },
        }, 'Use'));
        li.dataset.level = file.level || '';
        return li;
      }), 'No datasets — build one from the logs.');
      this.trained = trained;
      this.showModels();
      const select = $('#train-dataset');
      const chosen = select.value;
      select.replaceChildren(...(datasets.length
        ? datasets.map((d) => h('option', { value: d.name, disabled: d.level === 'too-few' }, `${d.name}${d.events === undefined ? '' : ` · ${d.events.toLocaleString('en')} events`}`))
        : [h('option', { value: '' }, 'build a dataset first')]));
      if (datasets.some((d) => d.name === chosen)) select.value = chosen;
      $('#train').disabled = !datasets.length || this.lastState === 'running';
    } catch (error) {
      console.warn('Baton: workshop lists', error);
    }
  }

  /** One file: its name (full name as a tooltip), what it holds, and an action. */
  item(file, meta, action = null) {
    return h('li', { dataset: { name: file.name }, title: `${file.path ?? file.name}` },
      h('span', { class: 'file', title: file.name }, file.name),
      h('span', { class: 'meta', title: meta }, meta),
      action);
  }

  fill(list, counter, items, empty) {
    $(counter).textContent = String(items.length);
    $(list).replaceChildren(...(items.length ? items : [h('li', { class: 'none' }, empty)]));
  }

  /** The instrument's models: those loaded at start, then the workspace's, the playing one marked. */
  showModels() {
    const started = this.catalog.map((m) => ({ name: m.file, label: m.name, meta: `loaded at start · ${m.dims - 1} values`, source: 'server' }));
    const trained = this.trained.slice().reverse()
      .filter((f) => !started.some((s) => s.name === f.name))
      .map((f) => ({ name: f.name, label: f.name, meta: `trained here · ${formatBytes(f.bytes)} · ${formatAgo(f.modified)}`, source: 'workspace' }));
    const items = [...started, ...trained].map((m) => {
      const playing = m.name === this.current;
      const li = this.item({ name: m.name, path: m.source === 'server' ? m.name : `models/${m.name}` }, m.meta,
        playing ? h('span', { class: 'tag playing' }, 'playing')
          : h('button', { class: 'btn btn-small', type: 'button', 'aria-label': `Play ${m.label}`, onclick: () => this.switchTo(m.name, m.label) }, 'Play'));
      li.querySelector('.file').textContent = m.label;
      li.querySelector('.file').title = m.label === m.name ? m.name : `${m.label} (${m.name})`;
      li.dataset.source = m.source;
      li.classList.toggle('current', playing);
      return li;
    });
    this.fill('#trained', '#n-trained', items, 'No control model yet.');
  }

  /** The session log the server writes to (status.log): a new one is listed at once. */
  showLog(file = null) {
    if (file === this.log) return;
    const first = this.log === undefined;   // the lists were just loaded with the page
    this.log = file;
    if (!first && file) this.refresh();
  }

  /** Marks the model the instrument plays: by its file name (status.file). */
  showCurrent(file) {
    if (file === this.current) return;
    this.current = file;
    this.showModels();
  }

  note(selector, text, kind = 'info') {
    const element = $(selector);
    element.textContent = text;
    element.dataset.kind = kind;
  }

  async build() {
    const name = $('#dataset-name').value.trim();
    $('#build').disabled = true;
    this.note('#build-note', 'Building the dataset from every session log…');
    try {
      const file = await this.connection.api('/api/datasets', { method: 'POST', body: name ? { name } : {} });
      this.note('#build-note', `Built ${file.name}: ${file.verdict || formatBytes(file.bytes)}`, file.level === 'enough' ? 'ok' : 'info');
      await this.refresh();
      $('#train-dataset').value = file.name;
    } catch (error) {
      this.note('#build-note', `Could not build a dataset: ${error.message}`, 'error');
    } finally {
      $('#build').disabled = false;
    }
  }

  /** The minutes field: a number in the server's range, or a message saying what it accepts. */
  minutes() {
    const field = $('#train-minutes'), help = $('#minutes-help');
    const min = Number(field.min) || 0.01, max = Number(field.max) || 600;
    const text = field.value.trim().replace(',', '.');
    const value = text === '' ? NaN : Number(text);
    const ok = Number.isFinite(value) && value >= min && value <= max;
    field.setAttribute('aria-invalid', String(!ok));
    help.dataset.state = ok ? 'ok' : 'error';
    help.textContent = ok || text === ''
      ? `Minutes: a number from ${min} to ${max}.`
      : `Minutes: a number from ${min} to ${max} — “${field.value.trim()}” is not one.`;
    return ok ? value : null;
  }

  async train() {
    const dataset = $('#train-dataset').value;
    if (!dataset) { this.note('#train-note', 'Build a dataset first, then train on it.', 'error'); return; }
    const minutes = this.minutes();
    if (minutes === null) { $('#train-minutes').focus(); this.note('#train-note', 'Nothing started: the minutes are not a number in range.', 'error'); return; }
    this.note('#train-note', '');
    try {
      const job = await this.connection.api('/api/train', { method: 'POST', body: { dataset, size: $('#train-size').value, minutes } });
      this.plannedMinutes = minutes;
      this.showJob(job);
      $('#progress').scrollIntoView({ block: 'nearest' });
    } catch (error) {
      this.note('#train-note', `Could not start training: ${error.message}`, 'error');
    }
  }

  async switchTo(name, label) {
    try {
      await this.connection.api('/api/instrument/model', { method: 'POST', body: { name } });
      this.note('#train-note', `The instrument now plays ${label}.`, 'ok');
    } catch (error) {
      this.note('#train-note', `Could not switch to ${label}: ${error.message}`, 'error');
    }
  }

  showJob(job) {
    const box = $('#progress');
    if (!job) { box.hidden = true; return; }
    box.hidden = false;
    box.dataset.state = job.state;
    const running = job.state === 'running';
    const remaining = job.remainingSeconds;
    const planned = this.plannedMinutes ? this.plannedMinutes * 60 : null;
    let fraction = remaining !== null && remaining !== undefined && job.elapsedSeconds + remaining > 0
      ? job.elapsedSeconds / (job.elapsedSeconds + remaining)
      : planned ? job.elapsedSeconds / planned : 0;
    if (!running) fraction = job.state === 'finished' ? 1 : fraction;
    fraction = Math.max(0, Math.min(1, fraction));
    $('#progress-fill').style.width = `${(fraction * 100).toFixed(1)}%`;
    box.querySelector('[role=progressbar]').setAttribute('aria-valuenow', String(Math.round(fraction * 100)));
    const model = job.model.split('/').pop();
    $('#progress-title').replaceChildren(h('b', {}, running ? 'Training ' : `${job.state[0].toUpperCase()}${job.state.slice(1)} `), model, ` on ${job.dataset}`);
    $('#progress-eta').textContent = running ? (remaining !== null && remaining !== undefined ? `${formatDuration(remaining)} left` : `${formatDuration(job.elapsedSeconds)} so far`) : formatDuration(job.elapsedSeconds);
    const loss = (v) => (v === null || v === undefined ? '–' : Number(v).toFixed(3));
    $('#progress-detail').textContent = job.message && !running
      ? `${job.message} · best validation loss ${loss(job.bestValidationLoss)}`
      : `epoch ${job.epoch} · loss ${loss(job.trainLoss)} · validation ${loss(job.validationLoss)} · ${Math.round(job.eventsPerSecond)} events/s`;
    const warning = $('#progress-warning');
    warning.hidden = !job.warning;
    warning.textContent = job.warning ? `Warning: ${job.warning}` : '';
    $('#cancel').hidden = !running;
    $('#train').hidden = running;
    $('#train').disabled = running;
    if (this.lastState === 'running' && !running) this.refresh();
    this.lastState = job.state;
  }
}
