/**
 * Solves A x = b for a symmetric positive-definite A (row-major p×p) by Cholesky
 * factorisation in place (Golub & Van Loan, "Matrix Computations", Alg. 4.2.1).
 * Returns false when A is not positive definite.
 *
 * @example
 * const x = Float64Array.from([1, 2]); solveSpd(Float64Array.from([2, 0, 0, 4]), x, 2); // x = [0.5, 0.5]
 */
export function solveSpd(a: Float64Array, b: Float64Array, p: number): boolean {
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j]!;
    for (let k = 0; k < j; k++) d -= a[j * p + k]! * a[j * p + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j]!;
      for (let k = 0; k < j; k++) s -= a[i * p + k]! * a[j * p + k]!;
      a[i * p + j] = s / ljj;
    }
  }
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * p + k]! * b[k]!;
    b[i] = s / a[i * p + i]!;
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < p; k++) s -= a[k * p + i]! * b[k]!;
    b[i] = s / a[i * p + i]!;
  }
  return true;
}
