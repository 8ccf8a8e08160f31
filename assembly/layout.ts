// The instrument-table layout shared by the revaluation and grid kernels (contract with
// src/kernels/reval/wasm.ts TABLE_COLUMNS and the KIND codes of src/kernels/reval/ts.ts).

export const C_KIND: i32 = 0;
export const C_UNDERLYING: i32 = 1;
export const C_QUANTITY: i32 = 2;
export const C_SIZE: i32 = 3;
export const C_PRICE: i32 = 4;
export const C_STRIKE: i32 = 5;
export const C_EXPIRY: i32 = 6;
export const C_VOL: i32 = 7;
export const C_RATE: i32 = 8;
export const C_CARRY: i32 = 9;
export const C_CALLPUT: i32 = 10;
export const C_VOLSCALE: i32 = 11;

export const K_INVERSE_FUTURE: f64 = 3;
export const K_INVERSE_PERP: f64 = 4;
export const K_OPTION_LINEAR: f64 = 5;
export const K_OPTION_INVERSE: f64 = 6;

/** MIN_TOTAL_VOL of src/kernels/reval/black.ts: below it an option is worth its discounted intrinsic value. */
export const MIN_TOTAL_VOL: f64 = 1e-12;
