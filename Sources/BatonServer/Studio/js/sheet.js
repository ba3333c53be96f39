// Keeping the model's writing on the sheet: a continuation that runs past the right edge
// wraps to a new line, as handwriting does — at a gap between strokes when one comes near
// the edge, or, for a stroke that would leave the sheet, where it crosses the edge — and the
// view follows the pen down (or up) the page. Pure geometry on [x, y, penDown] points.

/**
 * Wraps absolute points ([x, y, down], `down` for the segment into the point) within
 * `left`…`right`; each new line starts at `left`, `lineHeight` lower. A line that still
 * reaches left of `left` (a loop written backwards) moves right as a whole; what is left
 * over is held inside the sheet. Returns new points.
 */
export function wrapLines(points, { left, right, lineHeight, soft = 0.12 }) {
  const softRight = right - Math.max(24, (right - left) * soft);
  const lines = [[]];
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
      lines.push([]);
    }
    lines.at(-1).push([px, py, pen]);
  }
  const edge = Math.min(left, 8);
  return lines.flatMap((line) => {
    const reach = Math.min(...line.map((p) => p[0]));
    const shift = reach < edge ? edge - reach : 0;
    return line.map(([x, y, pen]) => [Math.min(right, Math.max(edge, x + shift)), y, pen]);
  });
}

/**
 * How far apart lines are: the height of the writing — the writer's recent ink and the
 * model's own letters (`model`, its points before wrapping), whichever is taller — with
 * room between lines. Heights are the 10th–90th percentile span, so one wild stroke does
 * not open a gulf.
 */
export function lineHeightOf(strokes, model = [], { minimum = 56, maximum = 260 } = {}) {
  const span = (ys) => {
    if (ys.length < 4) return 0;
    const sorted = ys.slice().sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length * 0.9)] - sorted[Math.floor(sorted.length * 0.1)];
  };
  const ink = span(strokes.flatMap((s) => s.points).slice(-240).map((p) => p[1]));
  const own = span(model.map((p) => p[1]));
  return Math.min(maximum, Math.max(minimum, Math.max(ink, own) * 1.5));
}

/** Where new lines start: the page's left margin, or the writer's if it is further left. */
export function leftMarginOf(strokes, width) {
  const page = Math.max(16, width * 0.04);
  let left = Infinity;
  for (const stroke of strokes) for (const [x] of stroke.points) left = Math.min(left, x);
  return Math.max(8, Math.min(page, left));
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

/**
 * The pen scale (data units per pixel) that makes the writer's strokes as tall as the
 * strokes the handwriting model learned from (`typicalHeight`, data units): the model then
 * answers in letters of the writer's size, at the point spacing it knows. Strokes under
 * 8 px tall (dots, crossings, dashes) say little about size and are left out; with none
 * left, `current` stays. The median height, so one tall flourish does not shrink the rest.
 */
export function writingScale(strokes, current, { typicalHeight = 168, min = 0.25, max = 8 } = {}) {
  const heights = [];
  for (const stroke of strokes) {
    if (stroke.colours) continue;   // the model's kept lines are at the scale they were written
    const ys = stroke.points.map((p) => p[1]);
    const height = Math.max(...ys) - Math.min(...ys);
    if (height >= 8) heights.push(height);
  }
  if (!heights.length) return current;
  heights.sort((a, b) => a - b);
  const median = heights[Math.floor(heights.length / 2)];
  return Math.round(Math.min(max, Math.max(min, typicalHeight / median)) * 20) / 20;
}
