import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createEngine } from '../../src/engine/index.js';

/** A hand-written venue payload from ./fixtures. */
export const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

/** engine.liquidation / engine.margin with `{ venue: 'bybit', tiers }`: the known Bybit case, 6.7667. */
export async function engineEqualsLoaded(): Promise<void> {
  const tiers = JSON.parse(readFileSync(new URL('./fixtures/bybit-risk-limit-linear.json', import.meta.url), 'utf8'));
  const engine = await createEngine({ threads: 1 });
  try {
    const account = { mode: 'isolated' as const, walletBalance: 0, collateralCurrency: 'USDT', positions: [{ symbol: 'XYZUSDT', contract: 'linear' as const, qty: 1, entryPrice: 10, leverage: 3 }] };
    const market = { marks: { XYZUSDT: 10 }, venue: 'bybit', tiers };
    const [liq] = await engine.liquidation(account, market);
    expect(liq!.liquidationPrice).toBeCloseTo(10 - (10 / 3 - 0.1), 10);
    const m = await engine.margin(account, market, { model: 'tiered' });
    expect(m.positions[0]!.liquidationPrice).toBeCloseTo(liq!.liquidationPrice!, 12);
    await expect(engine.liquidation(account, { ...market, tiers: { retCode: 0 } })).rejects.toThrow(/market\.tiers\.result: /);
  } finally {
    await engine.close();
  }
}
