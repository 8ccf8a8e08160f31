/** Venue payload loaders: hand-written fixtures of each format (no network) → tier tables; errors name the payload field. */
import { describe, expect, it } from 'vitest';
import { engineEqualsLoaded, fixture } from './support.js';
import { loadVenueTiers, parseBybit, parseOkx } from '../../src/venues/index.js';

describe('venue payload loaders', () => {
  it('Binance USDⓈ-M leverageBracket: one table per symbol, cum checked against the derived amounts', () => {
    const t = loadVenueTiers('binance-usdm', fixture('binance-usdm-leverage-bracket.json'));
    expect(t.map((x) => x.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(t[0]!.tiers.map((x) => x.maintenanceAmount)).toEqual([0, 50, 1300]);
    expect(t[1]!.tiers[1]!.maintenanceAmount).toBeCloseTo(15, 12);
  });
  it('a published cum that disagrees with the brackets is rejected, naming the field', () => {
    const p = fixture('binance-usdm-leverage-bracket.json') as Array<{ brackets: Array<{ cum: number }> }>;
    p[0]!.brackets[2]!.cum = 1250;
    expect(() => loadVenueTiers('binance-usdm', p)).toThrow(/tiers\[0\]\.brackets\[2\]\.cum: must equal the amount derived from the brackets, 1300/);
  });
  it('Bybit risk-limit: strings parsed, "" deduction is 0, a wrong mmDeduction named', () => {
    const t = parseBybit(fixture('bybit-risk-limit-linear.json'), { symbol: 'BTCUSDT' });
    expect(t).toHaveLength(1);
    expect(t[0]!.tiers[1]).toEqual({ floor: 2_000_000, cap: 4_000_000, maxLeverage: 95.23, maintenanceMarginRate: 0.0055 });
    const bad = fixture('bybit-risk-limit-linear.json') as { result: { list: Array<Record<string, unknown>> } };
    bad.result.list[1]!.maintenanceMargin = 'abc';
    expect(() => parseBybit(bad)).toThrow(/tiers\.result\.list\[1\]\.maintenanceMargin: must be a numeric string/);
    const dd = fixture('bybit-risk-limit-linear.json') as { result: { list: Array<Record<string, unknown>> } };
    dd.result.list[1]!.mmDeduction = '900';
    expect(() => parseBybit(dd)).toThrow(/tiers\.result\.list\[1\]\.mmDeduction: must equal the amount derived/);
    expect(() => parseBybit({ retCode: 10001, result: {} })).toThrow(/tiers\.retCode: must be 0/);
  });
  it('Bybit inverse: coin brackets, 1 USD contracts, settles in the coin', () => {
    const [t] = loadVenueTiers('bybit', fixture('bybit-risk-limit-inverse.json'));
    expect(t).toMatchObject({ symbol: 'BTCUSD', contract: 'inverse', bracketUnit: 'coin', contractValue: 1, settleCurrency: 'BTC' });
    expect(t!.tiers[1]!.maintenanceAmount).toBeCloseTo(0.75, 12);
  });
  it('OKX position-tiers: size brackets = contracts × ctVal; ctVal is required and named', () => {
    const [t] = loadVenueTiers('okx', fixture('okx-position-tiers.json'), { contractValue: 0.01 });
    expect(t).toMatchObject({ symbol: 'BTC-USDT-SWAP', bracketUnit: 'size', contractValue: 0.01 });
    expect(t!.tiers.map((x) => [x.floor, x.cap, x.maintenanceAmount])).toEqual([[0, 5, 0], [5, 10, 0]]);
    expect(() => parseOkx(fixture('okx-position-tiers.json'))).toThrow(/contractValue: is required for OKX tiers/);
    const gap = fixture('okx-position-tiers.json') as { data: Array<Record<string, unknown>> };
    gap.data[1]!.minSz = '400';
    expect(() => parseOkx(gap, { contractValue: 0.01 })).toThrow(/tiers\.data\[1\]\.minSz: must equal the previous tier's maxSz 500/);
  });
  it('Gate risk_limit_tiers and Binance COIN-M: deduction / cum checked; COIN-M BTC contracts are 100 USD', () => {
    const [g] = loadVenueTiers('gate', fixture('gate-risk-limit-tiers.json'));
    expect(g!.tiers[1]!.maintenanceAmount).toBeCloseTo(2500, 9);
    const [c] = loadVenueTiers('binance-coinm', fixture('binance-coinm-leverage-bracket.json'));
    expect(c).toMatchObject({ symbol: 'BTCUSD_PERP', contract: 'inverse', contractValue: 100, settleCurrency: 'BTC' });
  });
  it('Deribit get_instruments: inverse futures only, contract size from the payload', () => {
    const t = loadVenueTiers('deribit', fixture('deribit-instruments.json'));
    expect(t.map((x) => x.symbol)).toEqual(['BTC-PERPETUAL']);
    expect(t[0]!.contractValue).toBe(10);
    expect(t[0]!.tiers[0]!.maintenanceMarginRate).toBeCloseTo(0.01505, 12);
  });
  it('a symbol not in the payload is named', () => {
    expect(() => loadVenueTiers('gate', fixture('gate-risk-limit-tiers.json'), { symbol: 'ETH_USDT' })).toThrow(/symbol: no tier table for symbol ETH_USDT/);
  });
  it('engine.liquidation and engine.margin take { venue, tiers: <payload> } (through the pool)', async () => {
    await engineEqualsLoaded();
  });
});
