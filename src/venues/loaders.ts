/**
 * Loaders for the venues' own tier payloads — the JSON their public REST endpoints return — into
 * tier tables of the tiered model. One `parse…` per payload (ccxt style), each validated with zod:
 * a bad payload is a ValidationError naming the field of the payload (`result.list[2].maintenanceMargin`).
 * A venue's published cumulative amount (Binance `cum`, Bybit `mmDeduction`, Gate `deduction`) is
 * checked against the amount our table derives, so a transcription error cannot pass silently.
 *
 * Endpoints (payload shapes as documented on 2026-12-04; fixtures written by hand in test/venues):
 * - Binance USDⓈ-M `GET /fapi/v1/leverageBracket`, COIN-M `GET /dapi/v2/leverageBracket`
 * - Bybit `GET /v5/market/risk-limit?category=linear|inverse`
 * - OKX `GET /api/v5/public/position-tiers?instType=SWAP&tdMode=isolated`
 * - Gate `GET /futures/usdt/risk_limit_tiers`
 * - Deribit `GET /api/v2/public/get_instruments?kind=future` (contract sizes; margin rates from the preset)
 */
import { z } from 'zod';
import { ValidationError, describeValue } from '../errors/index.js';
import { parseInput } from '../schemas/index.js';
import { tiered } from '../margin/index.js';
import type { PayloadFormat } from './presets.js';

type TierTableInput = tiered.TierTableInput;
type TierRow = TierTableInput['tiers'][number];

/** A number, or a numeric string as Bybit, OKX and Gate send them. */
const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'must be a numeric string')], { error: 'must be a number or a numeric string' })
  .transform((v) => Number(v))
  .refine(Number.isFinite, 'must be a finite number');
/** Empty string (Bybit sends "" for a zero deduction) or a number. */
const optNum = z.union([z.literal(''), num]).transform((v) => (v === '' ? 0 : v)).optional();

/** Options of the loaders: what the payload does not carry. */
export interface LoaderOptions {
  /** Symbol to load when the payload holds several (default: all). */
  symbol?: string;
  /** Contract value: linear coin per contract (OKX ctVal, required), inverse USD per contract (COIN-M: 100 for BTC, 10 otherwise). */
  contractValue?: number;
  /** Settlement currency (default: from the symbol: USDT for linear, the coin for inverse). */
  settleCurrency?: string;
}

const tol = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/** Checks a venue's published cumulative amounts against the derived ones. */
function checkAmounts(rows: TierRow[], published: Array<number | undefined>, field: (i: number) => string): void {
  const derived = tiered.cumulativeAmounts(rows);
  published.forEach((p, i) => {
    if (p === undefined) return;
    if (!tol(p, derived[i]!)) {
      throw new ValidationError(field(i), 'cumulative-amount', `must equal the amount derived from the brackets, ${derived[i]} (amount_i = amount_{i−1} + floor_i · (rate_i − rate_{i−1})); got ${describeValue(p)}`, p);
    }
  });
}

// ---- Binance ---------------------------------------------------------------------------------

const BinanceUsdmBracket = z.object({
  bracket: z.number(), initialLeverage: num, notionalCap: num, notionalFloor: num, maintMarginRatio: num, cum: num.optional(),
});
const BinanceUsdmSymbol = z.object({ symbol: z.string().min(1), notionalCoef: z.number().optional(), brackets: z.array(BinanceUsdmBracket).min(1) });
const BinanceUsdmPayload = z.union([z.array(BinanceUsdmSymbol), BinanceUsdmSymbol]);

/** Binance USDⓈ-M `leverageBracket` (one symbol object or the array of all) → tier tables. */
export function parseBinanceUsdm(payload: unknown, opts: LoaderOptions = {}, root = 'tiers'): TierTableInput[] {
  const parsed = parseInput(BinanceUsdmPayload, payload, root);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const out: TierTableInput[] = [];
  list.forEach((s, si) => {
    if (opts.symbol !== undefined && s.symbol !== opts.symbol) return;
    const at = Array.isArray(parsed) ? `${root}[${si}]` : root;
    const rows = [...s.brackets].sort((a, b) => a.notionalFloor - b.notionalFloor);
    const tiers = rows.map((b) => ({ floor: b.notionalFloor, cap: b.notionalCap, maxLeverage: b.initialLeverage, maintenanceMarginRate: b.maintMarginRatio }));
    checkAmounts(tiers, rows.map((b) => b.cum), (i) => `${at}.brackets[${s.brackets.indexOf(rows[i]!)}].cum`);
    out.push({ symbol: s.symbol, contract: 'linear', settleCurrency: opts.settleCurrency ?? quoteOf(s.symbol), bracketUnit: 'quote', source: 'Binance GET /fapi/v1/leverageBracket', tiers });
  });
  return nonEmpty(out, opts, root);
}

const BinanceCoinmBracket = z.object({
  bracket: z.number(), initialLeverage: num, qtyCap: num, qtyFloor: num, maintMarginRatio: num, cum: num.optional(),
});
const BinanceCoinmSymbol = z.object({ pair: z.string().min(1).optional(), symbol: z.string().min(1).optional(), brackets: z.array(BinanceCoinmBracket).min(1) })
  .refine((s) => s.pair !== undefined || s.symbol !== undefined, 'must have a pair or a symbol');
const BinanceCoinmPayload = z.union([z.array(BinanceCoinmSymbol), BinanceCoinmSymbol]);

/** Binance COIN-M `leverageBracket` (brackets in coin: qtyFloor/qtyCap) → inverse tier tables (`<pair>_PERP`). */
export function parseBinanceCoinm(payload: unknown, opts: LoaderOptions = {}, root = 'tiers'): TierTableInput[] {
  const parsed = parseInput(BinanceCoinmPayload, payload, root);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const out: TierTableInput[] = [];
  list.forEach((s, si) => {
    const symbol = s.symbol ?? `${s.pair}_PERP`;
    if (opts.symbol !== undefined && symbol !== opts.symbol) return;
    const at = Array.isArray(parsed) ? `${root}[${si}]` : root;
    const rows = [...s.brackets].sort((a, b) => a.qtyFloor - b.qtyFloor);
    const tiers = rows.map((b) => ({ floor: b.qtyFloor, cap: b.qtyCap, maxLeverage: b.initialLeverage, maintenanceMarginRate: b.maintMarginRatio }));
    checkAmounts(tiers, rows.map((b) => b.cum), (i) => `${at}.brackets[${s.brackets.indexOf(rows[i]!)}].cum`);
    const coin = symbol.replace(/USD.*$/, '');
    out.push({
      symbol, contract: 'inverse', settleCurrency: opts.settleCurrency ?? coin, bracketUnit: 'coin',
      contractValue: opts.contractValue ?? (coin === 'BTC' ? 100 : 10), source: 'Binance GET /dapi/v2/leverageBracket', tiers,
    });
  });
  return nonEmpty(out, opts, root);
}

// ---- Bybit -------------------------------------------------------------------------------------

const BybitRow = z.object({
  id: z.number(), symbol: z.string().min(1), riskLimitValue: num, maintenanceMargin: num, initialMargin: num,
  isLowestRisk: z.number().optional(), maxLeverage: num, mmDeduction: optNum,
});
const BybitPayload = z.object({
  retCode: z.literal(0, { error: 'must be 0 (a successful response)' }),
  retMsg: z.string().optional(),
  result: z.object({ category: z.enum(['linear', 'inverse']), list: z.array(BybitRow).min(1) }),
});

/** Bybit v5 `risk-limit` → tier tables (linear: USDT notional; inverse: coin value, 1 USD per contract). */
export function parseBybit(payload: unknown, opts: LoaderOptions = {}, root = 'tiers'): TierTableInput[] {
  const p = parseInput(BybitPayload, payload, root);
  const inverse = p.result.category === 'inverse';
  const bySymbol = new Map<string, Array<{ row: z.output<typeof BybitRow>; index: number }>>();
  p.result.list.forEach((row, index) => {
    if (opts.symbol !== undefined && row.symbol !== opts.symbol) return;
    const rows = bySymbol.get(row.symbol) ?? [];
    rows.push({ row, index });
    bySymbol.set(row.symbol, rows);
  });
  const out: TierTableInput[] = [];
  for (const [symbol, rows] of bySymbol) {
    rows.sort((a, b) => a.row.riskLimitValue - b.row.riskLimitValue);
    const tiers = rows.map(({ row }, i) => ({
      floor: i === 0 ? 0 : rows[i - 1]!.row.riskLimitValue, cap: row.riskLimitValue, maxLeverage: row.maxLeverage, maintenanceMarginRate: row.maintenanceMargin,
    }));
    checkAmounts(tiers, rows.map(({ row }) => row.mmDeduction), (i) => `${root}.result.list[${rows[i]!.index}].mmDeduction`);
    const coin = symbol.replace(/USD.*$/, '');
    out.push({
      symbol, contract: inverse ? 'inverse' : 'linear', settleCurrency: opts.settleCurrency ?? (inverse ? coin : quoteOf(symbol)),
      bracketUnit: inverse ? 'coin' : 'quote', ...(inverse ? { contractValue: opts.contractValue ?? 1 } : opts.contractValue !== undefined ? { contractValue: opts.contractValue } : {}),
      source: `Bybit GET /v5/market/risk-limit?category=${p.result.category}`, tiers,
    });
  }
  return nonEmpty(out, opts, root);
}

// ---- OKX ---------------------------------------------------------------------------------------

const OkxRow = z.object({
  instFamily: z.string().min(1), uly: z.string().optional(), instId: z.string().optional(), tier: num,
  minSz: num, maxSz: num, mmr: num, imr: num, maxLever: num,
});
const OkxPayload = z.object({ code: z.literal('0', { error: 'must be "0" (a successful response)' }), msg: z.string().optional(), data: z.array(OkxRow).min(1) });

/**
 * OKX `position-tiers` (SWAP) → tier tables by position size (`bracketUnit: 'size'`): minSz/maxSz
 * are contracts, multiplied by the contract value ctVal (`opts.contractValue`, required: the payload
 * does not carry it; BTC-USDT-SWAP: 0.01 BTC). Symbol `<instFamily>-SWAP`.
 */
export function parseOkx(payload: unknown, opts: LoaderOptions = {}, root = 'tiers'): TierTableInput[] {
  const p = parseInput(OkxPayload, payload, root);
  const cv = opts.contractValue;
  if (cv === undefined || !(cv > 0)) throw new ValidationError('contractValue', 'required', `is required for OKX tiers (ctVal: coin per contract, e.g. 0.01 for BTC-USDT-SWAP); got ${describeValue(cv)}`, cv);
  const byFamily = new Map<string, Array<{ row: z.output<typeof OkxRow>; index: number }>>();
  p.data.forEach((row, index) => {
    const symbol = `${row.instFamily}-SWAP`;
    if (opts.symbol !== undefined && symbol !== opts.symbol) return;
    const rows = byFamily.get(symbol) ?? [];
    rows.push({ row, index });
    byFamily.set(symbol, rows);
  });
  const out: TierTableInput[] = [];
  for (const [symbol, rows] of byFamily) {
    rows.sort((a, b) => a.row.tier - b.row.tier);
    rows.forEach(({ row, index }, i) => {
      if (i > 0 && row.minSz !== rows[i - 1]!.row.maxSz) {
        throw new ValidationError(`${root}.data[${index}].minSz`, 'contiguous', `must equal the previous tier's maxSz ${rows[i - 1]!.row.maxSz}; got ${describeValue(row.minSz)}`, row.minSz);
      }
    });
    const tiers = rows.map(({ row }) => ({ floor: row.minSz * cv, cap: row.maxSz * cv, maxLeverage: row.maxLever, maintenanceMarginRate: row.mmr }));
    out.push({ symbol, contract: 'linear', settleCurrency: opts.settleCurrency ?? symbol.split('-')[1]!, bracketUnit: 'size', contractValue: cv, source: 'OKX GET /api/v5/public/position-tiers', tiers });
  }
  return nonEmpty(out, opts, root);
}

// ---- Gate --------------------------------------------------------------------------------------

const GateRow = z.object({
  tier: z.number(), risk_limit: num, initial_rate: num, maintenance_rate: num, leverage_max: num, contract: z.string().min(1), deduction: num.optional(),
});
const GatePayload = z.array(GateRow).min(1);

/** Gate `risk_limit_tiers` (USDT futures) → tier tables by USDT notional (risk_limit = cap). */
export function parseGate(payload: unknown, opts: LoaderOptions = {}, root = 'tiers'): TierTableInput[] {
  const p = parseInput(GatePayload, payload, root);
  const byContract = new Map<string, Array<{ row: z.output<typeof GateRow>; index: number }>>();
  p.forEach((row, index) => {
    if (opts.symbol !== undefined && row.contract !== opts.symbol) return;
    const rows = byContract.get(row.contract) ?? [];
    rows.push({ row, index });
    byContract.set(row.contract, rows);
  });
  const out: TierTableInput[] = [];
  for (const [symbol, rows] of byContract) {
    rows.sort((a, b) => a.row.tier - b.row.tier);
    const tiers = rows.map(({ row }, i) => ({ floor: i === 0 ? 0 : rows[i - 1]!.row.risk_limit, cap: row.risk_limit, maxLeverage: row.leverage_max, maintenanceMarginRate: row.maintenance_rate }));
    checkAmounts(tiers, rows.map(({ row }) => row.deduction), (i) => `${root}[${rows[i]!.index}].deduction`);
    out.push({
      symbol, contract: 'linear', settleCurrency: opts.settleCurrency ?? (symbol.split('_')[1] ?? 'USDT'), bracketUnit: 'quote',
      ...(opts.contractValue !== undefined ? { contractValue: opts.contractValue } : {}), source: 'Gate GET /futures/usdt/risk_limit_tiers', tiers,
    });
  }
  return nonEmpty(out, opts, root);
}

// ---- Deribit -----------------------------------------------------------------------------------

/** Deribit futures margin rates: rate(N) = base + perCoin·N with N the position value in coin. */
export interface DeribitFutureRates {
  /** IM rate at zero size (0.02) and its increase per coin of position (0.005 / 100). */
  initial: { base: number; perCoin: number };
  maintenance: { base: number; perCoin: number };
  /** Bracket width in coin: `fineStep` (1) up to `fineUntil` (100), then `step` (10) up to `maxValue` (2,500). */
  fineStep?: number;
  fineUntil?: number;
  step?: number;
  maxValue?: number;
}

/** Deribit's published futures rates (see the `deribit-futures` preset's source). */
export const DERIBIT_FUTURE_RATES: Readonly<DeribitFutureRates> = Object.freeze({
  initial: { base: 0.02, perCoin: 0.005 / 100 },
  maintenance: { base: 0.015, perCoin: 0.005 / 100 },
  fineStep: 1,
  fineUntil: 100,
  step: 10,
  maxValue: 2500,
});

/**
 * A tier table for a Deribit inverse future whose MM rate grows linearly with size:
 * MM(N) = N·(a + b·N). Bracket k = (floor, cap] gets the secant rate a + b·(floor + cap), so the
 * piecewise-linear MM with derived amounts equals the quadratic exactly at every bracket edge
 * (and exceeds it by at most b·width²/4 inside a bracket: 1.25e-5 coin in the 1-coin brackets, 1.25e-3 in the 10-coin ones). Max leverage = 1 / IM rate at the cap.
 */
export function deribitFutureTable(symbol: string, contractValue: number, settleCurrency: string, rates: DeribitFutureRates = DERIBIT_FUTURE_RATES): TierTableInput {
  const fine = rates.fineStep ?? 1;
  const fineUntil = rates.fineUntil ?? 100;
  const step = rates.step ?? 10;
  const maxValue = rates.maxValue ?? 2500;
  const tiers: TierRow[] = [];
  for (let floor = 0; floor < maxValue; ) {
    const cap = Math.min(maxValue, floor + (floor < fineUntil ? fine : step));
    const im = rates.initial.base + rates.initial.perCoin * cap; // the average IM rate at the cap
    tiers.push({ floor, cap, maxLeverage: Math.floor(1 / im), maintenanceMarginRate: rates.maintenance.base + rates.maintenance.perCoin * (floor + cap) });
    floor = cap;
  }
  return { symbol, contract: 'inverse', settleCurrency, bracketUnit: 'coin', contractValue, source: 'Deribit futures margin: IM 2 % + 0.5 %/100 coin, MM 1.5 % + 0.5 %/100 coin (secant brackets)', tiers };
}

const DeribitInstrument = z.object({
  instrument_name: z.string().min(1), kind: z.string(), settlement_currency: z.string().min(1).optional(), base_currency: z.string().min(1),
  contract_size: num, instrument_type: z.string().optional(),
});
const DeribitPayload = z.object({ result: z.array(DeribitInstrument).min(1) });

/** Deribit `get_instruments` → one tier table per inverse future/perpetual (rates from `DERIBIT_FUTURE_RATES`). */
export function parseDeribit(payload: unknown, opts: LoaderOptions = {}, root = 'tiers'): TierTableInput[] {
  const p = parseInput(DeribitPayload, payload, root);
  const out: TierTableInput[] = [];
  for (const ins of p.result) {
    if (ins.kind !== 'future' || (ins.instrument_type !== undefined && ins.instrument_type !== 'reversed')) continue;
    if (opts.symbol !== undefined && ins.instrument_name !== opts.symbol) continue;
    out.push(deribitFutureTable(ins.instrument_name, ins.contract_size, opts.settleCurrency ?? ins.settlement_currency ?? ins.base_currency));
  }
  return nonEmpty(out, opts, root);
}

// ---- dispatch ----------------------------------------------------------------------------------

const PARSERS: Readonly<Record<PayloadFormat, (payload: unknown, opts?: LoaderOptions, root?: string) => TierTableInput[]>> = {
  'binance-usdm': parseBinanceUsdm,
  'binance-coinm': parseBinanceCoinm,
  bybit: parseBybit,
  okx: parseOkx,
  gate: parseGate,
  deribit: parseDeribit,
};

/**
 * A venue payload → tier tables, by format. Each table is validated by the tiered model's rules
 * (contiguous brackets, rising rates…), errors named from `root`.
 * @throws {ValidationError} naming the payload field
 */
export function loadVenueTiers(format: PayloadFormat, payload: unknown, opts: LoaderOptions = {}, root = 'tiers'): tiered.TierTable[] {
  return PARSERS[format](payload, opts, root).map((t, i) => tiered.parseTierTable(t, `${root}(${t.symbol})[${i}]`));
}

function quoteOf(symbol: string): string {
  const m = /(USDT|USDC|BUSD|USD)$/.exec(symbol.replace(/[-_]?(PERP|SWAP)$/, ''));
  return m ? m[1]! : 'USDT';
}

function nonEmpty(out: TierTableInput[], opts: LoaderOptions, root: string): TierTableInput[] {
  if (out.length === 0) throw new ValidationError(opts.symbol !== undefined ? 'symbol' : root, 'empty', `no tier table${opts.symbol !== undefined ? ` for symbol ${opts.symbol}` : ''} in the payload; got ${describeValue(opts.symbol)}`, opts.symbol);
  return out;
}
