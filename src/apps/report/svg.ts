/**
 * Dependency-free inline SVG charts for the HTML report: histogram with markers, grouped bar
 * chart, line chart with point markers, and a horizontal price ladder. Every function returns an
 * `<svg>` string; every piece of text goes through {@link esc}. Non-finite values are skipped.
 */

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export const PALETTE = ['#2563eb', '#f59e0b', '#10b981', '#8b5cf6', '#ef4444', '#0ea5e9', '#64748b'] as const;
const AXIS = '#94a3b8';
const GRID = '#e2e8f0';
const TEXT = '#334155';
const FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\"";

/** Round coordinates to 0.1 px to keep the markup small. */
function r1(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

/**
 * "Nice" axis ticks (1, 2, 2.5, 5 × 10^k steps) covering [min, max].
 * @example niceTicks(0, 97, 5) // returns [0, 20, 40, 60, 80, 100]
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const d = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= d;
    max += d;
  }
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = lo; v <= hi + step * 1e-6; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/**
 * Compact number for axes and labels: 1234 → "1.2k", 2500000 → "2.5M", 0.0123 → "0.0123".
 * @example compact(-1234567) // returns "-1.23M"
 */
export function compact(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  const s = v < 0 ? '-' : '';
  const trim = (x: number, d: number): string => x.toFixed(d).replace(/\.?0+$/, '');
  if (a >= 1e9) return `${s}${trim(a / 1e9, 2)}B`;
  if (a >= 1e6) return `${s}${trim(a / 1e6, 2)}M`;
  if (a >= 1e4) return `${s}${trim(a / 1e3, 1)}k`;
  if (a >= 1e3) return `${s}${trim(a / 1e3, 2)}k`;
  if (a >= 100) return `${s}${Math.round(a)}`;
  if (a >= 1) return `${s}${trim(a, 2)}`;
  if (a === 0) return '0';
  return `${s}${Number(a.toPrecision(3))}`;
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function open(kind: string, f: Frame, title: string, extra = ''): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-${kind}" data-chart="${kind}" viewBox="0 0 ${f.width} ${f.height}" ` +
    `width="${f.width}" height="${f.height}" role="img" ${FONT} font-size="12"${extra}>` +
    `<title>${esc(title)}</title>` +
    `<rect x="0" y="0" width="${f.width}" height="${f.height}" fill="#ffffff"/>` +
    (title ? `<text x="${f.left}" y="18" font-size="14" font-weight="600" fill="#0f172a">${esc(title)}</text>` : '')
  );
}

function scale(d0: number, d1: number, r0: number, r1_: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1_ - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

function yAxis(f: Frame, ticks: number[], y: (v: number) => number, label?: string, fmt: (v: number) => string = compact): string {
  let s = '';
  for (const t of ticks) {
    const yy = r1(y(t));
    s += `<line x1="${f.left}" x2="${f.width - f.right}" y1="${yy}" y2="${yy}" stroke="${t === 0 ? AXIS : GRID}" stroke-width="1"/>`;
    s += `<text x="${f.left - 6}" y="${yy}" dy="0.32em" text-anchor="end" fill="${TEXT}">${esc(fmt(t))}</text>`;
  }
  if (label) {
    const cy = (f.top + f.height - f.bottom) / 2;
    s += `<text transform="translate(14 ${r1(cy)}) rotate(-90)" text-anchor="middle" fill="${TEXT}">${esc(label)}</text>`;
  }
  return s;
}

function xAxisNumeric(f: Frame, ticks: number[], x: (v: number) => number, label?: string, fmt: (v: number) => string = compact): string {
  const base = f.height - f.bottom;
  let s = `<line x1="${f.left}" x2="${f.width - f.right}" y1="${base}" y2="${base}" stroke="${AXIS}"/>`;
  for (const t of ticks) {
    const xx = r1(x(t));
    s += `<line x1="${xx}" x2="${xx}" y1="${base}" y2="${base + 4}" stroke="${AXIS}"/>`;
    s += `<text x="${xx}" y="${base + 17}" text-anchor="middle" fill="${TEXT}">${esc(fmt(t))}</text>`;
  }
  if (label) s += `<text x="${r1((f.left + f.width - f.right) / 2)}" y="${f.height - 6}" text-anchor="middle" fill="${TEXT}">${esc(label)}</text>`;
  return s;
}

function legend(items: { name: string; color: string; shape?: 'rect' | 'line' | 'circle' | 'dash' }[], x: number, y: number): string {
  let s = '';
  let cx = x;
  for (const it of items) {
    const shape = it.shape ?? 'rect';
    if (shape === 'rect') s += `<rect x="${cx}" y="${y - 9}" width="12" height="10" rx="2" fill="${it.color}"/>`;
    else if (shape === 'circle') s += `<circle cx="${cx + 6}" cy="${y - 4}" r="4" fill="${it.color}"/>`;
    else s += `<line x1="${cx}" x2="${cx + 14}" y1="${y - 4}" y2="${y - 4}" stroke="${it.color}" stroke-width="2.5"${shape === 'dash' ? ' stroke-dasharray="4 3"' : ''}/>`;
    s += `<text x="${cx + 18}" y="${y}" fill="${TEXT}">${esc(it.name)}</text>`;
    cx += 18 + it.name.length * 6.6 + 18;
  }
  return s;
}

/** A vertical marker on a histogram (e.g. −VaR on the P&L axis). */
export interface HistogramMarker {
  value: number;
  label: string;
  color?: string;
  /** Short identifier written to `data-marker` (e.g. "var", "es"). */
  id?: string;
  dash?: boolean;
}

export interface HistogramOptions {
  values: ArrayLike<number>;
  bins?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  markers?: HistogramMarker[];
  /** Bars with an upper edge ≤ this value are drawn in the tail colour (e.g. −VaR). */
  tailBelow?: number;
  /** Also draw a tick under the axis for every value ≤ tailBelow (tail days are too few to see as bars). */
  rug?: boolean;
  color?: string;
}

/** Histogram of a sample (e.g. P&L) with labelled vertical markers. */
export function histogram(o: HistogramOptions): string {
  const f: Frame = { width: o.width ?? 640, height: o.height ?? 300, left: 56, right: 18, top: 52, bottom: 44 };
  const vals: number[] = [];
  for (let i = 0; i < o.values.length; i++) if (Number.isFinite(o.values[i])) vals.push(o.values[i]);
  const markers = (o.markers ?? []).filter((m) => Number.isFinite(m.value));
  let lo = Math.min(...vals, ...markers.map((m) => m.value));
  let hi = Math.max(...vals, ...markers.map((m) => m.value));
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = -1;
    hi = 1;
  }
  if (hi - lo < 1e-9 * Math.max(1, Math.abs(hi))) {
    const d = Math.max(1, Math.abs(hi) * 0.05);
    lo -= d;
    hi += d;
  }
  const nb = Math.max(1, Math.min(200, Math.floor(o.bins ?? 50)));
  const w = (hi - lo) / nb;
  const counts = new Array<number>(nb).fill(0);
  for (const v of vals) counts[Math.min(nb - 1, Math.max(0, Math.floor((v - lo) / w)))]++;
  const xt = niceTicks(lo, hi, 6).filter((t) => t >= lo - w && t <= hi + w);
  const x = scale(lo, hi, f.left, f.width - f.right);
  const maxC = Math.max(1, ...counts);
  const yt = niceTicks(0, maxC, 4);
  const y = scale(0, yt[yt.length - 1], f.height - f.bottom, f.top);
  let s = open('histogram', f, o.title ?? '', ` data-n="${vals.length}"`);
  s += yAxis(f, yt, y, o.yLabel ?? 'count');
  const base = f.height - f.bottom;
  for (let b = 0; b < nb; b++) {
    if (counts[b] === 0) continue;
    const x0 = x(lo + b * w);
    const x1 = x(lo + (b + 1) * w);
    const inTail = o.tailBelow !== undefined && lo + (b + 1) * w <= o.tailBelow + 1e-9 * Math.abs(w);
    const yy = y(counts[b]);
    s += `<rect x="${r1(x0 + 0.5)}" y="${r1(yy)}" width="${r1(Math.max(0.8, x1 - x0 - 1))}" height="${r1(base - yy)}" fill="${inTail ? '#ef4444' : (o.color ?? PALETTE[0])}" opacity="${inTail ? 0.85 : 0.75}"/>`;
  }
  if (o.rug && o.tailBelow !== undefined) {
    let rug = '';
    for (const v of vals) if (v <= o.tailBelow) rug += `M${r1(x(v))} ${base + 1}v7`;
    if (rug) s += `<path class="rug" d="${rug}" stroke="#dc2626" stroke-width="1.2" opacity="0.8"/>`;
  }
  s += xAxisNumeric(f, xt, x, o.xLabel);
  markers.forEach((m, i) => {
    const xx = r1(x(m.value));
    const color = m.color ?? '#dc2626';
    const ly = f.top - 8 + i * 14;
    // Labels go left of their line when there is room (tail markers sit left of the bulk), else right.
    const labelW = m.label.length * 7;
    const anchor = x(m.value) - labelW - 6 > 0 ? 'end' : 'start';
    const dx = anchor === 'end' ? -4 : 4;
    s += `<g class="marker" data-marker="${esc(m.id ?? m.label)}">`;
    s += `<line x1="${xx}" x2="${xx}" y1="${f.top - 12 + i * 14}" y2="${base}" stroke="${color}" stroke-width="2"${m.dash ? ' stroke-dasharray="5 3"' : ''}/>`;
    s += `<text x="${xx}" dx="${dx}" y="${ly}" text-anchor="${anchor}" fill="${color}" font-weight="600">${esc(m.label)}</text>`;
    s += '</g>';
  });
  return `${s}</svg>`;
}

export interface BarSeries {
  name: string;
  /** One value per category; null or non-finite draws "n/a". */
  values: (number | null)[];
  color?: string;
}

export interface BarChartOptions {
  categories: string[];
  series: BarSeries[];
  title?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

/** Grouped vertical bar chart (one group per category, one bar per series) with value labels. */
export function barChart(o: BarChartOptions): string {
  const f: Frame = { width: o.width ?? 880, height: o.height ?? 340, left: 64, right: 16, top: 58, bottom: 56 };
  const all = o.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const yt = niceTicks(Math.min(0, ...all), Math.max(0, ...all, 1), 5);
  const y = scale(yt[0], yt[yt.length - 1], f.height - f.bottom, f.top);
  let s = open('bars', f, o.title ?? '');
  s += legend(o.series.map((se, i) => ({ name: se.name, color: se.color ?? PALETTE[i % PALETTE.length] })), f.left, 40);
  s += yAxis(f, yt, y, o.yLabel);
  const nc = Math.max(1, o.categories.length);
  const groupW = (f.width - f.left - f.right) / nc;
  const ns = Math.max(1, o.series.length);
  const barW = Math.min(46, (groupW * 0.8) / ns);
  const base = f.height - f.bottom;
  s += `<line x1="${f.left}" x2="${f.width - f.right}" y1="${r1(y(0))}" y2="${r1(y(0))}" stroke="${AXIS}"/>`;
  o.categories.forEach((cat, c) => {
    const gx = f.left + c * groupW + (groupW - barW * ns) / 2;
    o.series.forEach((se, k) => {
      const v = se.values[c];
      const bx = gx + k * barW;
      const color = se.color ?? PALETTE[k % PALETTE.length];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        s += `<text x="${r1(bx + barW / 2)}" y="${r1(y(0) - 4)}" text-anchor="middle" font-size="9" fill="${AXIS}">n/a</text>`;
        return;
      }
      const y0 = y(Math.max(0, v));
      const h = Math.abs(y(v) - y(0));
      s += `<rect class="bar" x="${r1(bx + 1)}" y="${r1(y0)}" width="${r1(barW - 2)}" height="${r1(Math.max(0.5, h))}" rx="2" fill="${color}"><title>${esc(`${cat} — ${se.name}: ${compact(v)}`)}</title></rect>`;
      s += `<text x="${r1(bx + barW / 2)}" y="${r1(y0 - 4)}" text-anchor="middle" font-size="9.5" fill="${TEXT}">${esc(compact(v))}</text>`;
    });
    s += `<text x="${r1(f.left + (c + 0.5) * groupW)}" y="${base + 18}" text-anchor="middle" font-weight="600" fill="${TEXT}">${esc(cat)}</text>`;
  });
  return `${s}</svg>`;
}

export interface LineSeries {
  name: string;
  values: ArrayLike<number>;
  color?: string;
  width?: number;
  dash?: boolean;
  /** Draw as steps (a forecast held over the day). */
  step?: boolean;
}

export interface PointMarker {
  index: number;
  value: number;
  label?: string;
}

export interface LineChartOptions {
  series: LineSeries[];
  /** Points drawn as circles (e.g. VaR exceedances), with a legend entry. */
  points?: { name: string; color?: string; items: PointMarker[] };
  /** Labels of the x positions (e.g. dates); a few are shown on the axis. */
  xLabels?: string[];
  title?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Values below are drawn at this level (the axis starts there). */
  clampMin?: number;
}

/** Line chart over a shared index axis with optional point markers. */
export function lineChart(o: LineChartOptions): string {
  const f: Frame = { width: o.width ?? 880, height: o.height ?? 300, left: 64, right: 16, top: 58, bottom: 40 };
  const n = Math.max(1, ...o.series.map((s) => s.values.length));
  let lo = Infinity;
  let hi = -Infinity;
  for (const se of o.series) {
    for (let i = 0; i < se.values.length; i++) {
      const v = se.values[i];
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!Number.isFinite(lo)) {
    lo = 0;
    hi = 1;
  }
  const floor = o.clampMin !== undefined && Number.isFinite(o.clampMin) && o.clampMin < hi ? o.clampMin : -Infinity;
  lo = Math.max(lo, floor);
  const yt = niceTicks(lo, hi, 5);
  const yRaw = scale(yt[0], yt[yt.length - 1], f.height - f.bottom, f.top);
  const y = (v: number): number => yRaw(Math.max(v, floor));
  const x = scale(0, Math.max(1, n - 1), f.left, f.width - f.right);
  let s = open('line', f, o.title ?? '', ` data-points="${o.points?.items.length ?? 0}"`);
  const leg = o.series.map((se, i) => ({ name: se.name, color: se.color ?? PALETTE[i % PALETTE.length], shape: (se.dash ? 'dash' : 'line') as 'dash' | 'line' }));
  if (o.points) leg.push({ name: o.points.name, color: o.points.color ?? '#dc2626', shape: 'circle' as never });
  s += legend(leg, f.left, 40);
  s += yAxis(f, yt, y, o.yLabel);
  const base = f.height - f.bottom;
  s += `<line x1="${f.left}" x2="${f.width - f.right}" y1="${base}" y2="${base}" stroke="${AXIS}"/>`;
  if (o.xLabels && o.xLabels.length > 0) {
    const k = Math.min(8, o.xLabels.length);
    for (let j = 0; j < k; j++) {
      const i = Math.round((j * (o.xLabels.length - 1)) / Math.max(1, k - 1));
      const xx = r1(x(i));
      s += `<line x1="${xx}" x2="${xx}" y1="${base}" y2="${base + 4}" stroke="${AXIS}"/>`;
      s += `<text x="${xx}" y="${base + 17}" text-anchor="${j === 0 ? 'start' : j === k - 1 ? 'end' : 'middle'}" fill="${TEXT}">${esc(o.xLabels[i] ?? '')}</text>`;
    }
  }
  o.series.forEach((se, k) => {
    const color = se.color ?? PALETTE[k % PALETTE.length];
    let d = '';
    let pen = false;
    for (let i = 0; i < se.values.length; i++) {
      const v = se.values[i];
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      const xx = r1(x(i));
      const yy = r1(y(v));
      if (!pen) d += `M${xx} ${yy}`;
      else if (se.step) d += `H${xx}V${yy}`;
      else d += `L${xx} ${yy}`;
      pen = true;
    }
    s += `<path class="series" data-series="${esc(se.name)}" d="${d}" fill="none" stroke="${color}" stroke-width="${se.width ?? 1.5}" stroke-linejoin="round"${se.dash ? ' stroke-dasharray="5 3"' : ''}/>`;
  });
  if (o.points) {
    const color = o.points.color ?? '#dc2626';
    for (const p of o.points.items) {
      if (!Number.isFinite(p.value)) continue;
      s += `<circle class="point" cx="${r1(x(p.index))}" cy="${r1(y(p.value))}" r="3.5" fill="${color}" stroke="#fff" stroke-width="1">${p.label ? `<title>${esc(p.label)}</title>` : ''}</circle>`;
    }
  }
  return `${s}</svg>`;
}

/** One row of the ladder: a position with its mark and the prices where things happen. */
export interface LadderRow {
  label: string;
  side: 'long' | 'short';
  mark: number;
  liquidation: number | null;
  bankruptcy: number | null;
  /** Optional note shown at the right (e.g. "3.1σ"). */
  note?: string;
}

export interface LadderOptions {
  rows: LadderRow[];
  title?: string;
  width?: number;
}

/**
 * Liquidation ladder: one horizontal track per position on a shared axis of % move from the mark,
 * with the mark (0 %), the liquidation and the bankruptcy price labelled in price terms.
 */
export function ladderChart(o: LadderOptions): string {
  const rowH = 46;
  const f: Frame = { width: o.width ?? 880, height: 70 + rowH * Math.max(1, o.rows.length) + 40, left: 230, right: 90, top: 66, bottom: 40 };
  const pct = (p: number | null, m: number): number | null => (p === null || !Number.isFinite(p) || !(m > 0) ? null : (p / m - 1) * 100);
  let span = 10;
  for (const r of o.rows) for (const v of [pct(r.liquidation, r.mark), pct(r.bankruptcy, r.mark)]) if (v !== null) span = Math.max(span, Math.abs(v));
  span = Math.min(span * 1.12, 400);
  const xt = niceTicks(-span, span, 8).filter((t) => Math.abs(t) <= span * 1.001);
  const x = scale(-span, span, f.left, f.width - f.right);
  let s = open('ladder', f, o.title ?? '');
  s += legend(
    [
      { name: 'mark', color: '#0f172a', shape: 'circle' },
      { name: 'liquidation price', color: '#f59e0b', shape: 'circle' },
      { name: 'bankruptcy price', color: '#dc2626', shape: 'circle' },
    ],
    f.left,
    40,
  );
  const axisY = f.height - f.bottom;
  for (const t of xt) {
    const xx = r1(x(t));
    s += `<line x1="${xx}" x2="${xx}" y1="${f.top - 6}" y2="${axisY}" stroke="${t === 0 ? AXIS : GRID}"/>`;
    s += `<text x="${xx}" y="${axisY + 16}" text-anchor="middle" fill="${TEXT}">${esc(`${t > 0 ? '+' : ''}${compact(t)}%`)}</text>`;
  }
  s += `<text x="${r1((f.left + f.width - f.right) / 2)}" y="${f.height - 6}" text-anchor="middle" fill="${TEXT}">${esc('move from mark price')}</text>`;
  o.rows.forEach((r, i) => {
    const cy = f.top + 12 + i * rowH;
    const lq = pct(r.liquidation, r.mark);
    const bk = pct(r.bankruptcy, r.mark);
    s += `<g class="ladder-row" data-side="${r.side}">`;
    s += `<text x="${f.left - 12}" y="${cy}" dy="0.32em" text-anchor="end" font-weight="600" fill="#0f172a">${esc(r.label)}</text>`;
    s += `<text x="${f.left - 12}" y="${cy + 15}" dy="0.32em" text-anchor="end" font-size="10.5" fill="${TEXT}">${esc(`${r.side} · mark ${compact(r.mark)}`)}</text>`;
    s += `<line x1="${f.left}" x2="${f.width - f.right}" y1="${cy}" y2="${cy}" stroke="${GRID}" stroke-width="6" stroke-linecap="round"/>`;
    if (lq !== null) {
      const x0 = x(0);
      const x1 = x(lq);
      s += `<line x1="${r1(Math.min(x0, x1))}" x2="${r1(Math.max(x0, x1))}" y1="${cy}" y2="${cy}" stroke="#fde68a" stroke-width="6"/>`;
    }
    s += `<circle cx="${r1(x(0))}" cy="${cy}" r="5" fill="#0f172a"/>`;
    const point = (v: number | null, price: number | null, color: string, cls: string, below: boolean): string => {
      if (v === null || price === null) return '';
      const xx = r1(x(v));
      return (
        `<circle class="${cls}" cx="${xx}" cy="${cy}" r="5.5" fill="${color}" stroke="#fff" stroke-width="1.5"/>` +
        `<text x="${xx}" y="${below ? cy + 17 : cy - 10}" text-anchor="middle" font-size="10.5" fill="${color}">${esc(compact(price))}</text>`
      );
    };
    if (lq === null) {
      s += `<text x="${r1(x(0) + 10)}" y="${cy - 10}" font-size="10.5" fill="${TEXT}">no liquidation price</text>`;
    } else {
      s += point(bk, r.bankruptcy, '#dc2626', 'bankruptcy', true);
      s += point(lq, r.liquidation, '#f59e0b', 'liquidation', false);
    }
    if (r.note) s += `<text x="${f.width - f.right + 8}" y="${cy}" dy="0.32em" font-size="11" fill="${TEXT}">${esc(r.note)}</text>`;
    s += '</g>';
  });
  return `${s}</svg>`;
}
