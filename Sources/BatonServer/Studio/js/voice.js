// A simple Web Audio voice for the instrument page, so a first visitor without a synth hears
// the call and the response: the performer as a soft triangle on the left, the model as a
// brighter, filtered sawtooth on the right, both on the same pentatonic scale (x1 → pitch,
// x2 → loudness, x3 → brightness). Browsers start audio only from a click, so it starts off.
// However fast events come (a timescale of 0 allows 1,000 predictions a second), a voice
// is struck at most STRIKES_PER_SECOND times; faster events only glide its pitch.

const STRIKES_PER_SECOND = 25;
const SCALE = [0, 2, 4, 7, 9];            // major pentatonic, in semitones
const ROOT = 220;                         // A3

const VOICES = {
  in: { type: 'triangle', pan: -0.45, octave: 0, level: 0.22, cutoff: [1800, 1800] },
  out: { type: 'sawtooth', pan: 0.45, octave: 1, level: 0.16, cutoff: [500, 4500] },
};

export class Voice {
  constructor() {
    this.context = null;
    this.voices = {};
    this.strikes = { in: 0, out: 0 };
    this.lastStrike = { in: 0, out: 0 };
  }

  get on() { return this.context !== null && this.context.state === 'running'; }

  /** Starts (or resumes) the audio; call from a click. */
  async start() {
    if (!this.context) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) throw new Error('this browser has no Web Audio');
      this.context = new Context();
      const master = this.context.createDynamicsCompressor();
      master.connect(this.context.destination);
      for (const [source, spec] of Object.entries(VOICES)) this.voices[source] = this.makeVoice(spec, master);
    }
    await this.context.resume();
  }

  async stop() {
    if (this.context) await this.context.suspend();
  }

  makeVoice(spec, destination) {
    const g = this.context;
    const oscillator = g.createOscillator();
    oscillator.type = spec.type;
    const filter = g.createBiquadFilter();
    filter.type = 'lowpass';
    filter.frequency.value = spec.cutoff[0];
    const gain = g.createGain();
    gain.gain.value = 0;
    const pan = g.createStereoPanner ? g.createStereoPanner() : null;
    oscillator.connect(filter).connect(gain);
    if (pan) { pan.pan.value = spec.pan; gain.connect(pan).connect(destination); } else gain.connect(destination);
    oscillator.start();
    return { spec, oscillator, filter, gain };
  }

  /** An event from `source` ('in': the performer, 'out': the model), values in [0, 1]. */
  play(source, values) {
    const voice = this.voices[source];
    if (!voice || !this.on || !values?.length) return;
    const g = this.context, now = g.currentTime;
    const clampUnit = (v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.5);
    const [x1, x2 = 0.6, x3 = 0.5] = values.map(clampUnit);
    const step = Math.round(x1 * (SCALE.length * 2 - 1));
    const semitones = 12 * (Math.floor(step / SCALE.length) + voice.spec.octave) + SCALE[step % SCALE.length];
    voice.oscillator.frequency.setTargetAtTime(ROOT * 2 ** (semitones / 12), now, 0.012);
    const [low, high] = voice.spec.cutoff;
    voice.filter.frequency.setTargetAtTime(low + (high - low) * x3, now, 0.02);
    const ms = performance.now();
    if (ms - this.lastStrike[source] < 1000 / STRIKES_PER_SECOND) return;
    this.lastStrike[source] = ms;
    this.strikes[source] += 1;
    const level = voice.spec.level * (0.35 + 0.65 * x2);
    voice.gain.gain.cancelScheduledValues(now);
    voice.gain.gain.setTargetAtTime(level, now, 0.006);
    voice.gain.gain.setTargetAtTime(0, now + 0.09, 0.16);
  }
}
