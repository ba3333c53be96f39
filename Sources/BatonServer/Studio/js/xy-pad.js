// The instrument's XY pad: play the first two values with a pointer or the arrow keys,
// a fading trail behind the pointer, and the model's latest answer on the same plane.
import { clamp, fitCanvas, rgba } from './ui.js';

const TRAIL_MS = 1500;

export class XYPad {
  /**
   * `position()` → the values the pad shows ([x, y] in 0…1, or null with nothing to play);
   * `set([x, y])` plays them; `answer()` → { values, colour, shown } for the model's dot;
   * `ink` is the performer's colour.
   */
  constructor(canvas, { position, set, answer, ink }) {
    Object.assign(this, { canvas, position, set, answer, ink });
    this.pointer = null;
    this.trail = [];
    this.dirty = true;
    canvas.addEventListener('pointerdown', (event) => {
      if (event.pointerType === 'mouse' && event.button !== 0) return;
      event.preventDefault();
      this.pointer = event.pointerId;
      canvas.setPointerCapture(event.pointerId);
      this.move(this.fromEvent(event));
    });
    canvas.addEventListener('pointermove', (event) => {
      if (this.pointer === event.pointerId) this.move(this.fromEvent(event));
    });
    const release = (event) => { if (this.pointer === event.pointerId) { this.pointer = null; this.dirty = true; } };
    canvas.addEventListener('pointerup', release);
    canvas.addEventListener('pointercancel', release);
    canvas.addEventListener('keydown', (event) => {
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      const move = moves[event.key], at = this.position();
      if (!move || !at) return;
      event.preventDefault();
      const step = event.shiftKey ? 0.1 : 0.02;
      this.move([clamp(at[0] + move[0] * step, 0, 1), clamp(at[1] + move[1] * step, 0, 1)]);
    });
  }

  markDirty() { this.dirty = true; }

  fromEvent(event) {
    const rect = this.canvas.getBoundingClientRect();
    return [clamp((event.clientX - rect.left) / rect.width, 0, 1), clamp(1 - (event.clientY - rect.top) / rect.height, 0, 1)];
  }

  move([x, y]) {
    this.set([x, y]);
    this.trail.push({ x, y, t: performance.now() });
    this.dirty = true;
  }

  draw() {
    const now = performance.now();
    while (this.trail.length && now - this.trail[0].t > TRAIL_MS) this.trail.shift();
    if (!this.dirty && !this.trail.length) return;
    const fit = fitCanvas(this.canvas);
    if (!fit) return;
    this.dirty = false;
    const { context: g, width, height } = fit;
    g.clearRect(0, 0, width, height);
    g.strokeStyle = 'rgba(255, 255, 255, 0.05)';
    g.lineWidth = 1;
    for (let k = 1; k < 4; k++) {
      g.beginPath(); g.moveTo((k * width) / 4, 0); g.lineTo((k * width) / 4, height);
      g.moveTo(0, (k * height) / 4); g.lineTo(width, (k * height) / 4); g.stroke();
    }
    const at = (x, y) => [x * width, (1 - y) * height];
    const answer = this.answer();
    if (answer.shown && answer.values[0] !== null && answer.values[0] !== undefined) {
      const [px, py] = at(clamp(answer.values[0], 0, 1), clamp(answer.values[1], 0, 1));
      g.fillStyle = rgba(answer.colour, 0.25);
      g.beginPath(); g.arc(px, py, 18, 0, Math.PI * 2); g.fill();
      g.fillStyle = answer.colour;
      g.beginPath(); g.arc(px, py, 6, 0, Math.PI * 2); g.fill();
    }
    for (let i = 1; i < this.trail.length; i++) {
      const a = this.trail[i - 1], b = this.trail[i];
      g.strokeStyle = rgba(this.ink, 0.6 * (1 - (now - b.t) / TRAIL_MS));
      g.lineWidth = 3;
      g.lineCap = 'round';
      g.beginPath(); g.moveTo(...at(a.x, a.y)); g.lineTo(...at(b.x, b.y)); g.stroke();
    }
    const position = this.position();
    if (position) {
      const [cx, cy] = at(position[0], position[1]);
      g.strokeStyle = 'rgba(255, 255, 255, 0.18)';
      g.beginPath(); g.moveTo(cx, 0); g.lineTo(cx, height); g.moveTo(0, cy); g.lineTo(width, cy); g.stroke();
      g.strokeStyle = '#ffffff';
      g.lineWidth = 2;
      g.beginPath(); g.arc(cx, cy, this.pointer !== null ? 13 : 10, 0, Math.PI * 2); g.stroke();
    }
  }
}
