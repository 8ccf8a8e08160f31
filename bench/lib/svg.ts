/**
 * A tiny dependency-free SVG writer for benchmark charts: horizontal bar charts and line charts
 * (linear or log₁₀ x axis). Output is a standalone SVG document (no scripts, no external fonts),
 * readable in any browser or in GitHub's file view.
 */

/** A chart fragment with its own size, to be stacked into one document. */
export interface Figure {
  width: number;
  height: number;
  body: string;
}

export interface Bar {
  label: string;
  value: number;
  /** Text shown after the bar (default: the formatted value). */
  note?: string;
  /** Fill colour (default from the palette by group or index). */
  color?: string;
}

export interface BarChartOptions {
  title: string;
  subtitle?: string;
  /** Axis label, e.g. `scenarios / s`. */
  unit: string;
  bars: readonly Bar[];
  width?: number;
  format?: (v: number) => string;
}

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  logX?: boolean;
  width?: number;
  height?: number;
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
}

export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#9c755f'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** Escapes text for SVG content and attributes. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const n2 = (x: number): string => (Math.round(x * 100) / 100).toString();

/** Compact number: 1.2M, 350k, 0.25. */
export function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** "Nice" tick values covering [0, max] (1, 2, 2.5, 5 × 10^k steps). */
export function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = 0; t <= max + step * 1e-9; t += step) ticks.push(t);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

function titleBlock(title: string, subtitle: string | undefined, width: number): string {
  let s = `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${esc(title)}</text>`;
  if (subtitle) s += `<text x="${width / 2}" y="42" text-anchor="middle" font-size="11" fill="#555">${esc(subtitle)}</text>`;
  return s;
}

/** Horizontal bar chart: one bar per row, label on the left, value at the bar's end, x axis with ticks. */
export function barChart(o: BarChartOptions): Figure {
  const fmt = o.format ?? compact;
  const labelW = Math.min(300, 12 + 6.6 * Math.max(...o.bars.map((b) => b.label.length), 4));
  const noteW = 16 + 6.8 * Math.max(...o.bars.map((b) => (b.note ?? fmt(b.value)).length), 4);
  const width = o.width ?? Math.max(820, Math.ceil(labelW + noteW + 420));
  const top = o.subtitle ? 58 : 44;
  const barH = 24;
  const gap = 10;
  const plotW = Math.max(200, width - labelW - noteW);
  const plotH = o.bars.length * (barH + gap);
  const height = top + plotH + 50;
  const ticks = niceTicks(Math.max(...o.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)), 0));
  const xMax = ticks[ticks.length - 1];
  const x = (v: number): number => labelW + (plotW * v) / xMax;
  const parts: string[] = [titleBlock(o.title, o.subtitle, width)];
  for (const t of ticks) {
    parts.push(`<line x1="${n2(x(t))}" y1="${top - 4}" x2="${n2(x(t))}" y2="${top + plotH}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${n2(x(t))}" y="${top + plotH + 16}" text-anchor="middle" font-size="11" fill="#444">${esc(fmt(t))}</text>`);
  }
  o.bars.forEach((b, i) => {
    const y = top + i * (barH + gap);
    const v = Number.isFinite(b.value) ? Math.max(0, b.value) : 0;
    const color = b.color ?? PALETTE[i % PALETTE.length];
    parts.push(`<text x="${labelW - 8}" y="${y + barH / 2 + 4}" text-anchor="end" font-size="12">${esc(b.label)}</text>`);
    parts.push(`<rect x="${labelW}" y="${y}" width="${n2(x(v) - labelW)}" height="${barH}" fill="${color}" rx="2"><title>${esc(`${b.label}: ${b.note ?? fmt(b.value)}`)}</title></rect>`);
    parts.push(`<text x="${n2(x(v) + 6)}" y="${y + barH / 2 + 4}" font-size="12" fill="#222">${esc(b.note ?? fmt(b.value))}</text>`);
  });
  parts.push(`<line x1="${labelW}" y1="${top + plotH}" x2="${labelW + plotW}" y2="${top + plotH}" stroke="#333"/>`);
  parts.push(`<line x1="${labelW}" y1="${top - 4}" x2="${labelW}" y2="${top + plotH}" stroke="#333"/>`);
  parts.push(`<text x="${labelW + plotW / 2}" y="${top + plotH + 36}" text-anchor="middle" font-size="12" fill="#333">${esc(o.unit)}</text>`);
  return { width, height, body: parts.join('\n') };
}

/** Line chart with markers and a legend; x linear or log₁₀, y linear from 0. */
export function lineChart(o: LineChartOptions): Figure {
  const width = o.width ?? 820;
  const height = o.height ?? 420;
  const fx = o.formatX ?? compact;
  const fy = o.formatY ?? compact;
  const top = o.subtitle ? 62 : 48;
  const left = 80;
  const right = 170;
  const bottom = 56;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const pts = o.series.flatMap((s) => s.points).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const tx = (v: number): number => (o.logX ? Math.log10(v) : v);
  let x0 = Math.min(...pts.map(([a]) => tx(a)));
  let x1 = Math.max(...pts.map(([a]) => tx(a)));
  if (!(x1 > x0)) { x0 -= 0.5; x1 += 0.5; }
  const yTicks = niceTicks(Math.max(...pts.map(([, b]) => b), 0));
  const yMax = yTicks[yTicks.length - 1];
  const X = (v: number): number => left + ((tx(v) - x0) / (x1 - x0)) * plotW;
  const Y = (v: number): number => top + plotH - (plotH * v) / yMax;
  const parts: string[] = [titleBlock(o.title, o.subtitle, width)];
  for (const t of yTicks) {
    parts.push(`<line x1="${left}" y1="${n2(Y(t))}" x2="${left + plotW}" y2="${n2(Y(t))}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${left - 6}" y="${n2(Y(t) + 4)}" text-anchor="end" font-size="11" fill="#444">${esc(fy(t))}</text>`);
  }
  const xs = [...new Set(pts.map(([a]) => a))].sort((a, b) => a - b);
  for (const v of xs) {
    parts.push(`<line x1="${n2(X(v))}" y1="${top + plotH}" x2="${n2(X(v))}" y2="${top + plotH + 4}" stroke="#333"/>`);
    parts.push(`<text x="${n2(X(v))}" y="${top + plotH + 18}" text-anchor="middle" font-size="11" fill="#444">${esc(fx(v))}</text>`);
  }
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`);
  parts.push(`<text x="${left + plotW / 2}" y="${top + plotH + 40}" text-anchor="middle" font-size="12" fill="#333">${esc(o.xLabel + (o.logX ? ' (log scale)' : ''))}</text>`);
  parts.push(`<text transform="translate(18 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12" fill="#333">${esc(o.yLabel)}</text>`);
  o.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const p = s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    const d = p.map(([a, b], j) => `${j === 0 ? 'M' : 'L'}${n2(X(a))} ${n2(Y(b))}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const [a, b] of p) {
      parts.push(`<circle cx="${n2(X(a))}" cy="${n2(Y(b))}" r="3.5" fill="${color}"><title>${esc(`${s.name}: ${fx(a)} → ${fy(b)}`)}</title></circle>`);
    }
    const ly = top + 10 + i * 20;
    parts.push(`<line x1="${left + plotW + 16}" y1="${ly}" x2="${left + plotW + 40}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${left + plotW + 46}" y="${ly + 4}" font-size="12">${esc(s.name)}</text>`);
  });
  return { width, height, body: parts.join('\n') };
}

/** One SVG document with the figures stacked vertically. */
export function svgDocument(figures: readonly Figure[], footer?: string): string {
  const width = Math.max(...figures.map((f) => f.width));
  let y = 0;
  const groups = figures.map((f) => {
    const g = `<g transform="translate(0 ${y})">\n${f.body}\n</g>`;
    y += f.height;
    return g;
  });
  if (footer) {
    groups.push(`<text x="8" y="${y + 14}" font-size="10" fill="#777">${esc(footer)}</text>`);
    y += 22;
  }
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...groups,
    `</svg>`,
    '',
  ].join('\n');
}
