// Horizontal controls that a finger scrolling the page past them cannot move. A browser's
// own range input takes the value where a touch lands, before it knows the finger is
// scrolling; here a touch only becomes a drag once it moves sideways more than up or down
// (touch-action: pan-y leaves vertical moves to the browser, which then cancels the
// pointer), and a tap sets the value where it lands. Mouse and pen drag at once.

const SLOP = 6;   // px a touch moves before it counts as a drag

/**
 * Calls `onFraction(f, event)` with f ∈ [0, 1] across `track()` (a DOMRect-like
 * {left, width}; the element's own box by default) while the performer drags or taps.
 * `accepts(event)` can refuse a press (outside the track, say).
 */
export function dragHorizontally(element, { onFraction, track = () => element.getBoundingClientRect(), accepts = () => true }) {
  let press = null;   // { id, x, y, dragging, touch }
  const apply = (event) => {
    const box = track();
    if (box.width > 0) onFraction(Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)), event);
  };
  element.addEventListener('pointerdown', (event) => {
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    if (!accepts(event)) return;
    const touch = event.pointerType === 'touch';
    press = { id: event.pointerId, x: event.clientX, y: event.clientY, dragging: !touch, touch };
    if (!touch) {
      element.setPointerCapture(event.pointerId);
      event.preventDefault();
      apply(event);
    }
  });
  element.addEventListener('pointermove', (event) => {
    if (!press || event.pointerId !== press.id) return;
    if (!press.dragging) {
      const dx = Math.abs(event.clientX - press.x), dy = Math.abs(event.clientY - press.y);
      if (dx < SLOP || dx <= dy) return;
      press.dragging = true;
      element.setPointerCapture(event.pointerId);
    }
    apply(event);
  });
  element.addEventListener('pointerup', (event) => {
    if (!press || event.pointerId !== press.id) return;
    if (press.touch && !press.dragging) apply(event);   // a tap
    press = null;
  });
  element.addEventListener('pointercancel', () => { press = null; });   // the page scrolled: nothing changed
}

/**
 * Where a finger may scroll (any coarse pointer), range inputs stop taking pointers
 * themselves; their `.control` wrapper drives them with `dragHorizontally`, mapping the
 * pointer to a value as the browser would (the thumb's centre travels the track minus
 * its width) and firing the input's own `input` and `change` events.
 */
export function guardRange(input, wrapper = input.parentElement) {
  if (!wrapper || input.dataset.touchGuard) return;
  input.dataset.touchGuard = 'on';
  const THUMB = 18;
  const track = () => {
    const r = input.getBoundingClientRect();
    return { left: r.left + THUMB / 2, width: Math.max(1, r.width - THUMB) };
  };
  const accepts = (event) => {
    if (!document.documentElement.classList.contains('touch-ui') || input.disabled) return false;
    const r = input.getBoundingClientRect();
    return event.clientY >= r.top - 10 && event.clientY <= r.bottom + 10;
  };
  dragHorizontally(wrapper, {
    track, accepts,
    onFraction: (f) => {
      const min = Number(input.min || 0), max = Number(input.max || 100), step = Number(input.step) || 0;
      let value = min + f * (max - min);
      if (step > 0) value = min + Math.round((value - min) / step) * step;
      value = Math.min(max, Math.max(min, Number(value.toFixed(6))));
      if (String(value) === input.value) return;
      input.value = String(value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
  });
}

/** Marks the page for touch when any pointer is coarse (phones, tablets, touch screens). */
export function detectTouch() {
  const coarse = window.matchMedia?.('(any-pointer: coarse)');
  const apply = () => document.documentElement.classList.toggle('touch-ui', Boolean(coarse?.matches));
  apply();
  coarse?.addEventListener?.('change', apply);
}
