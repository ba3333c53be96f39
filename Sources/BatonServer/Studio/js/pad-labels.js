// Where the conductor pad's labels go: one per model, beside its disc, so that no label
// covers another label or any disc and none leaves the pad. Each label tries the side
// facing away from the pad's centre first, then the others; a label that fits nowhere at
// full width is tried narrower (its name then ends in an ellipsis, with the full name as
// a tooltip). Pure geometry, so it can be checked on its own.

const GAP = 4;        // px between a disc and its label
const MARGIN = 2;     // px kept clear around every label

/**
 * discs: [{x, y, r}] centres and radii; sizes: [{width, height}] of each label at full
 * width; bounds: {width, height}. Returns [{left, top, width}] per label.
 */
export function placeLabels(discs, sizes, bounds, { minWidth = 44 } = {}) {
  const cx = bounds.width / 2, cy = bounds.height / 2;
  const placed = [];
  const result = [];
  discs.forEach((disc, i) => {
    const full = sizes[i];
    const widths = [full.width, full.width * 0.8, full.width * 0.65, full.width * 0.5]
      .map((w) => Math.max(Math.min(minWidth, full.width), Math.round(w)))
      .filter((w, k, all) => all.indexOf(w) === k);
    const outward = Math.atan2(disc.y - cy, disc.x - cx);
    // Sides facing away from the centre (or across it) at any width before sides facing
    // inwards, where a label would read as the baton's.
    const [away, inward] = candidates(disc, full.height, outward);
    let best = null;
    for (const group of [away, inward]) {
      for (const width of widths) {
        for (const place of group) {
          const box = place(width);
          const overlap = overlapOf(box, placed, discs, bounds);
          if (!best || overlap < best.overlap) best = { box, overlap };
          if (overlap === 0) break;
        }
        if (best.overlap === 0) break;
      }
      if (best.overlap === 0) break;
    }
    placed.push(best.box);
    result.push({ left: best.box.left, top: best.box.top, width: best.box.width });
  });
  return result;
}

/**
 * Places around a disc (width → box), best first, split into those facing away from the
 * centre (`angle`) or across it, and those facing inwards.
 */
function candidates(disc, height, angle) {
  const { x, y, r } = disc;
  const ux = Math.cos(angle), uy = Math.sin(angle);
  const radial = (w) => {
    // centred on the ray from the centre through the disc, just clear of the disc
    const reach = r + GAP + Math.abs(ux) * w / 2 + Math.abs(uy) * height / 2;
    return [x + ux * reach - w / 2, y + uy * reach - height / 2];
  };
  const around = [
    { dx: ux * 1.01, dy: uy * 1.01, at: radial },
    { dx: 0.3, dy: -1, at: (w) => [x - w / 4, y - r - GAP - height] },            // above, leaning right
    { dx: -0.3, dy: -1, at: (w) => [x - 3 * w / 4, y - r - GAP - height] },       // above, leaning left
    { dx: 0.3, dy: 1, at: (w) => [x - w / 4, y + r + GAP] },                      // below, leaning right
    { dx: -0.3, dy: 1, at: (w) => [x - 3 * w / 4, y + r + GAP] },                 // below, leaning left
    { dx: 0, dy: -1, at: (w) => [x - w / 2, y - r - GAP - height] },            // above
    { dx: 0, dy: 1, at: (w) => [x - w / 2, y + r + GAP] },                      // below
    { dx: 1, dy: 0, at: () => [x + r + GAP, y - height / 2] },                  // right
    { dx: -1, dy: 0, at: (w) => [x - r - GAP - w, y - height / 2] },            // left
    { dx: 0.7, dy: -0.7, at: () => [x + r * 0.4, y - r - GAP - height] },       // above, to the right
    { dx: -0.7, dy: -0.7, at: (w) => [x - r * 0.4 - w, y - r - GAP - height] }, // above, to the left
    { dx: 0.7, dy: 0.7, at: () => [x + r * 0.4, y + r + GAP] },                 // below, to the right
    { dx: -0.7, dy: 0.7, at: (w) => [x - r * 0.4 - w, y + r + GAP] },           // below, to the left
  ];
  const ranked = around.map((c) => ({ score: c.dx * ux + c.dy * uy, place: (w) => {
    const [left, top] = c.at(w);
    return { left, top, width: w, height };
  } })).sort((a, b) => b.score - a.score);
  return [ranked.filter((c) => c.score > -0.2).map((c) => c.place), ranked.filter((c) => c.score <= -0.2).map((c) => c.place)];
}

/** Area (px²) by which a box covers placed labels, discs, or lies outside the bounds. */
function overlapOf(box, placed, discs, bounds) {
  let area = 0;
  for (const other of placed) area += intersection(grow(box, MARGIN), other);
  for (const d of discs) area += intersection(box, { left: d.x - d.r, top: d.y - d.r, width: 2 * d.r, height: 2 * d.r });
  const inside = intersection(box, { left: MARGIN, top: MARGIN, width: bounds.width - 2 * MARGIN, height: bounds.height - 2 * MARGIN });
  area += box.width * box.height - inside;
  return area;
}

function grow(box, by) {
  return { left: box.left - by, top: box.top - by, width: box.width + 2 * by, height: box.height + 2 * by };
}

export function intersection(a, b) {
  const w = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const h = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}
