/**
 * HTML report: a self-contained page (inline CSS and SVG, no script, no network) built from the
 * numbers of a batch run, and the small SVG chart helpers it uses.
 */
export { buildReport, renderTable } from './html.js';
export type { AccountSection, BacktestChart, CascadeChart, Cell, DistributionChart, ReportInput, Table } from './html.js';
export { PALETTE, barChart, compact, esc, histogram, ladderChart, lineChart, niceTicks } from './svg.js';
export type {
  BarChartOptions, BarSeries, HistogramMarker, HistogramOptions, LadderOptions, LadderRow, LineChartOptions, LineSeries, PointMarker,
} from './svg.js';
