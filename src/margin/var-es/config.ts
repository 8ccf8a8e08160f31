/**
 * Parameters of the VaR/ES (CCP, Prisma / SPAN 2 like) margin model: the public config type, the
 * documented defaults, and their validation (zod 4 → `ValidationError` naming `config.<path>`).
 */
import { z } from 'zod';
import { ValidationError, describeValue } from '../../errors/index.js';
import { parseInput } from '../../schemas/index.js';

/** Conditional volatility model used to filter the historical returns. */
export type VolModelConfig =
  /** RiskMetrics EWMA, σ²_{t+1} = λσ²_t + (1 − λ)r²_t, seeded by the sample variance of the first `seedWindow` returns. */
  | { kind: 'ewma'; lambda?: number; seedWindow?: number }
  /** GARCH(1,1) by Gaussian QML (zero mean); the current vol is the root of the mean forecast variance over the MPOR. */
  | { kind: 'garch' };

/** Anti-procyclicality tool (EMIR RTS 153/2013 Art. 28(1) (a), (b), (c)); default none. */
export type ApcConfig =
  | { kind: 'none' }
  /** (a) buffer ≥ 25 % of the core margin, releasable in stressed periods: initial includes core·buffer. */
  | { kind: 'buffer'; buffer?: number }
  /** (b) floor: core ≥ unfiltered ES over the last `lookbackYears·daysPerYear` returns (whole history if shorter). */
  | { kind: 'floor'; lookbackYears?: number; daysPerYear?: number }
  /** (c) at least `weight` (≥ 25 %) of the core on stressed observations: w_stressed' = max(w_stressed, weight). */
  | { kind: 'stressed-weight'; weight?: number };

/** Liquidity (concentration) add-on parameters. */
export interface LiquidityConfig {
  /** Market capacity per underlying, USD of net delta that can be liquidated over the MPOR without distress (e.g. daily volume × participation × MPOR). Required for every underlying of the portfolio. */
  capacityUsd: Record<string, number>;
  /** Full bid–ask spread in basis points (number for all underlyings or a record); half of it is charged. Default 10 bp. */
  spreadBps?: number | Record<string, number>;
  /**
   * Square-root impact coefficient (relative price impact when liquidating the whole capacity). Default: the
   * underlying's current (filtered) daily vol, i.e. the square-root law ΔP/P ≈ Y·σ_daily·√(Q/V) with Y = 1.
   */
  impact?: number | Record<string, number>;
}

/** Public configuration of {@link varEsMargin}; every field optional (see {@link DEFAULT_VAR_ES_CONFIG}). */
export interface VarEsMarginConfig {
  /** ES confidence a in (0, 1). Default 0.975. */
  confidence?: number;
  /** Margin period of risk h in trading days (overlapping h-day windows, no √t scaling). Default 2. */
  mporDays?: number;
  /** Volatility filter. Default `{ kind: 'ewma', lambda: 0.97, seedWindow: 30 }`. */
  volModel?: VolModelConfig;
  /** Optional vol floor: σ_used = max(σ_now, quantile q of the underlying's conditional-vol path); q in [0, 1]. Default none. */
  volFloorQuantile?: number | null;
  /** Number of most recent daily returns used for the filtered scenarios (the vol model still sees all). Default: all. */
  lookbackDays?: number | null;
  /**
   * Stressed period: an explicit inclusive date range `{ start, end }` (dates of `history.dates`, ISO or day
   * index), or the automatic search over windows of `windowDays` daily returns (default 250) for the largest
   * unfiltered ES of the current portfolio.
   */
  stressed?: { windowDays?: number; start?: string; end?: string };
  /** Blend of the two ES: core = filtered·ES_filtered + stressed·ES_stressed; each in [0, 1], sum 1. Default 0.5 / 0.5. */
  weights?: { filtered: number; stressed: number };
  /** Liquidity add-on; omitted → no add-on. */
  liquidity?: LiquidityConfig | null;
  /** Anti-procyclicality. Default `{ kind: 'none' }`. */
  apc?: ApcConfig;
  /** maintenance = maintenanceFraction · initial, in (0, 1]. Default 1 (CCPs call one margin). */
  maintenanceFraction?: number;
  /** Implied-vol shift applied in every scenario (absolute vol units, and relative); default 0 = vol unchanged. */
  impliedVolShift?: { absolute?: number | Record<string, number>; relative?: number | Record<string, number> };
  /** Age options by the MPOR in every scenario (time decay). Default false (instantaneous shock). */
  timeDecay?: boolean;
  /** Also return the filtered P&L vector. Default false. */
  returnPnlVector?: boolean;
}

/** Fully resolved configuration. */
export interface ResolvedVarEsConfig {
  confidence: number;
  mporDays: number;
  volModel: { kind: 'ewma'; lambda: number; seedWindow: number } | { kind: 'garch' };
  volFloorQuantile: number | null;
  lookbackDays: number | null;
  stressed: { kind: 'auto'; windowDays: number; explicitWindow: boolean } | { kind: 'range'; start: string; end: string };
  weights: { filtered: number; stressed: number };
  liquidity: { capacityUsd: Record<string, number>; spreadBps: number | Record<string, number>; impact: number | Record<string, number> | null } | null;
  apc:
    | { kind: 'none' }
    | { kind: 'buffer'; buffer: number }
    | { kind: 'floor'; lookbackYears: number; daysPerYear: number }
    | { kind: 'stressed-weight'; weight: number };
  maintenanceFraction: number;
  impliedVolShift: { absolute: number | Record<string, number>; relative: number | Record<string, number> };
  timeDecay: boolean;
  returnPnlVector: boolean;
}

/**
 * Defaults, and why:
 * - confidence 0.975: the ES level of Eurex Prisma and of FRTB; ≈ the 99 % VaR under normality.
 * - mporDays 2: crypto derivatives clear 24/7 with near-continuous liquidation, so the EMIR minimum of 2 days
 *   for non-OTC derivatives applies (OTC books should use 5).
 * - EWMA λ = 0.97 (Eurex Prisma style, slower than RiskMetrics' 0.94 → less procyclical), 30-return seed.
 * - no vol floor, no APC by default: each is an explicit policy choice (see `volFloorQuantile`, `apc`).
 * - stressed window 250 returns (one year), weights 0.5 / 0.5 (SPAN 2 / Prisma style blend).
 * - spread 10 bp, impact coefficient = current daily vol (square-root law, Y = 1).
 * - maintenance = initial (CCPs).
 */
export const DEFAULT_VAR_ES_CONFIG = {
  confidence: 0.975,
  mporDays: 2,
  ewmaLambda: 0.97,
  ewmaSeedWindow: 30,
  stressWindowDays: 250,
  weights: { filtered: 0.5, stressed: 0.5 },
  spreadBps: 10,
  apcBuffer: 0.25,
  apcLookbackYears: 10,
  apcDaysPerYear: 365,
  apcStressedWeight: 0.25,
  maintenanceFraction: 1,
} as const;

const positive = z.number().refine((x) => Number.isFinite(x) && x > 0, 'must be a finite number > 0');
const nonNegative = z.number().refine((x) => Number.isFinite(x) && x >= 0, 'must be a finite number >= 0');
const finite = z.number().refine((x) => Number.isFinite(x), 'must be a finite number');
const int = (min: number) => z.number().int(`must be an integer >= ${min}`).min(min, `must be an integer >= ${min}`);
const perUnderlying = (s: z.ZodType<number>) => z.union([s, z.record(z.string(), s)]);
const unit = z.number().min(0, 'must be in [0, 1]').max(1, 'must be in [0, 1]');

const schema = z
  .object({
    confidence: z.number().gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)').optional(),
    mporDays: int(1).optional(),
    volModel: z
      .discriminatedUnion('kind', [
        z.object({
          kind: z.literal('ewma'),
          lambda: z.number().gt(0, 'must be in (0, 1)').lt(1, 'must be in (0, 1)').optional(),
          seedWindow: int(2).optional(),
        }).strict(),
        z.object({ kind: z.literal('garch') }).strict(),
      ])
      .optional(),
    volFloorQuantile: unit.nullable().optional(),
    lookbackDays: int(2).nullable().optional(),
    stressed: z
      .object({ windowDays: int(1).optional(), start: z.string().min(1).optional(), end: z.string().min(1).optional() })
      .strict()
      .superRefine((s, ctx) => {
        if ((s.start === undefined) !== (s.end === undefined)) {
          ctx.addIssue({ code: 'custom', path: [s.start === undefined ? 'start' : 'end'], message: 'start and end must be given together' });
        }
        if (s.start !== undefined && s.windowDays !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['windowDays'], message: 'give either windowDays (automatic search) or start/end, not both' });
        }
      })
      .optional(),
    weights: z
      .object({ filtered: unit, stressed: unit })
      .strict()
      .superRefine((w, ctx) => {
        if (Math.abs(w.filtered + w.stressed - 1) > 1e-9) {
          ctx.addIssue({ code: 'custom', path: [], message: `filtered + stressed must sum to 1 (got ${w.filtered + w.stressed})` });
        }
      })
      .optional(),
    liquidity: z
      .object({
        capacityUsd: z.record(z.string(), positive),
        spreadBps: perUnderlying(nonNegative).optional(),
        impact: perUnderlying(nonNegative).optional(),
      })
      .strict()
      .nullable()
      .optional(),
    apc: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('none') }).strict(),
        z.object({ kind: z.literal('buffer'), buffer: nonNegative.optional() }).strict(),
        z.object({ kind: z.literal('floor'), lookbackYears: positive.optional(), daysPerYear: positive.optional() }).strict(),
        z.object({ kind: z.literal('stressed-weight'), weight: unit.optional() }).strict(),
      ])
      .optional(),
    maintenanceFraction: z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').optional(),
    impliedVolShift: z.object({ absolute: perUnderlying(finite).optional(), relative: perUnderlying(finite).optional() }).strict().optional(),
    timeDecay: z.boolean().optional(),
    returnPnlVector: z.boolean().optional(),
  })
  .strict();

/** Small plain objects are shown as JSON (`{"filtered":0.7,"stressed":0.5}`), anything else by `describeValue`. */
function describeSmall(v: unknown): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
    const json = JSON.stringify(v);
    if (json !== undefined && json.length <= 80) return json;
  }
  return describeValue(v);
}

/**
 * Validates `config` and merges it over the defaults.
 * @throws {ValidationError} for the first bad field, e.g. `config.weights: filtered + stressed must sum to 1 (got 1.2); got object`.
 */
export function resolveVarEsConfig(config: VarEsMarginConfig = {}): ResolvedVarEsConfig {
  if (config === null || typeof config !== 'object') {
    throw new ValidationError('config', 'type', `must be an object; got ${describeValue(config)}`, config);
  }
  const c = parseInput(schema, config, 'config', describeSmall);
  const D = DEFAULT_VAR_ES_CONFIG;
  const vm = c.volModel ?? { kind: 'ewma' as const };
  const apc = c.apc ?? { kind: 'none' as const };
  return {
    confidence: c.confidence ?? D.confidence,
    mporDays: c.mporDays ?? D.mporDays,
    volModel: vm.kind === 'ewma' ? { kind: 'ewma', lambda: vm.lambda ?? D.ewmaLambda, seedWindow: vm.seedWindow ?? D.ewmaSeedWindow } : { kind: 'garch' },
    volFloorQuantile: c.volFloorQuantile ?? null,
    lookbackDays: c.lookbackDays ?? null,
    stressed:
      c.stressed?.start !== undefined && c.stressed.end !== undefined
        ? { kind: 'range', start: c.stressed.start, end: c.stressed.end }
        : { kind: 'auto', windowDays: c.stressed?.windowDays ?? D.stressWindowDays, explicitWindow: c.stressed?.windowDays !== undefined },
    weights: c.weights ? { filtered: c.weights.filtered, stressed: c.weights.stressed } : { ...D.weights },
    liquidity: c.liquidity
      ? { capacityUsd: c.liquidity.capacityUsd, spreadBps: c.liquidity.spreadBps ?? D.spreadBps, impact: c.liquidity.impact ?? null }
      : null,
    apc:
      apc.kind === 'buffer' ? { kind: 'buffer', buffer: apc.buffer ?? D.apcBuffer }
      : apc.kind === 'floor' ? { kind: 'floor', lookbackYears: apc.lookbackYears ?? D.apcLookbackYears, daysPerYear: apc.daysPerYear ?? D.apcDaysPerYear }
      : apc.kind === 'stressed-weight' ? { kind: 'stressed-weight', weight: apc.weight ?? D.apcStressedWeight }
      : { kind: 'none' },
    maintenanceFraction: c.maintenanceFraction ?? D.maintenanceFraction,
    impliedVolShift: { absolute: c.impliedVolShift?.absolute ?? 0, relative: c.impliedVolShift?.relative ?? 0 },
    timeDecay: c.timeDecay ?? false,
    returnPnlVector: c.returnPnlVector ?? false,
  };
}
