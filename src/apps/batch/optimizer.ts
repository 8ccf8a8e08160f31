/**
 * Optimizer suggestion of the batch: the hedge of the options book that needs the least
 * scenario-grid margin, with perps and buy-backs of the short options under a premium budget
 * (src/optimize, HiGHS).
 */
import { optionPrice, type Market, type OptionPosition, type Position } from '../../instruments/index.js';
import { minimizeGridMargin } from '../../optimize/index.js';

export interface HedgeSuggestion {
  account: string;
  description: string;
  budgetUsd: number;
  before: { initial: number; delta: Record<string, number> };
  after: { initial: number; delta: Record<string, number> };
  trades: { id: string; quantity: number; unitCostUsd: number }[];
  premiumUsd: number;
  solveMs: number;
  elapsedMs: number;
}

/**
 * Min-grid-margin hedge of an options book: BTC/ETH linear perps (±limits) and buying back
 * up to the sold quantity of each short option, net premium ≤ `budgetUsd`.
 */
export async function suggestGridHedge(accountName: string, book: readonly Position[], market: Market, budgetUsd = 15_000): Promise<HedgeSuggestion> {
  const t0 = performance.now();
  const underlyings = [...new Set(book.map((p) => p.underlying))];
  const hedges = [
    ...underlyings.map((u) => ({
      id: `${u} perp`,
      position: { kind: 'linear-perp', underlying: u, quantity: 1 } as Position,
      // ± the notional of 400,000 USD in underlying units.
      lower: -400_000 / market.prices[u],
      upper: 400_000 / market.prices[u],
      cost: 0,
    })),
    ...book
      .filter((p): p is OptionPosition => p.kind === 'option' && p.quantity < 0)
      .map((p) => ({
        id: `buy back ${p.id ?? `${p.underlying} ${p.optionType} ${p.strike}`}`,
        position: { ...p, quantity: 1 } as Position,
        lower: 0,
        upper: -p.quantity,
        // Premium in USD (the USD value of an inverse option is the linear value).
        cost: optionPrice({ optionType: p.optionType, underlyingPrice: market.prices[p.underlying], strike: p.strike, expiryYears: p.expiry as number, vol: p.vol }) * (p.contractSize ?? 1),
      })),
  ];
  const r = await minimizeGridMargin({ positions: [...book], market, hedges, budget: { limit: budgetUsd, mode: 'net' } });
  const trades = r.trades
    .filter((t) => Math.abs(t.quantity) > 1e-9)
    .map((t) => ({ id: t.id, quantity: t.quantity, unitCostUsd: hedges[t.index].cost }));
  return {
    account: accountName,
    description: `Hedge minimising the scenario-grid initial margin: ${underlyings.join('/')} perps (up to 400,000 USD notional each way) and buy-backs of the short options, net premium ≤ ${budgetUsd.toLocaleString('en-US')} USD. LP over the grid scenarios, solved by HiGHS; the margin after is the real grid margin of the hedged book.`,
    budgetUsd,
    before: { initial: r.before.initial, delta: r.before.delta },
    after: { initial: r.after.initial, delta: r.after.delta },
    trades,
    premiumUsd: trades.reduce((s, t) => s + t.quantity * t.unitCostUsd, 0),
    solveMs: r.timing.solveMs,
    elapsedMs: performance.now() - t0,
  };
}
