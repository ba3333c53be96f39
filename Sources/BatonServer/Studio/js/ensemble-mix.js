// The mix: one row per text model — take part or not, its weight as a bar to drag, and
// the share of the writing the engine gives it, or "skip" when its normalised weight (its
// weight over the ticked models' sum, the number "skip below" is compared with) is below
// the threshold; the tooltip gives both numbers.
// Columns have fixed widths, so no readout changes the bar's size under the pointer.
import { dragHorizontally } from './touch.js';
import { clamp, h } from './ui.js';

export class MixRows {
  constructor(container, { onWeight, onActive, midi }) {
    this.container = container;
    this.onWeight = onWeight;
    this.onActive = onActive;
    this.midi = midi;
    this.rows = [];
  }

  build(models) {
    this.midi?.forget('weight:');
    this.rows = models.map((model, i) => {
      const fill = h('div', { class: 'weight-fill' });
      const weight = h('div', {
        class: 'weight', role: 'slider', tabindex: 0, 'aria-label': `Weight of ${model.name}`,
        'aria-valuemin': 0, 'aria-valuemax': 1, 'aria-valuenow': 1, 'data-midi-label': `weight of ${model.name}`,
      }, fill);
      const checkbox = h('input', { type: 'checkbox', checked: true, 'aria-label': `${model.name} takes part` });
      const row = {
        weight, checkbox,
        value: h('span', { class: 'weight-value num' }, '1.00'),
        share: h('span', { class: 'share num', dataset: { state: 'writing' } }, ''),
      };
      row.element = h('div', { class: 'mix-row', dataset: { model: String(i) }, style: { '--model': model.colour } },
        h('label', { class: 'model-pick', title: `${model.name}: take part in the ensemble` }, checkbox, h('span', { class: 'swatch' }),
          h('span', { class: 'model-name', title: model.name }, model.name)),
        weight, row.value, row.share);
      dragHorizontally(weight, { onFraction: (f) => this.onWeight(i, Math.round(f * 1000) / 1000) });
      weight.addEventListener('keydown', (event) => this.key(event, i));
      checkbox.addEventListener('change', () => this.onActive(this.rows.map((r) => r.checkbox.checked)));
      this.midi?.target(`weight:${i}`, weight, { min: 0, max: 1, step: 0.01, set: (v) => this.onWeight(i, v) });
      return row;
    });
    this.container.replaceChildren(...this.rows.map((r) => r.element));
    this.weights = models.map(() => 1);
  }

  key(event, i) {
    const step = event.shiftKey ? 0.01 : 0.05;
    const keys = { ArrowLeft: -step, ArrowDown: -step, ArrowRight: step, ArrowUp: step, PageDown: -0.2, PageUp: 0.2 };
    let v = null;
    if (event.key in keys) v = (this.weights[i] ?? 0) + keys[event.key];
    else if (event.key === 'Home') v = 0;
    else if (event.key === 'End') v = 1;
    if (v === null) return;
    event.preventDefault();
    event.stopPropagation();
    this.onWeight(i, clamp(Math.round(v * 100) / 100, 0, 1));
  }

  /**
   * weights: raw, as set; active: ticked; normalised: the engine's shares (null before the
   * server said); writing: indices of the models that write the next symbol.
   */
  paint({ weights, active, normalised, writing, threshold }) {
    this.weights = weights.slice();
    const writes = new Set(writing ?? []);
    // The writers share the writing among themselves (the engine renormalises over them).
    const writersWeight = writing && normalised ? writing.reduce((sum, i) => sum + (normalised[i] ?? 0), 0) : 1;
    const percent = (v) => `${Math.round(v * 100)}%`;
    this.rows.forEach((row, i) => {
      const w = weights[i] ?? 0, on = active[i] !== false;
      row.weight.style.setProperty('--value', String(clamp(w, 0, 1)));
      row.weight.setAttribute('aria-valuenow', w.toFixed(2));
      const share = normalised?.[i];
      const writingShare = share === undefined || share === null ? null : writersWeight > 0 ? share / writersWeight : share;
      let state = 'writing', text = writingShare === null ? '' : percent(writingShare);
      let title = writingShare === null ? '' : writingShare === share || Math.abs(writingShare - share) < 0.005
        ? `${text} of the weight: the share of the writing this model gets`
        : `${percent(share)} of the weight; ${text} of the writing, as models below the threshold are skipped`;
      if (!on) { state = 'off'; text = 'off'; title = 'not taking part'; }
      else if (writing && !writes.has(i)) {
        state = 'skipped'; text = 'skip';
        title = w > 0 ? `${Math.round((share ?? 0) * 100)}% of the weight is below the threshold (${Math.round((threshold ?? 0) * 100)}%): skipped` : 'weight 0: not writing';
      }
      row.share.textContent = text;
      row.share.dataset.state = state;
      row.share.title = title;
      row.weight.setAttribute('aria-valuetext', `${w.toFixed(2)}${state === 'writing' ? `, ${text} of the writing` : `, ${title}`}`);
      row.value.textContent = w.toFixed(2);
      row.element.dataset.state = state;
      if (row.checkbox.checked !== on) row.checkbox.checked = on;
    });
  }
}
