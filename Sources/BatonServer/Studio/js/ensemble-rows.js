// The distributions panel (Akten & Grierson 2016, figure 1): the pooled distribution on
// top with its likeliest symbols, then one row per model, dimmed and labelled when the
// model is skipped. Drawn from the latest frame, at most once per animation frame.
import { columnOfByte, columnOfText, columnsOf, drawDistribution, topColumns } from './distributions.js';
import { fitCanvas, h } from './ui.js';

export class DistributionRows {
  constructor(container) {
    this.container = container;
    this.rows = [];
    this.joint = null;
    this.frame = null;
    this.marker = -1;
    this.dirty = true;
    this.active = [];
    new ResizeObserver(() => { this.dirty = true; }).observe(container);
  }

  build(models) {
    if (!models.length) {
      this.container.replaceChildren(h('p', { class: 'empty' }, h('strong', {}, 'No text models are loaded. '),
        'Start the server with text models: ', h('code', {}, 'baton serve shakespeare.safetensors austen.safetensors')));
      this.rows = [];
      this.joint = null;
      return;
    }
    this.joint = {
      canvas: h('canvas', { 'aria-label': 'Joint distribution of the ensemble', role: 'img' }),
      top: h('span', { class: 'top num' }),
    };
    const jointElement = h('div', { class: 'dist-row joint' },
      h('div', { class: 'row-head' },
        h('span', { class: 'row-name' }, h('span', { class: 'swatch ensemble-swatch' }), h('span', { class: 'model-name' }, 'Ensemble')),
        this.joint.top),
      this.joint.canvas);
    this.rows = models.map((model, i) => {
      const row = { canvas: h('canvas', { 'aria-label': `Distribution of ${model.name}`, role: 'img' }) };
      row.element = h('div', { class: 'dist-row', dataset: { model: String(i) }, style: { '--model': model.colour } },
        h('div', { class: 'row-head' },
          h('span', { class: 'row-name' }, h('span', { class: 'swatch' }), h('span', { class: 'model-name', title: model.name }, model.name))),
        row.canvas);
      return row;
    });
    this.container.replaceChildren(jointElement, ...this.rows.map((r) => r.element));
    this.dirty = true;
  }

  /** A `distributions` message; the frame says which byte was drawn from it. */
  showFrame(message) {
    this.frame = message;
    this.dirty = true;
    if (Number.isInteger(message.symbol)) this.marker = columnOfByte(message.symbol);
  }

  /** A symbol arrived: mark it until the next frame. */
  showSymbol(text) { this.marker = columnOfText(text); }

  setActive(active) {
    this.active = active.slice();
    this.rows.forEach((row, i) => row.element.classList.toggle('inactive', active[i] === false));
  }

  draw() {
    if (!this.dirty || !this.joint) return;
    this.dirty = false;
    const frame = this.frame;
    const jointColumns = frame ? columnsOf(frame.joint) : null;
    const joint = fitCanvas(this.joint.canvas);
    if (joint) drawDistribution(joint.context, joint.width, joint.height, jointColumns, { marker: this.marker, labels: true });
    const top = topColumns(jointColumns, 3);
    this.joint.top.textContent = top.map((c) => `${c.label} ${Math.round(c.p * 100)}%`).join('  ');
    this.rows.forEach((row, i) => {
      const off = this.active[i] === false;
      const skipped = Boolean(frame) && (!frame.models[i] || frame.models[i].length === 0);
      row.element.classList.toggle('skipped', skipped && !off);
      const note = off ? 'not taking part' : skipped ? 'skipped — its share is below the threshold' : null;
      const fit = fitCanvas(row.canvas);
      if (fit) drawDistribution(fit.context, fit.width, fit.height, frame && !skipped ? columnsOf(frame.models[i]) : null, { note });
    });
  }
}
