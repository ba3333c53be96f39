// Painting the handwriting sheet: a quiet dot grid (so the surface reads as paper and
// scrolls with the writing), the writer's strokes in ink, kept model lines and the model's
// answer in the colours of the models that wrote each point, its other futures as faint
// ghosts, and the model's pen while it writes. Pure canvas drawing, no page state.
import { rgba } from './ui.js';

/**
 * Paints everything onto `g` (a 2D context whose canvas is `width` × `height` device
 * pixels, `zoom` device pixels per sheet pixel), scrolled down by `viewY` sheet pixels.
 * `answer`: { samples: [[[x, y, down]]], colours: [[colour]] } or null, drawn up to
 * `revealed` points.
 */
export function drawSheet(g, { width, height, zoom, viewY, strokes, answer, revealed, ink }) {
  g.clearRect(0, 0, width, height);
  g.save();
  g.scale(zoom, zoom);
  g.translate(0, -viewY);
  g.fillStyle = 'rgba(255, 255, 255, 0.06)';
  const top = Math.floor(viewY / 32) * 32;
  for (let y = top + 24; y < viewY + height / zoom; y += 32) for (let x = 24; x < width / zoom; x += 32) g.fillRect(x, y, 1.5, 1.5);
  g.lineCap = 'round';
  g.lineJoin = 'round';
  g.lineWidth = 3;
  for (const stroke of strokes) drawStroke(g, stroke, ink);
  if (answer) {
    const first = answer.samples[0] || [];
    g.lineWidth = 1.6;
    answer.samples.slice(1).forEach((points, k) => drawModelLine(g, points, answer.colours[k + 1], revealed, 0.26));
    g.lineWidth = 3;
    g.shadowColor = 'rgba(255, 255, 255, 0.25)';
    g.shadowBlur = 8;
    drawModelLine(g, first, answer.colours[0], revealed, 1);
    g.shadowBlur = 0;
    const pen = first[Math.min(revealed, first.length) - 1];
    if (pen) {
      g.fillStyle = '#ffffff';
      g.beginPath();
      g.arc(pen[0], pen[1], 3.5, 0, Math.PI * 2);
      g.fill();
    }
  }
  g.restore();
}

/** A stroke of the writer's (smooth, through midpoints) or a kept one, in its writers' colours. */
function drawStroke(g, stroke, ink) {
  const points = stroke.points;
  if (!stroke.colours) {
    g.strokeStyle = ink;
    g.beginPath();
    g.moveTo(points[0][0], points[0][1]);
    if (points.length === 1) g.lineTo(points[0][0] + 0.1, points[0][1]);
    for (let i = 1; i < points.length - 1; i++) {
      const [x, y] = points[i], [nx, ny] = points[i + 1];
      g.quadraticCurveTo(x, y, (x + nx) / 2, (y + ny) / 2);
    }
    if (points.length > 1) g.lineTo(points.at(-1)[0], points.at(-1)[1]);
    g.stroke();
    return;
  }
  drawModelLine(g, points.map(([x, y], i) => [x, y, i > 0 ? 1 : 0]), stroke.colours, points.length, 1);
}

/** Model points ([x, y, down]) up to `count`, each segment in the colour of the point it leads to. */
function drawModelLine(g, points, colours, count, alpha) {
  let colour = null;
  g.beginPath();
  for (let i = 1; i < Math.min(count, points.length); i++) {
    if (!points[i][2]) continue;
    if (colours[i] !== colour) {
      g.stroke();
      colour = colours[i];
      g.strokeStyle = alpha < 1 ? rgba(colour, alpha) : colour;
      g.beginPath();
    }
    g.moveTo(points[i - 1][0], points[i - 1][1]);
    g.lineTo(points[i][0], points[i][1]);
  }
  g.stroke();
}
