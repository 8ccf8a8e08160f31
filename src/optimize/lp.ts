/**
 * A small LP/MIP model builder that writes CPLEX LP text for HiGHS.
 *
 * Rows and variable bounds carry a *constraint set* label ('delta-bounds', 'es-budget',
 * 'position-limits'…) so that an infeasible model can be narrowed down to the sets that conflict
 * (see `solveModel`) and binding constraints can be reported by name.
 *
 * ## Format rules enforced here
 * - Numbers are written as plain decimals (never `1e-7` or `1e+21`), `-0` as `0`; a non-finite
 *   coefficient or right-hand side is a programming error and throws.
 * - Names keep `[A-Za-z0-9_]` only, never start with a digit or an `e`/`E` (which a reader may take
 *   for an exponent), never equal an LP keyword, are at most 200 characters and are unique per model.
 * - Every variable appears in the objective (with coefficient 0 if need be) so HiGHS always creates
 *   its column; long expressions are wrapped over several lines.
 *
 * ## References
 * - IBM ILOG CPLEX, "LP file format: algebraic representation".
 * - HiGHS `filereaderlp` (the reader used by `highs.solve`).
 */

/** Comparison of a row. */
export type RowSense = '<=' | '>=' | '=';

export interface VariableOptions {
  /** Lower bound (default 0; `-Infinity` for none). */
  lower?: number;
  /** Upper bound (default `Infinity`). */
  upper?: number;
  /** Integer variable (written to the `General` section). */
  integer?: boolean;
  /** Objective coefficient (default 0). */
  objective?: number;
  /** Constraint set the finite bounds belong to (e.g. 'position-limits'); unlabelled bounds are structural. */
  boundSet?: string;
}

export interface LpVariable {
  /** Sanitised, unique LP name. */
  name: string;
  /** The label the caller asked for (before sanitising). */
  label: string;
  lower: number;
  upper: number;
  integer: boolean;
  objective: number;
  boundSet: string | null;
}

export interface LpRow {
  name: string;
  label: string;
  /** Constraint set this row belongs to. */
  set: string;
  vars: number[];
  coefs: number[];
  sense: RowSense;
  rhs: number;
}

/** Options of {@link LpModel.toCplexLp}. */
export interface WriteOptions {
  /** Constraint sets to leave out (rows dropped; bounds of the set relaxed to free). */
  dropSets?: ReadonlySet<string>;
  /** Write a zero objective (feasibility check). */
  zeroObjective?: boolean;
}

const KEYWORDS = new Set([
  'minimize', 'minimum', 'min', 'maximize', 'maximum', 'max', 'subject', 'to', 'st', 's.t.', 'such', 'that',
  'bounds', 'bound', 'general', 'generals', 'gen', 'integer', 'integers', 'binary', 'binaries', 'bin',
  'semi', 'semis', 'sos', 'end', 'free', 'inf', 'infinity',
]);

const MAX_NAME = 200;
const TERMS_PER_LINE = 8;

/**
 * Makes a string a safe CPLEX LP name: characters outside `[A-Za-z0-9_]` become `_`, a leading digit,
 * `e`/`E` or an LP keyword gets the prefix `n_`, and the result is cut to 200 characters.
 * @example sanitizeLpName('BTC-PERP 2024.12') // returns 'BTC_PERP_2024_12'
 * @example sanitizeLpName('eth') // returns 'n_eth'
 */
export function sanitizeLpName(raw: string): string {
  let s = String(raw).replace(/[^A-Za-z0-9_]/g, '_');
  if (s.length === 0) s = 'n_';
  if (/^[0-9eE]/.test(s) || KEYWORDS.has(s.toLowerCase())) s = `n_${s}`;
  return s.slice(0, MAX_NAME);
}

/**
 * Formats a finite number as a plain decimal the LP reader accepts: shortest round-trip digits,
 * no exponent, `-0` written as `0`.
 * @throws {RangeError} for NaN or ±Infinity (bounds use {@link formatLpBound}).
 * @example formatLpNumber(1.5e-7) // returns '0.00000015'
 * @example formatLpNumber(-2e21) // returns '-2000000000000000000000'
 */
export function formatLpNumber(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`LP coefficient must be finite; got ${x}`);
  if (x === 0) return '0';
  const s = String(x);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const neg = s[0] === '-';
  const mantissa = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  // Position of the decimal point after shifting: digits before the point in the mantissa + exp.
  const point = (dot < 0 ? mantissa.length : dot) + exp;
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  out = out.includes('.') ? out.replace(/0+$/, '').replace(/\.$/, '') : out;
  return neg ? `-${out}` : out;
}

/** A bound value: finite numbers as {@link formatLpNumber}, infinities as `inf` / `-inf`. */
export function formatLpBound(x: number): string {
  if (x === Infinity) return '+inf';
  if (x === -Infinity) return '-inf';
  return formatLpNumber(x);
}

/**
 * An LP/MIP model: variables with bounds, labelled rows, a linear objective.
 * Build it, then write it with {@link LpModel.toCplexLp} or solve it with `solveModel`.
 */
export class LpModel {
  readonly variables: LpVariable[] = [];
  readonly rows: LpRow[] = [];
  sense: 'minimize' | 'maximize' = 'minimize';
  /** Constant added to the objective value reported (LP text has no constant term). */
  objectiveConstant = 0;
  /** Sets whose rows are many and anonymous (e.g. the CVaR tail rows): binding rows only counted. */
  readonly quietSets = new Set<string>();
  /** Sets never blamed for infeasibility (always satisfiable on their own, e.g. tail auxiliaries). */
  readonly structuralSets = new Set<string>();
  /** Constraint set to name when the objective is unbounded (the limit that would bound it). */
  unboundedSet = 'position-limits';
  private readonly used = new Set<string>();

  private unique(label: string): string {
    const base = sanitizeLpName(label);
    let name = base;
    for (let k = 2; this.used.has(name.toLowerCase()); k++) name = `${base.slice(0, MAX_NAME - 8)}_${k}`;
    this.used.add(name.toLowerCase());
    return name;
  }

  /** Adds a variable and returns its index. */
  addVariable(label: string, o: VariableOptions = {}): number {
    const lower = o.lower ?? 0;
    const upper = o.upper ?? Infinity;
    if (Number.isNaN(lower) || Number.isNaN(upper) || lower === Infinity || upper === -Infinity) {
      throw new RangeError(`variable ${label}: invalid bounds [${lower}, ${upper}]`);
    }
    this.variables.push({
      name: this.unique(label), label, lower, upper,
      integer: o.integer === true, objective: o.objective ?? 0, boundSet: o.boundSet ?? null,
    });
    return this.variables.length - 1;
  }

  /** Adds a row Σ coefs[j]·x[vars[j]] (sense) rhs in constraint set `set`; returns its index. */
  addRow(label: string, set: string, vars: number[], coefs: number[], sense: RowSense, rhs: number): number {
    if (vars.length !== coefs.length) throw new RangeError(`row ${label}: ${vars.length} variables but ${coefs.length} coefficients`);
    this.rows.push({ name: this.unique(label), label, set, vars, coefs, sense, rhs });
    return this.rows.length - 1;
  }

  /** Constraint sets in order of first appearance (rows first, then bound sets). */
  constraintSets(): string[] {
    const seen = new Set<string>();
    for (const r of this.rows) seen.add(r.set);
    for (const v of this.variables) if (v.boundSet !== null) seen.add(v.boundSet);
    return [...seen];
  }

  /** Number of non-zero row coefficients. */
  nonZeros(): number {
    let n = 0;
    for (const r of this.rows) for (const c of r.coefs) if (c !== 0) n++;
    return n;
  }

  /** Whether any variable is integer (the model is a MIP). */
  get isMip(): boolean {
    return this.variables.some((v) => v.integer);
  }

  /** Writes the model in CPLEX LP format. */
  toCplexLp(options: WriteOptions = {}): string {
    const drop = options.dropSets ?? new Set<string>();
    const vs = this.variables;
    const out: string[] = [this.sense === 'minimize' ? 'Minimize' : 'Maximize'];
    out.push(expression(' obj:', vs.map((_, j) => j), vs.map((v) => (options.zeroObjective ? 0 : v.objective)), vs, true));
    out.push('Subject To');
    for (const r of this.rows) {
      if (drop.has(r.set)) continue;
      // A row without non-zero terms is written as 0·(first variable) so the reader keeps it (and its name).
      const empty = !r.coefs.some((c) => c !== 0);
      const line = expression(` ${r.name}:`, empty ? [0] : r.vars, empty ? [0] : r.coefs, vs, empty);
      out.push(`${line} ${r.sense} ${formatLpNumber(r.rhs)}`);
    }
    out.push('Bounds');
    const generals: string[] = [];
    for (const v of vs) {
      const relaxed = v.boundSet !== null && drop.has(v.boundSet);
      const lo = relaxed ? -Infinity : v.lower;
      const hi = relaxed ? Infinity : v.upper;
      if (lo === -Infinity && hi === Infinity) out.push(` ${v.name} free`);
      else if (lo === hi) out.push(` ${v.name} = ${formatLpNumber(lo)}`);
      else if (!(lo === 0 && hi === Infinity)) out.push(` ${formatLpBound(lo)} <= ${v.name} <= ${formatLpBound(hi)}`);
      if (v.integer) generals.push(v.name);
    }
    if (generals.length > 0) {
      out.push('General');
      for (let i = 0; i < generals.length; i += TERMS_PER_LINE) out.push(` ${generals.slice(i, i + TERMS_PER_LINE).join(' ')}`);
    }
    out.push('End', '');
    return out.join('\n');
  }
}

/** `head t1 + t2 …` with signs folded into the operators and a line break every few terms. */
function expression(head: string, vars: ArrayLike<number>, coefs: ArrayLike<number>, vs: LpVariable[], keepZeros: boolean): string {
  // Parts collected and joined once: cheaper than growing one string term by term on dense rows.
  const parts: string[] = [head];
  let written = 0;
  for (let j = 0; j < vars.length; j++) {
    const c = coefs[j];
    if (c === 0 && !keepZeros) continue;
    parts.push(written > 0 && written % TERMS_PER_LINE === 0 ? '\n' : '', c < 0 ? ' - ' : written === 0 ? ' ' : ' + ', formatLpNumber(c < 0 ? -c : c), ' ', vs[vars[j]].name);
    written++;
  }
  return parts.join('');
}
