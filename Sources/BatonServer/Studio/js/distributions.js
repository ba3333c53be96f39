// One row of the ensemble view (Akten & Grierson 2016, figure 1): a model's probability
// for every printable character as a vertical bar, coloured blue → red by probability.

import { probabilityColour } from './colour.js';

/** Byte values shown as columns: newline, printable ASCII, then everything else summed. */
export const COLUMNS = [10, ...Array.from({ length: 95 }, (_, i) => 32 + i), -1];
const LABELS = COLUMNS.map((b) => (b === 10 ? '↵' : b === 32 ? '␣' : b === -1 ? '…' : String.fromCharCode(b)));
const COLUMN_OF = new Map(COLUMNS.map((b, i) => [b, i]));

/** Column probabilities of a 256-entry distribution (the last column sums the other bytes). */
export function columnsOf(distribution) {
  if (!distribution || distribution.length < 256) return null;
  const out = new Float32Array(COLUMNS.length);
  let rest = 0;
  for (let b = 0; b < 256; b++) {
    const column = COLUMN_OF.get(b);
    if (column === undefined) rest += distribution[b]; else out[column] = distribution[b];
  }
  out[COLUMNS.length - 1] = rest;
  return out;
}

/** The column a UTF-8 character would be counted in (its first byte). */
export function columnOfText(text) {
  if (!text) return -1;
  const code = text.codePointAt(0);
  return code < 128 ? (COLUMN_OF.get(code) ?? COLUMNS.length - 1) : COLUMNS.length - 1;
}

/** The column a byte value is drawn in (bytes ≥ 128 share the last column). */
export function columnOfByte(byte) {
  return byte < 128 ? (COLUMN_OF.get(byte) ?? COLUMNS.length - 1) : COLUMNS.length - 1;
}

/** The most likely columns: [{label, p}] best first. */
export function topColumns(columns, count = 3) {
  if (!columns) return [];
  return [...columns].map((p, i) => ({ label: LABELS[i], p })).sort((a, b) => b.p - a.p).slice(0, count);
}

/**
 * Draws the bars into a canvas context of `width` × `height` CSS pixels. `marker` is the column
 * of the symbol just emitted (drawn on the joint row); `labels` adds the character axis;
 * `note` says why there are no columns (a skipped model, say).
 */
export function drawDistribution(g, width, height, columns, { marker = -1, labels = false, note = null } = {}) {
  g.clearRect(0, 0, width, height);
  const n = COLUMNS.length;
  const step = width / n;
  const showLabels = labels && step >= 6.5;
  const band = showLabels ? 15 : 0;
  const top = 5, bottom = height - band - 3;
  const gap = step > 5 ? 1 : 0;
  g.fillStyle = 'rgba(255, 255, 255, 0.07)';
  g.fillRect(0, bottom, width, 1);
  if (!columns) {
    g.fillStyle = 'rgba(160, 168, 186, 0.55)';
    g.font = '13px system-ui, sans-serif';
    g.textBaseline = 'middle';
    g.fillText(note || 'waiting for the first symbol…', 10, (top + bottom) / 2);
    return;
  }
  for (let c = 0; c < n; c++) {
    const t = Math.sqrt(Math.max(0, Math.min(1, columns[c])));
    const bar = Math.max(1, t * (bottom - top));
    g.fillStyle = probabilityColour(t);
    g.fillRect(c * step + gap, bottom - bar, Math.max(1, step - 2 * gap), bar);
  }
  if (marker >= 0) {
    const x = marker * step + step / 2;
    g.fillStyle = '#ffffff';
    g.beginPath();
    g.moveTo(x - 5, bottom + 1);
    g.lineTo(x + 5, bottom + 1);
    g.lineTo(x, bottom - 6);
    g.closePath();
    g.fill();
  }
  if (showLabels) {
    g.font = `${step >= 10 ? 11 : 9}px "DejaVu Sans Mono", ui-monospace, monospace`;
    g.textAlign = 'center';
    g.textBaseline = 'bottom';
    for (let c = 0; c < n; c++) {
      g.fillStyle = c === marker ? '#ffb547' : columns[c] > 0.1 ? 'rgba(233, 235, 241, 0.9)' : 'rgba(107, 115, 134, 0.9)';
      g.fillText(LABELS[c], c * step + step / 2, height - 1);
    }
    g.textAlign = 'start';
  }
}
