// The ensemble's text as the audience reads it: large, each run in the colour of the model
// that wrote it, growing from the bottom so the newest line is always in the same place
// and at full strength while older lines fade. Primes and restarts appear in the stream
// where they happen, and so does text the performer feeds. Symbols are queued as they
// arrive and drawn once per frame.
import { h } from './ui.js';

const MAX_CHARS = 6000, KEEP_CHARS = 4500;

export class TextStream {
  /** `colourOf(model)` gives a model's colour (model -1: the page's own markers). */
  constructor(stream, { colourOf }) {
    this.stream = stream;
    this.body = stream.querySelector('.stream-text');
    this.caret = stream.querySelector('.caret');
    this.colourOf = colourOf;
    this.queue = [];
    this.symbols = 0;
    this.shown = 0;
    this.line = null;       // the current line's element
    this.run = null;        // the span being written, and its model
    this.runModel = null;
    this.newLine();
  }

  /** A symbol from the server: `{ text, model }`. */
  push(message) {
    this.queue.push(message);
    this.symbols += 1;
    if (this.queue.length > MAX_CHARS) this.queue.splice(0, this.queue.length - KEEP_CHARS);   // a hidden tab draws nothing
  }

  /** The server restarted the text from `text` (empty: from nothing). */
  primed(text) { this.queue.push({ prime: text }); }

  /** The performer fed `text`: the models read it mid-stream and continue from it. */
  fed(text) { if (text) this.queue.push({ fed: text }); }

  /**
   * The text written before this page connected (`recent` pieces: `{ text, model }` runs
   * and `{ prime }` restarts), shown once, while the stream is still empty: a projector
   * window opened late or reloaded is not blank. Returns whether it was shown.
   */
  replay(pieces) {
    if (this.symbols || this.queue.length || !Array.isArray(pieces)) return false;
    for (const piece of pieces) {
      if (typeof piece?.prime === 'string') this.queue.push({ prime: piece.prime });
      else if (typeof piece?.fed === 'string') this.fed(piece.fed);
      else if (typeof piece?.text === 'string') {
        this.queue.push({ text: piece.text, model: Number.isInteger(piece.model) ? piece.model : -1 });
        this.symbols += [...piece.text].length;
      }
    }
    return true;
  }

  /** Draws what arrived since the last frame; keeps the view at the newest line. */
  flush() {
    if (!this.queue.length) return false;
    const stick = this.stream.scrollTop + this.stream.clientHeight >= this.stream.scrollHeight - 48;
    for (const item of this.queue) {
      if (item.prime !== undefined) this.showPrime(item.prime);
      else if (item.fed !== undefined) this.showFed(item.fed);
      else this.write(item.text, item.model);
    }
    this.queue.length = 0;
    this.trim();
    this.stream.dataset.chars = String(this.symbols);
    if (stick) this.stream.scrollTop = this.stream.scrollHeight;
    return true;
  }

  write(text, model) {
    const parts = text.split('\n');
    parts.forEach((part, k) => {
      if (k > 0) this.newLine();
      if (!part) return;
      if (!part.includes('\uFFFD')) { this.append(part, model); return; }
      // An invalid UTF-8 sequence: the models disagreed in the middle of a multi-byte character.
      part.split('\uFFFD').forEach((piece, j) => {
        if (j > 0) {
          this.line.insertBefore(h('span', { class: 'invalid', title: 'an incomplete UTF-8 character: the models disagreed mid-character' }, '·'), this.caret);
          this.run = null;
          this.shown += 1;
        }
        if (piece) this.append(piece, model);
      });
    });
  }

  append(text, model) {
    if (!this.run || this.runModel !== model) {
      this.run = h('span', { style: { color: this.colourOf(model) } });
      this.line.insertBefore(this.run, this.caret);
      this.runModel = model;
    }
    this.run.append(text);
    this.shown += text.length;
  }

  /** A restart: a new line that shows the context the text continues from. */
  showPrime(text) {
    if (this.line.childNodes.length > 1) this.newLine();
    if (!text) {
      this.line.classList.add('restart');
      this.line.insertBefore(h('span', { class: 'restart-mark' }, 'restarted from nothing'), this.caret);
      this.newLine();
      return;
    }
    const lines = text.split('\n');
    lines.forEach((part, k) => {
      if (k > 0) this.newLine();
      if (part) this.line.insertBefore(h('span', { class: 'prime-text', title: 'the prime: the text the models continue' }, part), this.caret);
    });
    this.shown += text.length;
    this.run = null;
  }

  /** Fed text, inline where it was read: the models' text goes on after it. */
  showFed(text) {
    text.split('\n').forEach((part, k) => {
      if (k > 0) this.newLine();
      if (part) this.line.insertBefore(h('span', { class: 'fed-text', title: 'fed by the performer: the models read it and go on from it' }, part), this.caret);
    });
    this.shown += text.length;
    this.run = null;
  }

  newLine() {
    this.line?.classList.remove('current');
    this.line = h('div', { class: 'line current' });
    this.line.append(this.caret);
    this.body.append(this.line);
    this.run = null;
    this.runModel = null;
  }

  /** Keeps about MAX_CHARS on screen: whole old lines go first, then the start of a very long line. */
  trim() {
    if (this.shown <= MAX_CHARS) return;
    while (this.shown > KEEP_CHARS && this.body.firstChild && this.body.firstChild !== this.line) {
      this.shown -= this.body.firstChild.textContent.length;
      this.body.firstChild.remove();
    }
    while (this.shown > KEEP_CHARS && this.line.firstChild && this.line.firstChild !== this.caret) {
      if (this.line.firstChild === this.run) this.run = null;
      this.shown -= this.line.firstChild.textContent.length;
      this.line.firstChild.remove();
    }
  }
}
