// Small DOM and canvas helpers shared by the Studio's pages.
import { guardRange } from './touch.js';

/** Builds an element: h('button', { class: 'btn', onclick }, 'Play'). */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') element.className = value;
    else if (key === 'style' && typeof value === 'object') {
      for (const [name, v] of Object.entries(value)) {
        if (name.startsWith('--')) element.style.setProperty(name, v); else element.style[name] = v;
      }
    }
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

// The server's palette (ModelStyle.palette): used when two models ask for the same colour.
export const PALETTE = ['#4f9dff', '#ff7a45', '#36c98e', '#e05dd6', '#f2c94c', '#5ad1e6', '#ff5c7a', '#a78bfa',
  '#9ccc65', '#ffab91', '#80cbc4', '#ce93d8'];

/** One colour per model, as the server gave them, but never the same colour twice. */
export function distinctColours(colours) {
  const used = new Set();
  return colours.map((colour) => {
    let c = (colour || '').toLowerCase();
    if (!/^#[0-9a-f]{6}$/.test(c) || used.has(c)) c = PALETTE.find((p) => !used.has(p)) || c || '#9aa2b5';
    used.add(c);
    return c;
  });
}

export function rgba(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

export const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatCount(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)} M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)} k`;
  return String(n);
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60), r = s % 60;
  if (m < 60) return `${m}:${String(r).padStart(2, '0')}`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`;
}

export function formatAgo(iso) {
  const t = Date.parse(iso);
  if (!isFinite(t)) return '';
  const s = (Date.now() - t) / 1000;
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(t).toLocaleDateString();
}

/**
 * Keeps a canvas's backing store at its CSS size × devicePixelRatio; returns the context
 * scaled to CSS pixels and the size, or null when the canvas is not laid out.
 */
export function fitCanvas(canvas) {
  const rect = canvas.getBoundingClientRect();
  const ratio = window.devicePixelRatio || 1;
  const width = Math.round(rect.width * ratio), height = Math.round(rect.height * ratio);
  if (width === 0 || height === 0) return null;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext('2d');
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { context, width: rect.width, height: rect.height };
}

/**
 * A labelled range control (`.control` wrapper with an input and an output): shows the value
 * as `format` says, calls `onInput(value)` when the performer moves it, and `set(value)` updates
 * it from the server unless the performer is touching it right now.
 */
export function rangeControl(wrapper, { format = (v) => String(v), onInput } = {}) {
  const input = wrapper.querySelector('input[type=range]');
  const output = wrapper.querySelector('output');
  let touched = 0;
  const show = () => {
    const v = Number(input.value), lo = Number(input.min), hi = Number(input.max);
    input.style.setProperty('--fill', `${hi > lo ? ((v - lo) / (hi - lo)) * 100 : 0}%`);
    if (output) output.textContent = format(v);
  };
  input.addEventListener('input', () => {
    touched = performance.now();
    show();
    onInput?.(Number(input.value));
  });
  input.addEventListener('limits', show);   // the server's limits narrowed the range
  guardRange(input, wrapper);
  show();
  return {
    input,
    get value() { return Number(input.value); },
    set(value) {
      if (value === undefined || value === null || !isFinite(value)) return;
      if (performance.now() - touched < 800) return;
      input.value = String(value);
      show();
    },
  };
}

/**
 * A short message under the top bar, at the side (errors from the server, confirmations);
 * forms answer in their own message line instead, so no toast sits over a form.
 */
export function toast(message, kind = 'info') {
  let box = $('#toasts');
  if (!box) {
    box = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const item = h('div', { class: `toast toast-${kind}` }, message);
  box.append(item);
  setTimeout(() => item.classList.add('toast-out'), 3600);
  setTimeout(() => item.remove(), 4000);
}

/** Whether a key press belongs to a text field (shortcuts must leave it alone). */
export function typingInto(target) {
  if (!target || !target.closest) return false;
  if (target.isContentEditable) return true;
  const field = target.closest('input, textarea, select');
  if (!field) return false;
  return !(field.tagName === 'INPUT' && ['range', 'checkbox', 'radio', 'button'].includes(field.type));
}
