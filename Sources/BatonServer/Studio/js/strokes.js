// Pen strokes ↔ stroke-3 (sketch-rnn; Graves 2013): each row is (dx, dy, pen) with pen = 1 on
// the last point of a stroke, so the segment from that point to the next is not drawn.

/** Ramer–Douglas–Peucker simplification of a polyline (sketch-rnn simplifies its data the same way). */
export function simplify(points, epsilon) {
  if (epsilon <= 0 || points.length < 3) return points.slice();
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = points[a], [bx, by] = points[b];
    const dx = bx - ax, dy = by - ay, length = Math.hypot(dx, dy);
    let worst = -1, index = -1;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = points[i];
      const d = length === 0 ? Math.hypot(px - ax, py - ay) : Math.abs(dy * px - dx * py + bx * ay - by * ax) / length;
      if (d > worst) { worst = d; index = i; }
    }
    if (worst > epsilon) {
      keep[index] = 1;
      stack.push([a, index], [index, b]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

/**
 * Strokes in screen pixels ([[x, y], …] each) → stroke-3 rows in the model's data units:
 * × scale, y flipped when the data's y axis points up, simplified with `epsilon` (data units).
 * The first row starts at the first point (0, 0).
 */
export function toStroke3(strokes, { scale = 1, yUp = false, epsilon = 0 } = {}) {
  const rows = [];
  let previous = null;
  for (const stroke of strokes) {
    const data = simplify(stroke.map(([x, y]) => [x * scale, (yUp ? -y : y) * scale]), epsilon);
    data.forEach(([x, y], k) => {
      const [dx, dy] = previous ? [x - previous[0], y - previous[1]] : [0, 0];
      rows.push([round(dx), round(dy), k === data.length - 1 ? 1 : 0]);
      previous = [x, y];
    });
  }
  return rows;
}

const round = (v) => Math.round(v * 100) / 100;

/**
 * Stroke-3 rows from the model → absolute screen points [x, y, penDown] from `start`, where
 * penDown says whether the segment *into* this point is drawn. The pen is up on arrival
 * (our last point ended a stroke).
 */
export function fromStroke3(rows, start, { scale = 1, yUp = false } = {}) {
  const out = [];
  let [x, y] = start;
  let lifted = true;
  for (const [dx, dy, pen] of rows) {
    x += dx / scale;
    y += (yUp ? -dy : dy) / scale;
    out.push([x, y, lifted ? 0 : 1]);
    lifted = pen >= 0.5;
  }
  return out;
}

/** Absolute points (as fromStroke3 gives) → separate strokes of [x, y]. */
export function splitStrokes(points) {
  const strokes = [];
  let current = null;
  for (const [x, y, down] of points) {
    if (!down || !current) {
      if (current && current.length) strokes.push(current);
      current = [];
    }
    current.push([x, y]);
  }
  if (current && current.length) strokes.push(current);
  return strokes;
}
