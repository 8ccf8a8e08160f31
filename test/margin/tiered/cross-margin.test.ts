import { describe, expect, it } from 'vitest';
import { tieredMargin, type Account } from '../../../src/margin/tiered/index.js';
import { btcUsdt, economics, ethUsdt, relDiff } from './helpers.js';

// Worked case: 5000 USDT wallet; long 1 BTC from 40000 (mark 41000, 20x); short 20 ETH from 2000 (mark 2100, 10x).
const account: Account = {
  mode: 'cross',
  walletBalance: 5000,
  collateralCurrency: 'USDT',
  positions: [
    { symbol: 'BTCUSDT', contract: 'linear', qty: 1, entryPrice: 40000, leverage: 20 },
    { symbol: 'ETHUSDT', contract: 'linear', qty: -20, entryPrice: 2000, leverage: 10 },
  ],
};
const marks = { BTCUSDT: 41000, ETHUSDT: 2100 };

describe('cross margin — worked case with two positions and a wallet', () => {
  const res = tieredMargin(account, marks, [btcUsdt, ethUsdt]);
  const [btc, eth] = res.positions;

  it('adds up equity, initial and maintenance at the marks', () => {
    // BTC: P&L +1000, notional 41000 (tier 0, 0.4 %) → MM 164, IM 2050.
    // ETH: P&L −2000, notional 42000 (tier 1, 0.65 %, amount 10000·0.0015 = 15) → MM 258, IM 4200.
    expect(res.equity).toBeCloseTo(5000 + 1000 - 2000, 9);
    expect(btc!.maintenance).toBeCloseTo(164, 9);
    expect(eth!.maintenance).toBeCloseTo(42000 * 0.0065 - 15, 9);
    expect(res.maintenance).toBeCloseTo(164 + 258, 9);
    expect(res.initial).toBeCloseTo(2050 + 4200, 9);
    expect(res.marginRatio).toBeCloseTo(422 / 4000, 12);
  });

  it('solves BTC with ETH held at its mark: P = (Q·E − (W + pnl_ETH − MM_ETH)) / (Q·(1 − r))', () => {
    const expected = (40000 - (5000 - 2000 - 258)) / (1 - 0.004); // 37407.63…
    expect(btc!.liquidationPrice).toBeCloseTo(expected, 8);
    expect(btc!.bankruptcyPrice).toBeCloseTo(40000 - (5000 - 2000), 8);
  });

  it('solves ETH with BTC held at its mark: P = (W + pnl_BTC − MM_BTC + Q·E + amount) / (Q·(1 + r))', () => {
    const expected = (5000 + 1000 - 164 + 20 * 2000 + 15) / (20 * 1.0065); // 2277.74…
    expect(eth!.liquidationPrice).toBeCloseTo(expected, 8);
  });

  it('has account equity equal to total maintenance at each liquidation price', () => {
    for (const [i, pos] of res.positions.entries()) {
      const other = res.positions[1 - i]!;
      const tables = [btcUsdt, ethUsdt];
      const self = economics(tables[i]!, pos.qty, account.positions[i]!.entryPrice, pos.liquidationPrice!);
      const held = economics(tables[1 - i]!, other.qty, account.positions[1 - i]!.entryPrice, other.markPrice);
      const equity = account.walletBalance + self.pnl + held.pnl;
      expect(relDiff(equity, self.mm + held.mm)).toBeLessThan(1e-9);
    }
  });

  it('lies further away than the same position in isolated mode with a smaller margin', () => {
    const iso = tieredMargin({ ...account, mode: 'isolated' }, marks, [btcUsdt, ethUsdt]);
    expect(btc!.liquidationPrice!).toBeLessThan(iso.positions[0]!.liquidationPrice!);
  });
});

describe('cross margin with a fee reserve', () => {
  const feeRate = 0.0005;
  const res = tieredMargin({ ...account, feeRate }, marks, [btcUsdt, ethUsdt]);

  it('reserves each position\'s fee to close at its bankruptcy price (others at their marks)', () => {
    const btc = res.positions[0]!;
    // BTC bankruptcy: W + pnl_ETH − fee_ETH(mark) + (P − E) − P·f = 0.
    const pB = (40000 - (5000 - 2000 - 20 * 2100 * feeRate)) / (1 - feeRate);
    expect(btc.bankruptcyPrice).toBeCloseTo(pB, 8);
    expect(btc.feeReserve).toBeCloseTo(pB * feeRate, 10);
    expect(btc.maintenance).toBeCloseTo(164 + pB * feeRate, 9);
  });

  it('has equity equal to the others\' maintenance + MM(P_liq) + own reserve at each liquidation price', () => {
    const tables = [btcUsdt, ethUsdt];
    for (const [i, pos] of res.positions.entries()) {
      const other = res.positions[1 - i]!;
      const self = economics(tables[i]!, pos.qty, account.positions[i]!.entryPrice, pos.liquidationPrice!);
      const held = economics(tables[1 - i]!, other.qty, account.positions[1 - i]!.entryPrice, other.markPrice);
      const equity = account.walletBalance + self.pnl + held.pnl;
      expect(relDiff(equity, other.maintenance + self.mm + pos.feeReserve)).toBeLessThan(1e-9);
      expect(relDiff(held.mm + other.feeReserve, other.maintenance)).toBeLessThan(1e-12);
    }
  });
});
