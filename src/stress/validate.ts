/** Integer apportionment for the default waterfall (internal to the stress module). */
/**
 * Splits the integer `total` into integer parts proportional to `weights` (largest-remainder method,
 * ties to the lower index); the parts sum to `total` exactly. Weights ≥ 0; all-zero weights split equally.
 * When weights are integer caps and total ≤ Σ caps, no part exceeds its cap.
 */
export function apportion(total: number, weightsIn: ArrayLike<number>): number[] {
  const n = weightsIn.length;
  let wsum = 0;
  for (let i = 0; i < n; i++) wsum += weightsIn[i];
  const weights = wsum > 0 ? weightsIn : new Array<number>(n).fill(1);
  if (!(wsum > 0)) wsum = n;
  const parts = new Array<number>(n).fill(0);
  if (total === 0 || n === 0) return parts;
  const frac = new Array<number>(n).fill(0);
  let given = 0;
  for (let i = 0; i < n; i++) {
    const x = (total * weights[i]) / wsum;
    parts[i] = Math.floor(x);
    frac[i] = x - parts[i];
    given += parts[i];
  }
  let left = total - given;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => frac[b] - frac[a] || a - b);
  // Rounding of total·w/W can leave |left| slightly off its ideal range; walk the order until exact.
  for (let j = 0; left > 0; j = (j + 1) % n) {
    if (weights[order[j]] > 0) {
      parts[order[j]]++;
      left--;
    }
  }
  for (let j = n - 1; left < 0; j = (j - 1 + n) % n) {
    if (parts[order[j]] > 0) {
      parts[order[j]]--;
      left++;
    }
  }
  return parts;
}
