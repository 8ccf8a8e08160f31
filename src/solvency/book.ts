/**
 * A venue's accounts prepared once into typed arrays (struct of arrays), so a mark tick touches
 * only the positions of the moved symbols.
 *
 * ## Layout
 * - Margin units: a cross account is one unit (all its positions share its wallet); each position
 *   of an isolated account is its own unit (its wallet is the isolated margin). Positions of a
 *   unit are contiguous.
 * - Every position is kept in value space: v(P) = P (linear) or v(P) = −1/P (inverse), signed size
 *   S = ±|qty|·contractValue (coin for linear, USD for inverse). Then unrealised P&L = S·(v(M) − v(E))
 *   and notional in the tier-bracket unit = |S|·|v(M)| for both contract kinds (see
 *   src/margin/tiered/liquidation.ts, whose affine form in u = P or 1/P this is).
 * - Symbol → holders: the positions of each symbol in one index list (CSR), so a tick on symbol X
 *   re-margins only X's holders.
 */
import { ValidationError, describeValue } from '../errors/index.js';
import { tiered } from '../margin/index.js';
import type { TierTable } from '../margin/tiered/index.js';

/** Tier tables by symbol, flattened. */
export interface BookSymbols {
  names: string[];
  /** 0 linear, 1 inverse. */
  inverse: Uint8Array;
  /** Settlement currency id. */
  currency: Int32Array;
  /** CSR offsets into the tier arrays (length nSymbols + 1). */
  tierStart: Int32Array;
  tierCap: Float64Array;
  tierRate: Float64Array;
  tierAmount: Float64Array;
  /** 1 when the table's brackets are by position size (`bracketUnit: 'size'`, OKX): tier by |S|, MM on the notional. */
  sizeBrackets: Uint8Array;
}

/** Maintenance basis of the packed book, by margin mode (a venue preset's `maintenanceBasis`). */
export interface BookBasis {
  isolated: 'mark' | 'entry';
  cross: 'mark' | 'entry';
}

/** The prepared book: plain typed arrays, structured-cloneable to a worker. */
export interface VenueBook {
  nAccounts: number;
  nUnits: number;
  nPositions: number;
  currencies: string[];
  symbols: BookSymbols;
  /** Per account: balance not allotted to a unit (isolated accounts: wallet − Σ isolated margins). */
  accountFree: Float64Array;
  accountCurrency: Int32Array;
  /** Per unit. */
  unitAccount: Int32Array;
  unitWallet: Float64Array;
  /** 1 when the unit is a cross account. */
  unitCross: Uint8Array;
  unitPosStart: Int32Array;
  /** Per position. */
  posUnit: Int32Array;
  posSymbol: Int32Array;
  posSize: Float64Array;
  /** v(entry price). */
  posEntryV: Float64Array;
  /** 1 when maintenance is taken on the entry notional |S|·|v(E)| (Bybit isolated), 0 on the mark notional. */
  posEntryBasis: Uint8Array;
  /** Symbol → positions (CSR): holders of symbol s are symHolders[symStart[s] .. symStart[s+1]). */
  symStart: Int32Array;
  symHolders: Int32Array;
}

/** v(P): P for linear, −1/P for inverse. */
export const toV = (inverse: number, price: number): number => (inverse ? -1 / price : price);
/** Price for v; null when it is not a positive finite price. */
export function fromV(inverse: number, v: number): number | null {
  const p = inverse ? -1 / v : v;
  return p > 0 && Number.isFinite(p) ? p : null;
}

function tableList(tables: tiered.TierTables): TierTable[] {
  const raw = Array.isArray(tables) ? tables : Object.values(tables);
  return raw.map((t, i) => tiered.parseTierTable(t, Array.isArray(tables) ? `tables[${i}]` : `tables.${Object.keys(tables)[i]}`));
}

/** Options of `prepareBook`. */
export interface PrepareOptions {
  /** Maintenance basis by margin mode (default mark notional for both). */
  basis?: BookBasis;
  /** Maintenance basis by symbol (wins over `basis`); every key must be a symbol of the tables. */
  symbolBasis?: Record<string, BookBasis>;
  /** Contract kind of the preset (positions on the other kind are rejected), globally and by symbol. */
  contract?: 'linear' | 'inverse';
  symbolContract?: Record<string, 'linear' | 'inverse'>;
  /** Field named when a `symbolBasis` key is not a symbol of the tables (default 'symbolBasis'). */
  symbolBasisField?: string;
  /**
   * Name of the venue preset the book follows: accounts with a fee to close (feeRate > 0) are then
   * rejected, since the simulator reserves no fee in maintenance.
   */
  venue?: string;
}

/**
 * Validates accounts (the tiered model's AccountSchema) against the tier tables and packs them.
 * Accounts keep their input order: events name an account by its index.
 *
 * @throws {ValidationError} naming the field, e.g. `accounts[3].positions[0].symbol: unknown symbol …`
 */
export function prepareBook(accounts: readonly tiered.Account[], tables: tiered.TierTables, opts: PrepareOptions = {}): VenueBook {
  if (!Array.isArray(accounts)) throw new ValidationError('accounts', 'type', `must be an array of accounts; got ${describeValue(accounts)}`, accounts);
  const list = tableList(tables);
  const symIndex = new Map<string, number>();
  const currencies: string[] = [];
  const curIndex = new Map<string, number>();
  const cur = (c: string): number => {
    let i = curIndex.get(c);
    if (i === undefined) {
      i = currencies.length;
      currencies.push(c);
      curIndex.set(c, i);
    }
    return i;
  };
  const nSym = list.length;
  const names: string[] = [];
  const inverse = new Uint8Array(nSym);
  const currency = new Int32Array(nSym);
  const tierStart = new Int32Array(nSym + 1);
  const caps: number[] = [];
  const rates: number[] = [];
  const amounts: number[] = [];
  const sizeBrackets = new Uint8Array(nSym);
  list.forEach((t, s) => {
    sizeBrackets[s] = t.bracketUnit === 'size' ? 1 : 0;
    if (symIndex.has(t.symbol)) throw new ValidationError(`tables[${s}].symbol`, 'duplicate', `duplicate tier table; got ${describeValue(t.symbol)}`, t.symbol);
    symIndex.set(t.symbol, s);
    names.push(t.symbol);
    inverse[s] = t.contract === 'inverse' ? 1 : 0;
    currency[s] = cur(t.settleCurrency);
    tierStart[s] = caps.length;
    for (const tier of t.tiers) {
      caps.push(tier.cap);
      rates.push(tier.maintenanceMarginRate);
      amounts.push(tier.maintenanceAmount);
    }
  });
  tierStart[nSym] = caps.length;
  const symbolBasis = opts.symbolBasis ?? {};
  for (const k of Object.keys(symbolBasis)) {
    if (!symIndex.has(k)) throw new ValidationError(`${opts.symbolBasisField ?? 'symbolBasis'}.${k}`, 'unknown-symbol', `names a symbol with no tier table; got ${describeValue(k)}`, k);
  }

  const parsed = accounts.map((a, i) => {
    try {
      return { acc: tiered.AccountSchema.parse(a), i };
    } catch {
      // the tiered model's validator names the field and value
      try {
        tiered.tieredMargin(a, {}, list);
      } catch (e) {
        if (e instanceof ValidationError) throw new ValidationError(`accounts[${i}]${e.field.startsWith('[') || e.field === '' ? '' : '.'}${e.field}`, e.rule, e.message.slice(e.field.length + 2), e.value);
        throw e;
      }
      throw new ValidationError(`accounts[${i}]`, 'schema', 'is not a valid account');
    }
  });
  let nUnits = 0;
  let nPos = 0;
  for (const { acc } of parsed) {
    nUnits += acc.mode === 'cross' ? (acc.positions.length > 0 ? 1 : 0) : acc.positions.length;
    nPos += acc.positions.length;
  }
  const book: VenueBook = {
    nAccounts: accounts.length,
    nUnits,
    nPositions: nPos,
    currencies,
    symbols: { names, inverse, currency, tierStart, tierCap: Float64Array.from(caps), tierRate: Float64Array.from(rates), tierAmount: Float64Array.from(amounts), sizeBrackets },
    accountFree: new Float64Array(accounts.length),
    accountCurrency: new Int32Array(accounts.length),
    unitAccount: new Int32Array(nUnits),
    unitWallet: new Float64Array(nUnits),
    unitCross: new Uint8Array(nUnits),
    unitPosStart: new Int32Array(nUnits + 1),
    posUnit: new Int32Array(nPos),
    posSymbol: new Int32Array(nPos),
    posSize: new Float64Array(nPos),
    posEntryV: new Float64Array(nPos),
    posEntryBasis: new Uint8Array(nPos),
    symStart: new Int32Array(nSym + 1),
    symHolders: new Int32Array(nPos),
  };
  let u = 0;
  let p = 0;
  for (const { acc, i } of parsed) {
    if (opts.venue !== undefined && (acc.feeRate ?? 0) > 0) {
      throw new ValidationError(`accounts[${i}].feeRate`, 'venue', `must be 0 with venue ${opts.venue}: the simulator reserves no fee to close in maintenance (its taker fee is config.takerFee); got ${describeValue(acc.feeRate)}`, acc.feeRate);
    }
    const basisOf = (symbol: string): number => {
      const b = Object.hasOwn(symbolBasis, symbol) ? symbolBasis[symbol] : opts.basis;
      return (acc.mode === 'cross' ? b?.cross : b?.isolated) === 'entry' ? 1 : 0;
    };
    const c = cur(acc.collateralCurrency);
    book.accountCurrency[i] = c;
    let allotted = 0;
    if (acc.mode === 'cross' && acc.positions.length > 0) {
      book.unitAccount[u] = i;
      book.unitWallet[u] = acc.walletBalance;
      book.unitCross[u] = 1;
      book.unitPosStart[u] = p;
      allotted = acc.walletBalance;
      u++;
    }
    acc.positions.forEach((pos, j) => {
      const at = (f: string) => `accounts[${i}].positions[${j}].${f}`;
      const s = symIndex.get(pos.symbol);
      if (s === undefined) throw new ValidationError(at('symbol'), 'unknown-symbol', `unknown symbol (no tier table); got ${describeValue(pos.symbol)}`, pos.symbol);
      const table = list[s]!;
      if (pos.contract !== table.contract) throw new ValidationError(at('contract'), 'table', `must be "${table.contract}" to match the tier table of ${pos.symbol}; got ${describeValue(pos.contract)}`, pos.contract);
      const expected = opts.symbolContract && Object.hasOwn(opts.symbolContract, pos.symbol) ? opts.symbolContract[pos.symbol] : opts.contract;
      if (expected !== undefined && table.contract !== expected) {
        throw new ValidationError(at('contract'), 'venue', `is ${table.contract} but the venue preset (${opts.venue ?? ''}) of ${pos.symbol} is for ${expected} contracts; got ${describeValue(pos.contract)}`, pos.contract);
      }
      if (table.settleCurrency !== acc.collateralCurrency) {
        throw new ValidationError(at('symbol'), 'currency', `settles in ${table.settleCurrency} but collateralCurrency is ${acc.collateralCurrency}; got ${describeValue(pos.symbol)}`, pos.symbol);
      }
      const signed = pos.side === undefined ? pos.qty : pos.side === 'long' ? pos.qty : -pos.qty;
      const size = signed * (pos.contractValue ?? table.contractValue);
      const ve = toV(inverse[s]!, pos.entryPrice);
      if (acc.mode === 'isolated') {
        const margin = pos.isolatedMargin ?? (Math.abs(size) * Math.abs(ve)) / pos.leverage;
        book.unitAccount[u] = i;
        book.unitWallet[u] = margin;
        book.unitCross[u] = 0;
        book.unitPosStart[u] = p;
        allotted += margin;
        u++;
      }
      book.posUnit[p] = u - 1;
      book.posSymbol[p] = s;
      book.posSize[p] = size;
      book.posEntryV[p] = ve;
      book.posEntryBasis[p] = basisOf(pos.symbol);
      p++;
    });
    const free = acc.walletBalance - allotted;
    if (free < -1e-9 * Math.max(1, acc.walletBalance)) {
      throw new ValidationError(`accounts[${i}].walletBalance`, 'isolated-margin', `must cover the isolated margins (${allotted}); got ${describeValue(acc.walletBalance)}`, acc.walletBalance);
    }
    book.accountFree[i] = Math.max(0, free);
  }
  book.unitPosStart[nUnits] = nPos;
  // symbol → holders (CSR, positions in index order)
  const counts = new Int32Array(nSym);
  for (let q = 0; q < nPos; q++) counts[book.posSymbol[q]!]!++;
  for (let s = 0; s < nSym; s++) book.symStart[s + 1] = book.symStart[s]! + counts[s]!;
  const fill = book.symStart.slice(0, nSym);
  for (let q = 0; q < nPos; q++) book.symHolders[fill[book.posSymbol[q]!]!++] = q;
  return book;
}
