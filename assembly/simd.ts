// SIMD helpers shared by the kernels. Two builds compile from the same source:
//   build/core.wasm          --enable simd                 (strict: separate multiply and add)
//   build/core-relaxed.wasm  --enable simd,relaxed-simd    (fused multiply-add where the runtime fuses)
// ASC_FEATURE_RELAXED_SIMD is a compile-time constant, so each build contains only one branch.
// Contract: results are deterministic within a build for any thread count; the two builds agree
// within rounding (FMA skips one rounding per multiply-add), not bit for bit.

/** a·b + c on two f64 lanes: fused in the relaxed build, multiply-then-add in the strict build. */
// @ts-ignore: decorator
@inline export function madd2(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(f64x2.mul(a, b), c);
}

/** Whether this build fuses multiply-add (exported so the loader can report which build runs). */
export function fusedMultiplyAdd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
