/**
 * The calling side of scenario-grid margin for many accounts: everything that needs the domain
 * (profile, scenario grid, vol-shock scales, underlying names and prices) is resolved here into
 * the plain typed-array input of the grid kernel (src/kernels/grid), which the workers run on
 * slices of accounts. All accounts' tables are packed into one SharedArrayBuffer (12 columns × all
 * positions, plus offsets), so workers read views instead of deserialising position objects.
 */
import { TABLE_COLUMNS } from '../../kernels/index.js';
import type { GridAccounts, GridKernelGrid } from '../../kernels/index.js';
import { ValidationError } from '../../errors/index.js';
import { DAYS_PER_YEAR, fillInstrumentRows, validateMarket } from '../../instruments/index.js';
import type { InstrumentColumns, Market, Position } from '../../instruments/index.js';
import { setVolScales, type PreparedGrid } from './grid.js';

/** Every account's table in shared memory, with the names behind the global underlying ids. */
export interface PackedAccounts extends GridAccounts {
  /** Underlying symbol of each global id (`uIds` index into this list), first appearance first. */
  names: string[];
}

/**
 * Validates every account against `market` and writes all their rows straight into one shared
 * table (no per-account arrays: allocating 12 typed arrays per account would cost more than the
 * margin), with each row's vol-shock scale for `prep`.
 * @throws {ValidationError} naming the account and field (`accounts[12].positions[3].strike`).
 */
export function packAccounts(accounts: readonly { positions: readonly Position[] }[], market: Market, prep: PreparedGrid): PackedAccounts {
  const packer = new AccountPacker(accounts, market, prep);
  packer.pack(0, accounts.length);
  return { ...packer.accounts, names: packer.names };
}

/**
 * {@link packAccounts} in steps, so that a caller can hand the packed accounts to workers while it
 * packs the next ones: the constructor sizes the shared table (one cheap pass counting positions),
 * `pack(from, to)` validates and writes accounts [from, to). Packing the accounts in order, in any
 * steps, gives the same table, offsets and ids as one call of {@link packAccounts}.
 */
export class AccountPacker {
  /** The shared table; rows, underlying offsets and ids are valid for the accounts packed so far. */
  readonly accounts: GridAccounts;
  /** Underlying symbol of each global id, first appearance first (grows as accounts are packed). */
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly columns: InstrumentColumns;
  private prices: Record<string, number> | undefined;
  private next = 0;
  /** Whether the table reuses a buffer holding old values (then each slice's rows are zeroed first). */
  private readonly dirty: boolean;

  /**
   * @param spare a buffer from an earlier batch to write the table into, used when its size is
   *   between the table's and twice that (fresh shared memory costs a page fault per 4 KiB on
   *   first touch, more than zeroing the rows again).
   */
  constructor(
    private readonly list: readonly { positions: readonly Position[] }[],
    private readonly market: Market,
    private readonly prep: PreparedGrid,
    spare?: SharedArrayBuffer,
  ) {
    const nAcc = list.length;
    const offsets = new Int32Array(new SharedArrayBuffer(4 * (nAcc + 1)));
    // sizes first (a bad account is reported when it is packed, in account order)
    for (let a = 0; a < nAcc; a++) offsets[a + 1] = offsets[a] + (Array.isArray(list[a]?.positions) ? list[a].positions.length : 0);
    const rows = offsets[nAcc];
    const size = TABLE_COLUMNS.length * Math.max(1, rows);
    this.dirty = spare !== undefined && spare.byteLength >= 8 * size && spare.byteLength <= 16 * size;
    const table = this.dirty ? new Float64Array(spare as SharedArrayBuffer, 0, size) : new Float64Array(new SharedArrayBuffer(8 * size));
    const columns = { n: rows } as InstrumentColumns;
    TABLE_COLUMNS.forEach((key, c) => {
      columns[key] = table.subarray(c * rows, (c + 1) * rows);
    });
    this.columns = columns;
    const uOffsets = new Int32Array(new SharedArrayBuffer(4 * (nAcc + 1)));
    // an account has at most one underlying per position
    const uIds = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, rows)));
    this.accounts = { table, rows, offsets, uOffsets, uIds };
  }

  /**
   * Validates and writes accounts [from, to); `from` must be the first account not yet packed.
   * @throws {ValidationError} as {@link packAccounts}.
   */
  pack(from: number, to: number): void {
    if (from !== this.next || to < from || to > this.list.length) throw new RangeError(`pack: expected accounts from ${this.next}; got [${from}, ${to})`);
    const { offsets, uOffsets, uIds } = this.accounts;
    const c = this.columns;
    const { ids, names } = this;
    if (this.dirty) {
      // the rows' columns must start at zero (a delta-one row leaves the option columns unset)
      const { table, rows } = this.accounts;
      for (let k = 0; k < TABLE_COLUMNS.length; k++) table.fill(0, k * rows + offsets[from], k * rows + offsets[to]);
    }
    for (let a = from; a < to; a++) {
      const acc = this.list[a];
      if (!acc || !Array.isArray(acc.positions)) throw new ValidationError(`accounts[${a}].positions`, 'required', 'must be an array of positions');
      let unds: string[];
      try {
        // the market is the same for every account: validated once, when the first account needs it
        this.prices ??= validateMarket(this.market);
        unds = fillInstrumentRows(acc.positions, this.market, this.prices, c, offsets[a]);
      } catch (e) {
        if (e instanceof ValidationError) throw new ValidationError(`accounts[${a}].${e.field}`, e.rule, e.message.replace(/^[^:]*: /, ''), e.value);
        throw e;
      }
      const ulo = uOffsets[a];
      for (let u = 0; u < unds.length; u++) {
        const name = unds[u];
        let id = ids.get(name);
        if (id === undefined) {
          id = names.length;
          names.push(name);
          ids.set(name, id);
        }
        uIds[ulo + u] = id;
      }
      uOffsets[a + 1] = ulo + unds.length;
    }
    setVolScales(c, this.prep, offsets[from], offsets[to]);
    this.next = to;
  }
}

const VOL_ORDER = ['up', 'unchanged', 'down'] as const;

/**
 * The grid kernel's view of a prepared profile: the factored scenario grid (scenario k = price point
 * p · 3 + vol state v, as `gridScenarios` orders them), prices by global underlying id and the
 * credit pairs by id, highest rate first (the order `gridMargin` grants credits in).
 * @param names underlying symbol of each global id (see {@link packAccounts}); each must have a price.
 */
export function prepareGridKernelInput(prep: PreparedGrid, names: readonly string[], market: Market): GridKernelGrid {
  const { profile: p, scenarios } = prep;
  const nVols = VOL_ORDER.length;
  const nMoves = scenarios.length / nVols;
  const moves = new Float64Array(nMoves);
  const weights = new Float64Array(scenarios.length);
  scenarios.forEach((s, k) => {
    // the kernel relies on this factoring; gridScenarios builds it so
    if (s.vol !== VOL_ORDER[k % nVols] || s.priceMove !== scenarios[k - (k % nVols)].priceMove) {
      throw new Error(`grid scenario ${k} is not in price × (up, unchanged, down) order`);
    }
    if (k % nVols === 0) moves[k / nVols] = s.priceMove;
    weights[k] = s.weight;
  });
  // the shock values of scenarioColumns in gridMarginOfTable (−down, so a zero down shock is −0 there too)
  const shocks = VOL_ORDER.map((v) => (v === 'up' ? p.volShock.up : v === 'down' ? -p.volShock.down : 0));
  const zero = new Float64Array(nVols);
  const shock = Float64Array.from(shocks);
  const relative = p.volShock.mode === 'relative';
  const ids = new Map(names.map((name, id) => [name, id]));
  const pairs = [...p.offsets.pairs].sort((a, b) => b.credit - a.credit);
  return {
    moves, weights,
    volAbs: relative ? zero : shock,
    volRel: relative ? shock : zero,
    dt: p.horizonDays / DAYS_PER_YEAR,
    upIdx: prep.upIdx,
    downIdx: prep.downIdx,
    prices: Float64Array.from(names, (name) => market.prices[name]),
    pairA: Int32Array.from(pairs, (x) => ids.get(x.underlyings[0]) ?? -1),
    pairB: Int32Array.from(pairs, (x) => ids.get(x.underlyings[1]) ?? -1),
    pairRate: Float64Array.from(pairs, (x) => x.credit),
    shortOptionRate: p.shortOptionRate,
    spreadRate: p.spreadRate,
    maxCreditFraction: p.offsets.maxCreditFraction,
    maintenanceFraction: p.maintenanceFraction,
  };
}
