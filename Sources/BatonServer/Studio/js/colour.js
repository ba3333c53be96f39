// The blue → red ramp of the distribution bars (Akten & Grierson 2016, figure 1): cold for
// unlikely symbols, hot for likely ones. A 256-entry table, so drawing never builds strings.

const STOPS = [
  [0.0, [29, 58, 158]],
  [0.25, [75, 95, 224]],
  [0.5, [155, 79, 214]],
  [0.75, [232, 68, 122]],
  [1.0, [255, 90, 44]],
];

const TABLE = Array.from({ length: 256 }, (_, i) => {
  const t = i / 255;
  let k = 0;
  while (k < STOPS.length - 2 && t > STOPS[k + 1][0]) k++;
  const [t0, a] = STOPS[k], [t1, b] = STOPS[k + 1];
  const u = (t - t0) / (t1 - t0);
  const c = a.map((x, j) => Math.round(x + (b[j] - x) * u));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
});

/** The ramp's colour at t ∈ [0, 1]. */
export function probabilityColour(t) {
  return TABLE[Math.max(0, Math.min(255, Math.round(t * 255)))];
}
