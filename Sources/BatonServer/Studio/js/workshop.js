// The workshop (IMPSY's loop): session logs → a dataset → a control model trained in the
// background (progress from `training` events) → switch the instrument to it, live.

import { $, formatAgo, formatBytes, formatDuration, h, toast } from './ui.js';

export class Workshop {
  constructor(connection) {
    this.connection = connection;
    this.current = null;      // the instrument's model name
    this.lastState = null;
    $('#refresh').addEventListener('click', () => this.refresh());
    $('#build-form').addEventListener('submit', (event) => { event.preventDefault(); this.build(); });
    $('#train-form').addEventListener('submit', (event) => { event.preventDefault(); this.train(); });
    $('#cancel').addEventListener('click', () => this.connection.api('/api/train/cancel', { method: 'POST', body: {} }).catch((e) => toast(e.message, 'error')));
    connection.on('training', (message) => this.showJob(message.job));
    // Logs grow while you play: look again now and then.
    setInterval(() => { if (connection.isOpen && !document.hidden) this.refresh(); }, 15000);
  }

  async refresh() {
    try {
      const [logs, datasets, trained] = await Promise.all(['/api/logs', '/api/datasets', '/api/trained'].map((p) => this.connection.api(p)));
      this.fill('#logs', '#n-logs', logs, () => null, 'No session logs yet — play the instrument.');
      this.fill('#datasets', '#n-datasets', datasets, (file) => h('button', {
        class: 'btn btn-small', type: 'button', 'aria-label': `Train on ${file.name}`,
        onclick: () => { $('#train-dataset').value = file.name; $('#train-minutes').focus(); },
      }, 'Use'), 'No datasets — build one from the logs.');
      this.fill('#trained', '#n-trained', trained, (file) => h('button', {
        class: 'btn btn-small', type: 'button', 'aria-label': `Play ${file.name}`, onclick: () => this.switchTo(file.name),
      }, 'Play'), 'No trained models yet.');
      const select = $('#train-dataset');
      const chosen = select.value;
      select.replaceChildren(...(datasets.length
        ? datasets.map((d) => h('option', { value: d.name }, d.name))
        : [h('option', { value: '' }, 'build a dataset first')]));
      if (datasets.some((d) => d.name === chosen)) select.value = chosen;
      $('#train').disabled = !datasets.length;
      this.showCurrent(this.current);
    } catch (error) {
      console.warn('Baton: workshop lists', error);
    }
  }

  fill(list, counter, files, action, empty) {
    $(counter).textContent = String(files.length);
    $(list).replaceChildren(...(files.length
      ? files.slice().reverse().map((file) => h('li', { dataset: { name: file.name }, title: file.path },
        h('span', { class: 'file' }, file.name),
        h('span', { class: 'meta' }, `${formatBytes(file.bytes)} · ${formatAgo(file.modified)}`),
        action(file)))
      : [h('li', { class: 'none' }, empty)]));
  }

  /** Marks the model the instrument plays: by its file name (status.file). */
  showCurrent(file) {
    this.current = file;
    for (const li of document.querySelectorAll('#trained li[data-name]')) {
      li.classList.toggle('current', li.dataset.name === file);
    }
  }

  async build() {
    const name = $('#dataset-name').value.trim();
    $('#build').disabled = true;
    try {
      const file = await this.connection.api('/api/datasets', { method: 'POST', body: name ? { name } : {} });
      toast(`Built ${file.name} (${formatBytes(file.bytes)})`, 'ok');
      await this.refresh();
      $('#train-dataset').value = file.name;
    } catch (error) {
      toast(`Could not build a dataset: ${error.message}`, 'error');
    } finally {
      $('#build').disabled = false;
    }
  }

  async train() {
    const dataset = $('#train-dataset').value;
    if (!dataset) return;
    const minutes = Number($('#train-minutes').value) || 2;
    try {
      const job = await this.connection.api('/api/train', { method: 'POST', body: { dataset, size: $('#train-size').value, minutes } });
      this.minutes = minutes;
      this.showJob(job);
    } catch (error) {
      toast(`Could not start training: ${error.message}`, 'error');
    }
  }

  async switchTo(name) {
    try {
      await this.connection.api('/api/instrument/model', { method: 'POST', body: { name } });
      toast(`The instrument now plays ${name}`, 'ok');
    } catch (error) {
      toast(`Could not switch: ${error.message}`, 'error');
    }
  }

  showJob(job) {
    const box = $('#progress');
    if (!job) { box.hidden = true; return; }
    box.hidden = false;
    box.dataset.state = job.state;
    const running = job.state === 'running';
    const remaining = job.remainingSeconds;
    const planned = this.minutes ? this.minutes * 60 : null;
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
      : `epoch ${job.epoch} · step ${job.step} · loss ${loss(job.trainLoss)} · validation ${loss(job.validationLoss)} · ${Math.round(job.eventsPerSecond)} events/s`;
    $('#cancel').hidden = !running;
    $('#train').disabled = running;
    if (this.lastState === 'running' && !running) this.refresh();
    this.lastState = job.state;
  }
}
