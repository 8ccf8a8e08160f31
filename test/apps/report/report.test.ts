import { describe, expect, it } from 'vitest';
import { barChart, buildReport, compact, esc, histogram, ladderChart, lineChart, niceTicks, renderTable } from '../../../src/apps/report/index.js';
import { EVIL, fixtureInput } from './fixture.js';

describe('HTML report', () => {
  const html = buildReport(fixtureInput());

  it('is a complete self-contained document without scripts or external resources', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('</html>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/i);
    expect(html).not.toMatch(/NaN|Infinity/);
  });

  it('has the four chart kinds as inline svg', () => {
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(4);
    for (const kind of ['histogram', 'bars', 'line', 'ladder']) expect(html).toContain(`data-chart="${kind}"`);
  });

  it('marks VaR and ES on the P&L histogram', () => {
    expect(html).toContain('data-marker="var"');
    expect(html).toContain('data-marker="es"');
    expect(html).toContain('VaR 99% = 2,100');
    expect(html).toContain('ES 99% = 2,600');
  });

  it('marks backtest exceedances (loss above the VaR forecast)', () => {
    const { losses, forecasts } = fixtureInput().accounts[0].backtest!;
    let expected = 0;
    for (let i = 0; i < losses.length; i++) if (losses[i] > forecasts[i]) expected++;
    expect(expected).toBeGreaterThan(0);
    expect(html).toContain(`data-points="${expected}"`);
    expect((html.match(/class="point"/g) ?? []).length).toBe(expected);
  });

  it('escapes every piece of text', () => {
    expect(html).not.toContain(EVIL);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(html).toContain('note &amp; more');
  });

  it('states that the data is synthetic and what the models assume, in the header', () => {
    const header = html.slice(0, html.indexOf('</header>'));
    expect(header).toContain('SYNTHETIC DATA');
    expect(header).toContain('Tiered margin');
  });

  it('draws liquidation and bankruptcy points on the ladder, and says when there is none', () => {
    const ladder = html.slice(html.indexOf('data-chart="ladder"'));
    expect((ladder.match(/class="liquidation"/g) ?? []).length).toBe(2);
    expect((ladder.match(/class="bankruptcy"/g) ?? []).length).toBe(2);
    expect(ladder).toContain('no liquidation price');
  });
});

describe('SVG helpers', () => {
  it('esc escapes the five HTML special characters', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('niceTicks covers the range with round steps', () => {
    expect(niceTicks(0, 97, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(-12, 7, 4)).toEqual([-15, -10, -5, 0, 5, 10]);
    expect(niceTicks(5, 5).length).toBeGreaterThan(1);
  });

  it('compact abbreviates thousands and millions', () => {
    expect(compact(-1234567)).toBe('-1.23M');
    expect(compact(15300)).toBe('15.3k');
    expect(compact(677.33)).toBe('677');
    expect(compact(0)).toBe('0');
  });

  it('charts of degenerate input have no NaN coordinates', () => {
    const out = [
      histogram({ values: [0, 0, 0], markers: [{ value: 0, label: 'VaR', id: 'var' }] }),
      histogram({ values: [] }),
      barChart({ categories: ['a'], series: [{ name: 's', values: [null] }] }),
      lineChart({ series: [{ name: 'x', values: [] }] }),
      lineChart({ series: [{ name: 'x', values: [1, NaN, 3] }], clampMin: 0 }),
      ladderChart({ rows: [] }),
    ].join('');
    expect(out).not.toMatch(/NaN|Infinity/);
  });

  it('renderTable formats numbers and right-aligns numeric columns', () => {
    const t = renderTable({ columns: ['name', 'value'], rows: [['a', 1234567.891], ['b', null]] });
    expect(t).toContain('<td class="num">1,234,568</td>');
    expect(t).toContain('<th class="num">value</th>');
    expect(t).toContain('<td>a</td>');
  });
});

describe('number formatting', () => {
  it('never prints -0', () => {
    expect(renderTable({ columns: ['x'], rows: [[-0.0001], [-0]] })).not.toContain('-0<');
  });
});
