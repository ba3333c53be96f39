// Live adaptation controls (issue 12), one row per adapting model: on/off, the learning
// rate (a few presets: a select is hard to nudge by accident on a touch screen), reset to
// the original weights, save into the workspace, and a compact surprise meter — the model's
// recent surprise beside the original model's on the same material, with the gain as a bar
// (green: adaptation helps; amber: it hurts). The rows are painted from each `status`, which
// the server publishes as the background learns, so the meter moves while the performer plays.
import { h } from './ui.js';

const RATES = [0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01];
/** Nats of gain that fill the meter's bar. */
const FULL_GAIN = 1;

const formatRate = (r) => (r === 0 ? '0' : r.toExponential(0).replace('e-', 'e−'));
const formatNats = (v) => (Number.isFinite(v) ? v.toFixed(2).replace('-', '−') : '–');

export class AdaptationRows {
  /**
   * `send(command)` sends one command; `commands(index)` gives the JSON commands for a row
   * (`{ on(bool), rate(r), reset(), save() }`); `unit` names what surprise is counted per.
   */
  constructor(container, { send, commands, unit }) {
    this.container = container;
    this.send = send;
    this.commands = commands;
    this.unit = unit;
    this.rows = [];
  }

  /** One row per model: `[{ name, colour }]`. */
  build(models) {
    this.rows = models.map((model, i) => {
      const toggle = h('input', { type: 'checkbox', 'aria-label': `${model.name} learns while you play` });
      const rate = h('select', { class: 'field adapt-rate', 'aria-label': `Learning rate of ${model.name}` },
        RATES.map((r) => h('option', { value: String(r) }, formatRate(r))));
      const adapted = h('b', { class: 'num adapt-now' }, '–');
      const original = h('b', { class: 'num adapt-original' }, '–');
      const fill = h('div', { class: 'adapt-gain-fill' });
      const meter = h('div', { class: 'adapt-meter', dataset: { state: 'idle' }, role: 'status', 'aria-live': 'off' },
        h('span', { class: 'adapt-values' }, h('span', {}, 'now ', adapted), h('span', {}, 'original ', original),
          h('span', { class: 'adapt-unit' }, this.unit)),
        h('div', { class: 'adapt-gain', 'aria-hidden': 'true' }, fill));
      const progress = h('span', { class: 'adapt-progress num' }, '');
      const row = { toggle, rate, adapted, original, fill, meter, progress, model };
      toggle.addEventListener('change', () => this.send(this.commands(i).on(toggle.checked)));
      rate.addEventListener('change', () => this.send(this.commands(i).rate(Number(rate.value))));
      row.element = h('div', { class: 'adapt-row', dataset: { model: String(i), enabled: 'false' }, style: { '--model': model.colour || 'var(--accent)' } },
        h('div', { class: 'adapt-head' },
          h('label', { class: 'switch adapt-switch', title: `${model.name}: learn from what the performer plays or feeds` }, toggle,
            h('span', { class: 'swatch' }), h('span', { class: 'model-name', title: model.name }, model.name)),
          rate,
          h('button', { class: 'btn btn-small', type: 'button', title: `Back to ${model.name}'s original weights`, onclick: () => this.send(this.commands(i).reset()) }, 'Reset'),
          h('button', { class: 'btn btn-small', type: 'button', title: `Save the adapted ${model.name} into the workspace`, onclick: () => this.send(this.commands(i).save()) }, 'Save')),
        meter, progress);
      return row;
    });
    this.container.replaceChildren(...this.rows.map((r) => r.element));
  }

  /** Paints each row from its status snapshot (`{ enabled, rate, updates, surprise, unadaptedSurprise, … }`). */
  paint(snapshots) {
    if (!Array.isArray(snapshots)) return;
    this.rows.forEach((row, i) => {
      const s = snapshots[i];
      if (!s) return;
      if (document.activeElement !== row.toggle) row.toggle.checked = Boolean(s.enabled);
      if (document.activeElement !== row.rate) this.showRate(row, s.rate);
      row.element.dataset.enabled = String(Boolean(s.enabled));
      const hasMeter = Number.isFinite(s.surprise) && Number.isFinite(s.unadaptedSurprise);
      row.adapted.textContent = hasMeter ? formatNats(s.surprise) : '–';
      row.original.textContent = hasMeter ? formatNats(s.unadaptedSurprise) : '–';
      const gain = hasMeter ? s.unadaptedSurprise - s.surprise : 0;
      row.meter.dataset.state = !hasMeter ? 'idle' : gain >= 0 ? 'better' : 'worse';
      row.fill.style.width = `${Math.min(1, Math.abs(gain) / FULL_GAIN) * 100}%`;
      row.meter.title = hasMeter
        ? `Recent surprise ${formatNats(s.surprise)} ${this.unit} adapted vs ${formatNats(s.unadaptedSurprise)} for the original model (${gain >= 0 ? 'better' : 'worse'} by ${Math.abs(gain).toFixed(2)})`
        : 'No surprise yet: switch it on, then play or feed it';
      const taught = s.symbols ?? s.events ?? 0;
      const parts = [`${taught.toLocaleString('en')} ${s.symbols !== undefined ? 'bytes' : 'events'}`, `${s.updates} updates`];
      if (s.relativeDistance > 0) parts.push(`moved ${(s.relativeDistance * 100).toFixed(2)} %`);
      if (s.skippedSegments) parts.push(`${s.skippedSegments} skipped`);
      if (s.saveError) parts.push(`save failed: ${s.saveError}`);
      else if (s.saved) parts.push(`saved ${s.saved}`);
      row.progress.textContent = parts.join(' · ');
      row.progress.title = row.progress.textContent;
    });
  }

  /** Shows the server's rate, adding it to the presets when it is not one of them. */
  showRate(row, rate) {
    if (!Number.isFinite(rate)) return;
    const value = String(rate);
    if (![...row.rate.options].some((o) => Number(o.value) === rate)) {
      row.rate.append(h('option', { value }, formatRate(rate)));
    }
    row.rate.value = [...row.rate.options].find((o) => Number(o.value) === rate).value;
  }
}
