// Web MIDI with MIDI-learn: turn "MIDI learn" on, move a controller (a CC message), then
// click the control it should drive. Mappings live in localStorage per page; CC values
// 0–127 are scaled to the control's range. Without Web MIDI (unsupported, denied, or no
// answer within 3 s) the MIDI tools leave the top bar (`body[data-midi=unavailable]`)
// and everything else keeps working. While the server is away a controller moves nothing,
// as the page's own controls do not.

const TIMEOUT = 3000;

export class Midi {
  /**
   * page: the localStorage namespace; status: element for the state text; button: the
   * learn toggle (aria-pressed); clear: optional button that forgets every mapping.
   */
  constructor({ page, status, button, clear }) {
    this.key = `baton.midi.${page}`;
    this.statusElement = status;
    this.button = button;
    this.clearButton = clear;
    this.targets = new Map();      // id -> { element, min, max, step, set(value) }
    this.mappings = this.load();   // "channel:cc" -> target id
    this.learning = false;
    this.lastCC = null;            // { channel, cc } seen while learning
    this.available = false;
    this.inputs = new Set();
    this.handler = (event) => this.receive(event);

    button?.addEventListener('click', () => this.setLearning(!this.learning));
    clear?.addEventListener('click', () => {
      this.mappings = {};
      this.save();
      this.paintBadges();
      this.say(this.learning ? 'mappings cleared — move a controller' : 'mappings cleared');
    });
    // While learning, a press on a control maps it instead of changing it.
    document.addEventListener('pointerdown', (event) => this.pick(event), true);
    document.addEventListener('keydown', (event) => {
      if (this.learning && event.key === 'Enter' && event.target.closest?.('[data-midi]')) this.pick(event);
      if (this.learning && event.key === 'Escape') this.setLearning(false);
    }, true);
  }

  load() {
    try { return JSON.parse(localStorage.getItem(this.key)) || {}; } catch { return {}; }
  }

  save() {
    try { localStorage.setItem(this.key, JSON.stringify(this.mappings)); } catch { /* private mode */ }
  }

  /**
   * Registers a control that MIDI can drive. `element` carries `data-midi="id"` (the
   * element to click while learning); `set(value)` applies a value in [min, max].
   */
  target(id, element, { min, max, step = 0, set }) {
    element.dataset.midi = id;
    this.targets.set(id, { element, min, max, step, set });
    this.paintBadges();
  }

  /** A range input inside `wrapper` (label + output) as a MIDI target. */
  range(id, wrapper, input = wrapper.querySelector('input[type=range]')) {
    this.target(id, wrapper, {
      min: Number(input.min), max: Number(input.max), step: Number(input.step) || 0,
      set: (value) => {
        input.value = String(value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      },
    });
  }

  forget(prefix) {
    for (const id of [...this.targets.keys()]) if (id.startsWith(prefix)) this.targets.delete(id);
  }

  async start() {
    if (typeof navigator.requestMIDIAccess !== 'function') return this.unavailable('not supported by this browser');
    let access;
    try {
      access = await Promise.race([
        navigator.requestMIDIAccess({ sysex: false }),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), TIMEOUT)),
      ]);
    } catch (error) {
      const denied = error && (error.name === 'SecurityError' || error.name === 'NotAllowedError');
      return this.unavailable(denied ? 'permission denied' : 'no answer within 3 s');
    }
    this.available = true;
    this.access = access;
    const attach = () => {
      for (const input of access.inputs.values()) {
        if (this.inputs.has(input)) continue;
        this.inputs.add(input);
        input.onmidimessage = this.handler;
      }
      this.describe();
    };
    attach();
    access.onstatechange = attach;
    document.body.dataset.midi = 'available';
    return true;
  }

  unavailable(reason) {
    this.available = false;
    document.body.dataset.midi = 'unavailable';
    if (this.button) this.button.disabled = true;
    this.say('MIDI unavailable', reason);
    return false;
  }

  describe() {
    const names = [...this.access.inputs.values()].filter((i) => i.state !== 'disconnected').map((i) => i.name || i.id);
    if (this.learning) return;
    const count = Object.keys(this.mappings).length;
    const text = names.length === 0 ? 'MIDI: no devices' : `MIDI: ${names.length === 1 ? names[0] : names.length + ' inputs'}`;
    this.say(count ? `${text} · ${count} mapped` : text, names.join(', '));
  }

  say(text, title = '') {
    if (!this.statusElement) return;
    this.statusElement.textContent = text;
    this.statusElement.title = title;
  }

  setLearning(on) {
    this.learning = on;
    this.lastCC = null;
    document.body.classList.toggle('midi-learning', on);
    this.button?.setAttribute('aria-pressed', String(on));
    if (on) this.say(this.available ? 'move a controller…' : 'MIDI unavailable — mapping needs a device');
    else if (this.available) this.describe();
    else this.say('MIDI unavailable');
  }

  receive(event) {
    const data = event.data;
    if (!data || data.length < 3) return;
    if ((data[0] & 0xf0) !== 0xb0) return;       // control change only
    const channel = (data[0] & 0x0f) + 1, cc = data[1], value = data[2];
    if (this.learning) {
      this.lastCC = { channel, cc };
      this.say(`CC ${cc} (ch ${channel}) — now click a control`);
      return;
    }
    const id = this.mappings[`${channel}:${cc}`];
    const target = id && this.targets.get(id);
    if (!target || document.body.dataset.connection !== 'open') return;
    let v = target.min + (value / 127) * (target.max - target.min);
    if (target.step > 0) v = Math.round((v - target.min) / target.step) * target.step + target.min;
    v = Math.min(target.max, Math.max(target.min, Number(v.toFixed(6))));
    target.set(v);
  }

  pick(event) {
    if (!this.learning) return;
    const element = event.target.closest?.('[data-midi]');
    if (!element || !this.targets.has(element.dataset.midi)) return;
    event.preventDefault();
    event.stopPropagation();
    if (!this.lastCC) {
      this.say('move a controller first, then click');
      return;
    }
    const key = `${this.lastCC.channel}:${this.lastCC.cc}`;
    for (const [k, id] of Object.entries(this.mappings)) if (id === element.dataset.midi) delete this.mappings[k];
    this.mappings[key] = element.dataset.midi;
    this.save();
    this.paintBadges();
    element.classList.remove('midi-mapped-flash');
    void element.offsetWidth;
    element.classList.add('midi-mapped-flash');
    this.say(`CC ${this.lastCC.cc} → ${element.dataset.midiLabel || element.dataset.midi}`);
    this.lastCC = null;
  }

  paintBadges() {
    const byTarget = {};
    for (const [key, id] of Object.entries(this.mappings)) byTarget[id] = 'CC ' + key.split(':')[1];
    for (const [id, target] of this.targets) {
      if (byTarget[id]) target.element.dataset.midiCc = byTarget[id];
      else delete target.element.dataset.midiCc;
    }
  }
}
