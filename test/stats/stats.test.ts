import { describe, expect, it } from 'vitest';
import { chiSquareSf, erfc, normalCdf, normalQuantile, studentTCdf, studentTQuantile } from '../../src/stats/index.js';

// erfc reference values from an independent implementation (CPython's math.erfc, libm)
const ERFC: Array<[number, number]> = [
  [-5.5, 1.9999999999999927],
  [-3.1, 1.9999883513426329],
  [-1.0, 1.842700792949715],
  [-0.25, 1.276326390168237],
  [0.0, 1.0],
  [0.0078125, 0.9911847171048208],
  [0.123456, 0.8613993317690691],
  [0.5, 0.4795001221869535],
  [0.9999, 0.15734072195124052],
  [1.7, 0.016209541409225436],
  [1.99, 0.004888586800383003],
  [2.0, 0.004677734981047265],
  [2.4, 0.0006885138966450789],
  [3.33, 2.485309868744465e-06],
  [4.2, 2.8554941795921843e-09],
  [5.9, 7.190409783550478e-17],
  [7.5, 2.776649386030569e-26]
];

describe('distribution functions', () => {
  it('erfc agrees with an independent erfc to 1e-14 relative across its range', () => {
    for (const [x, v] of ERFC) expect(Math.abs(erfc(x) - v)).toBeLessThanOrEqual(1e-14 * v + 1e-300);
  });

  it('normal quantile and cdf are inverse and match the textbook points', () => {
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 14);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    for (const p of [1e-8, 0.001, 0.3, 0.5, 0.77, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
  });

  it('Student-t matches table values (t_{0.975,10} = 2.228139, t_{0.99,3} = 4.540703)', () => {
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 9);
    expect(studentTQuantile(0.99, 3)).toBeCloseTo(4.540702858698419, 9);
    expect(studentTCdf(0, 7)).toBe(0.5);
  });

  it('chi-square survival: 3.841459 is the 5 % point with 1 degree of freedom, 5.991465 with 2', () => {
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSf(5.991464547107979, 2)).toBeCloseTo(0.05, 12);
  });
});
