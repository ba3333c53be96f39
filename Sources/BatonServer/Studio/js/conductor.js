// The conductor pad: the text models sit around a surface; the baton's position sets their
// weights by proximity (a Gaussian falloff, the nearest model at 1). Mouse, pen and touch
// through Pointer Events; arrow keys move the baton too. Names and shares are DOM labels
// over the canvas, placed so none covers another (pad-labels.js), with the full name as a
// tooltip.

import { placeLabels } from './pad-labels.js';
import { clamp, fitCanvas, h, rgba } from './ui.js';

const SPREAD = 0.55;   // σ of the falloff, in pad units (the pad spans -1…1)
const DISC = 11;       // px radius of a model's disc

export class ConductorPad {
  /** onWeights(weights) is called while the performer moves the baton. */
  constructor(canvas, { onWeights, labels }) {
    this.canvas = canvas;
    this.labelLayer = labels;
    this.labels = [];          // [{ element, share }] per model
    this.labelsPlaced = false;
    this.shares = null;        // the engine's shares (normalised weights), when known
    this.onWeights = onWeights;
    this.models = [];          // [{ name, colour }]
    this.weights = [];
    this.active = [];
    this.baton = { x: 0, y: 0 };
    this.pointer = null;       // pointerId while pressed
    this.dirty = true;

    canvas.addEventListener('pointerdown', (event) => {
      if (event.pointerType === 'mouse' && event.button !== 0) return;
      this.pointer = event.pointerId;
      canvas.setPointerCapture(event.pointerId);
      this.moveTo(event);
      event.preventDefault();
    });
    canvas.addEventListener('pointermove', (event) => {
      if (this.pointer !== event.pointerId) return;
      const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
      this.moveTo(events.length ? events[events.length - 1] : event);
    });
    const release = (event) => {
      if (this.pointer !== event.pointerId) return;
      this.pointer = null;
      this.dirty = true;
    };
    canvas.addEventListener('pointerup', release);
    canvas.addEventListener('pointercancel', release);
    canvas.addEventListener('keydown', (event) => {
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      const step = event.shiftKey ? 0.2 : 0.05;
      this.place(this.baton.x + move[0] * step, this.baton.y + move[1] * step);
    });
    new ResizeObserver(() => { this.dirty = true; this.labelsPlaced = false; }).observe(canvas);
  }

  get pressed() { return this.pointer !== null; }

  setModels(models) {
    this.models = models;
    const n = models.length;
    this.positions = models.map((_, i) => {
      if (n === 1) return { x: 0, y: 0 };
      if (n === 2) return { x: i === 0 ? -0.62 : 0.62, y: 0 };
      const angle = -Math.PI / 2 + (i * 2 * Math.PI) / n;
      return { x: 0.62 * Math.cos(angle), y: 0.62 * Math.sin(angle) };
    });
    this.labels = models.map((model) => {
      const share = h('span', { class: 'pad-share num' }, '');
      const element = h('div', { class: 'pad-label', style: { '--model': model.colour } },
        h('span', { class: 'pad-name', title: model.name }, model.name), share);
      return { element, share };
    });
    this.labelLayer?.replaceChildren(...this.labels.map((l) => l.element));
    this.labelsPlaced = false;
    this.dirty = true;
  }

  /** The engine's share per model (normalised weights, 0 when not writing); null: from the pad's weights. */
  setShares(shares) {
    this.shares = shares ? shares.slice() : null;
    this.dirty = true;
  }

  /** Weights from the server; the baton rests at their centre of mass unless it is held. */
  setWeights(weights, active) {
    this.weights = weights.slice();
    this.active = active ? active.slice() : weights.map(() => true);
    if (!this.pressed && this.positions?.length) {
      const total = weights.reduce((a, b) => a + b, 0);
      if (total > 0) {
        this.baton = {
          x: weights.reduce((s, w, i) => s + w * this.positions[i].x, 0) / total,
          y: weights.reduce((s, w, i) => s + w * this.positions[i].y, 0) / total,
        };
      }
    }
    this.dirty = true;
  }

  /** Pad units of a pointer event. */
  unitsOf(event) {
    const rect = this.canvas.getBoundingClientRect();
    const size = Math.min(rect.width, rect.height);
    return {
      x: ((event.clientX - rect.left - rect.width / 2) / size) * 2 / 0.9,
      y: ((event.clientY - rect.top - rect.height / 2) / size) * 2 / 0.9,
    };
  }

  moveTo(event) {
    const { x, y } = this.unitsOf(event);
    this.place(x, y);
  }

  place(x, y) {
    this.baton = { x: clamp(x, -1.05, 1.05), y: clamp(y, -1.05, 1.05) };
    const raw = this.positions.map((p) => Math.exp(-((p.x - this.baton.x) ** 2 + (p.y - this.baton.y) ** 2) / (2 * SPREAD * SPREAD)));
    const top = Math.max(...raw, 1e-9);
    this.weights = raw.map((w) => Math.round((w / top) * 1000) / 1000);
    this.dirty = true;
    this.onWeights(this.weights.slice());
  }

  draw() {
    if (!this.dirty) return;
    const fit = fitCanvas(this.canvas);
    if (!fit) return;
    this.dirty = false;
    const { context: g, width, height } = fit;
    const size = Math.min(width, height), cx = width / 2, cy = height / 2, scale = (size / 2) * 0.9;
    const at = (p) => [cx + p.x * scale, cy + p.y * scale];
    g.clearRect(0, 0, width, height);

    // rings and cross-hair, faint
    g.strokeStyle = 'rgba(255, 255, 255, 0.05)';
    g.lineWidth = 1;
    for (const r of [0.33, 0.66, 1]) { g.beginPath(); g.arc(cx, cy, r * scale, 0, Math.PI * 2); g.stroke(); }
    g.beginPath(); g.moveTo(cx - scale, cy); g.lineTo(cx + scale, cy); g.moveTo(cx, cy - scale); g.lineTo(cx, cy + scale); g.stroke();

    const [bx, by] = at(this.baton);
    const total = this.weights.reduce((a, b, i) => a + (this.active[i] === false ? 0 : b), 0) || 1;
    this.models.forEach((model, i) => {
      const [x, y] = at(this.positions[i]);
      const w = this.weights[i] ?? 0, on = this.active[i] !== false;
      const share = this.shares?.[i] ?? (on ? w / total : 0);
      // influence: a halo that grows with the weight, and a line to the baton
      const halo = g.createRadialGradient(x, y, 0, x, y, 22 + 70 * share);
      halo.addColorStop(0, rgba(model.colour, on ? 0.45 * Math.max(0.15, share) + 0.1 : 0.05));
      halo.addColorStop(1, rgba(model.colour, 0));
      g.fillStyle = halo;
      g.beginPath(); g.arc(x, y, 22 + 70 * share, 0, Math.PI * 2); g.fill();
      g.strokeStyle = rgba(model.colour, on ? 0.15 + 0.7 * share : 0.08);
      g.lineWidth = 1 + 4 * share;
      g.beginPath(); g.moveTo(bx, by); g.lineTo(x, y); g.stroke();
      g.fillStyle = on ? model.colour : rgba(model.colour, 0.3);
      g.beginPath(); g.arc(x, y, DISC, 0, Math.PI * 2); g.fill();
      g.strokeStyle = 'rgba(10, 12, 17, 0.9)';
      g.lineWidth = 2;
      g.stroke();
      const label = this.labels[i];
      if (label) {
        label.share.textContent = on ? `${Math.round(share * 100)}%` : 'off';
        label.element.classList.toggle('off', !on);
      }
    });

    if (!this.labelsPlaced) this.placeLabels(width, height, at);

    // the baton
    g.fillStyle = this.pressed ? 'rgba(255, 181, 71, 0.25)' : 'rgba(255, 255, 255, 0.08)';
    g.beginPath(); g.arc(bx, by, this.pressed ? 22 : 17, 0, Math.PI * 2); g.fill();
    g.strokeStyle = '#ffffff';
    g.lineWidth = 2;
    g.beginPath(); g.arc(bx, by, 10, 0, Math.PI * 2); g.stroke();
    g.fillStyle = '#ffb547';
    g.beginPath(); g.arc(bx, by, 4, 0, Math.PI * 2); g.fill();
  }

  /**
   * Lays the labels out beside their discs (again after a resize or new models). The
   * canvas draws in client pixels, the labels are positioned in layout pixels: they differ
   * by the page's CSS zoom (Stage view).
   */
  placeLabels(width, height, at) {
    if (!this.labels.length) return;
    const scale = this.canvas.offsetWidth / width;
    if (!(scale > 0)) return;
    for (const label of this.labels) label.element.style.width = 'max-content';
    const sizes = this.labels.map((l) => ({ width: Math.min(120, Math.ceil(l.element.offsetWidth) + 1), height: l.element.offsetHeight }));
    if (sizes.some((s) => s.height === 0)) return;   // not laid out yet
    const discs = this.positions.map((p) => { const [x, y] = at(p); return { x: x * scale, y: y * scale, r: DISC * scale + 2 }; });
    placeLabels(discs, sizes, { width: width * scale, height: height * scale }).forEach((place, i) => {
      const style = this.labels[i].element.style;
      style.left = `${place.left}px`;
      style.top = `${place.top}px`;
      style.width = `${place.width}px`;
    });
    this.labelsPlaced = true;
  }
}
