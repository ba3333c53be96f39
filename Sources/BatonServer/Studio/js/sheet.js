// Keeping the model's writing on the sheet: a continuation that runs past the right edge
// wraps to a new line, as handwriting does — at a gap between strokes when one comes near
// the edge, or, for a stroke that would leave the sheet, where it crosses the edge — and the
// view follows the pen down (or up) the page. Pure geometry on [x, y, penDown] points.

/**
 * Wraps absolute points ([x, y, down], `down` for the segment into the point) within
 * `left`…`right`; each new line starts at `left`, `lineHeight` lower. Returns new points.
 */
export function wrapLines(points, { left, right, lineHeight, soft = 0.12 }) {
  const softRight = right - Math.max(24, (right - left) * soft);
  const out = [];
  let ox = 0, oy = 0;
  for (const [x, y, down] of points) {
    let px = x + ox, py = y + oy, pen = down;
    const gap = !down;
    if ((gap && px > softRight) || (down && px > right)) {
      ox += left - px;
      oy += lineHeight;
      px = left;
      py = y + oy;
      pen = 0;   // the move to the new line is never drawn
    }
    out.push([px, py, pen]);
  }
  return out;
}

/** How tall a line of this writing is: the recent ink's height, with room between lines. */
export function lineHeightOf(strokes, { minimum = 56, maximum = 220 } = {}) {
  const recent = strokes.flatMap((s) => s.points).slice(-240);
  if (recent.length < 2) return minimum * 1.5;
  const ys = recent.map((p) => p[1]);
  const extent = Math.max(...ys) - Math.min(...ys);
  return Math.min(maximum, Math.max(minimum, extent * 1.6));
}

/** Where new lines start: the writer's left margin (the leftmost ink), never off the sheet. */
export function leftMarginOf(strokes, minimum = 16) {
  let left = Infinity;
  for (const stroke of strokes) for (const [x] of stroke.points) left = Math.min(left, x);
  return Number.isFinite(left) ? Math.max(minimum, left) : minimum;
}

/**
 * The view's vertical offset that keeps `y` (a sheet position) inside the visible band,
 * moving as little as possible from `current`.
 */
export function follow(current, y, height, margin = 40) {
  if (y - current > height - margin) return y - (height - margin);
  if (y - current < margin) return y - margin;
  return current;
}
