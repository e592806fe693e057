/**
 * The growth plot, written by hand (no plotting library): per-message latency (p50 and p99) and process memory
 * against the number of stored conversations, on a logarithmic axis, as two panels side by side.
 */

/**
 * One measured point.
 *
 * @example
 * const p: GrowthPoint = { stored: 100_000, p50Us: 160, p99Us: 420, rssMb: 120, bytesPerConversation: 14_000 };
 */
export interface GrowthPoint {
  stored: number;
  p50Us: number;
  p99Us: number;
  rssMb: number;
  bytesPerConversation: number;
}

const W = 360;
const H = 240;
const PAD = { left: 66, right: 16, top: 44, bottom: 44 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function label(n: number): string {
  if (n >= 1e6) return `${n / 1e6}M`;
  if (n >= 1e3) return `${n / 1e3}k`;
  return String(n);
}

/** One panel: lines over a log-x axis (and a log-y axis when `logY`); SVG elements translated by `dx`. */
function panel(
  dx: number,
  title: string,
  unit: string,
  xs: number[],
  series: { name: string; color: string; values: number[]; dash?: string }[],
  logY = false,
): string {
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && v > 0);
  const yMax = logY ? 10 ** Math.ceil(Math.log10(Math.max(...all, 10))) : niceMax(Math.max(...all, 0) * 1.1);
  const yMin = logY ? 10 ** Math.floor(Math.log10(Math.min(...all, yMax / 10))) : 0;
  const lo = Math.log10(Math.min(...xs));
  const hi = Math.log10(Math.max(...xs));
  const px = (x: number) =>
    PAD.left + (hi === lo ? 0.5 : (Math.log10(x) - lo) / (hi - lo)) * (W - PAD.left - PAD.right);
  const frac = (y: number) =>
    logY
      ? (Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))
      : y / yMax;
  const py = (y: number) => H - PAD.bottom - frac(y) * (H - PAD.top - PAD.bottom);
  const ticks: number[] = [];
  if (logY) for (let y = yMin; y <= yMax; y *= 10) ticks.push(y);
  else for (let i = 0; i <= 4; i += 1) ticks.push((yMax * i) / 4);
  const out: string[] = [`<g transform="translate(${dx},0)">`];
  out.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  for (const y of ticks)
    out.push(
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${PAD.left - 6}" y="${py(y) + 4}" text-anchor="end">${label(Math.round(y))}</text>`,
    );
  for (const x of xs)
    out.push(
      `<line x1="${px(x)}" x2="${px(x)}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom + 4}" stroke="#333"/>`,
      `<text x="${px(x)}" y="${H - PAD.bottom + 18}" text-anchor="middle">${label(x)}</text>`,
    );
  out.push(
    `<text x="${W / 2}" y="${H - 6}" text-anchor="middle">stored conversations (log scale)</text>`,
    `<text x="12" y="${H / 2}" text-anchor="middle" transform="rotate(-90 12 ${H / 2})">${esc(unit)}</text>`,
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#333"/>`,
    `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" stroke="#333"/>`,
  );
  series.forEach((s, k) => {
    const pts = xs.map((x, i) => `${px(x).toFixed(1)},${py(s.values[i] ?? 0).toFixed(1)}`);
    out.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} points="${pts.join(' ')}"/>`,
      ...xs.map((x, i) => `<circle cx="${px(x)}" cy="${py(s.values[i] ?? 0)}" r="3" fill="${s.color}"/>`),
      `<line x1="${PAD.left + k * 70}" x2="${PAD.left + 20 + k * 70}" y1="30" y2="30" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      `<text x="${PAD.left + 26 + k * 70}" y="34">${esc(s.name)}</text>`,
    );
  });
  out.push('</g>');
  return out.join('\n');
}

/**
 * The plot as an SVG document.
 *
 * @example
 * writeFileSync('bench/results/growth.svg', growthSvg(points, 'Node v20.20.2, 2 cores'));
 */
export function growthSvg(points: readonly GrowthPoint[], caption: string): string {
  const sorted = [...points].sort((a, b) => a.stored - b.stored);
  const xs = sorted.map((p) => p.stored);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 20}" viewBox="0 0 ${2 * W} ${H + 20}" font-family="sans-serif" font-size="11">`,
    '<title>CancelMate: per-message latency and process memory against stored conversations</title>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    panel(
      0,
      'engine.handle per message',
      'µs (log scale)',
      xs,
      [
        { name: 'p50', color: '#1f77b4', values: sorted.map((p) => p.p50Us) },
        { name: 'p99', color: '#d62728', values: sorted.map((p) => p.p99Us), dash: '5 3' },
      ],
      true,
    ),
    panel(W, 'process memory', 'MB', xs, [
      { name: 'RSS', color: '#2ca02c', values: sorted.map((p) => p.rssMb) },
    ]),
    `<text x="${W}" y="${H + 14}" text-anchor="middle" fill="#555">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
