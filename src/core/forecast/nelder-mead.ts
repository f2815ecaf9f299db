/**
 * Nelder–Mead simplex minimisation (Nelder & Mead 1965, "A simplex method for function
 * minimization", Computer Journal 7:308–313), with the standard coefficients
 * (reflection 1, expansion 2, contraction 0.5, shrink 0.5) as R's optim() uses. Bounds are
 * handled by the objective returning a large value, as R's ets() does.
 */

export interface NelderMeadResult {
  x: Float64Array;
  f: number;
  evals: number;
}

/**
 * Minimises `fn` from `x0`; the initial simplex steps each coordinate by `step[i]`.
 * Stops when the spread of the simplex values falls under `reltol` (relative, as optim)
 * or after `maxEval` evaluations.
 *
 * @example
 * nelderMead((x) => (x[0]! - 1) ** 2, Float64Array.from([0]), Float64Array.from([0.5])).x[0] // ≈ 1
 */
export function nelderMead(
  fn: (x: Float64Array) => number,
  x0: Float64Array,
  step: Float64Array,
  maxEval = 500,
  reltol = 1e-8,
): NelderMeadResult {
  const d = x0.length;
  const pts: Float64Array[] = [];
  const fs = new Float64Array(d + 1);
  for (let i = 0; i <= d; i++) {
    const p = Float64Array.from(x0);
    if (i > 0) p[i - 1] = p[i - 1]! + step[i - 1]!;
    pts.push(p);
    fs[i] = fn(p);
  }
  let evals = d + 1;
  const order = new Int32Array(d + 1);
  const c = new Float64Array(d);
  const xr = new Float64Array(d);
  const xe = new Float64Array(d);
  const xc = new Float64Array(d);
  while (evals < maxEval) {
    for (let i = 0; i <= d; i++) order[i] = i;
    order.sort((a, b) => fs[a]! - fs[b]!);
    const best = order[0]!;
    const worst = order[d]!;
    const second = order[d - 1]!;
    const fb = fs[best]!;
    const fw = fs[worst]!;
    if (Math.abs(fw - fb) <= reltol * (Math.abs(fb) + reltol)) break;
    c.fill(0);
    for (let i = 0; i <= d; i++) {
      if (i === worst) continue;
      const p = pts[i]!;
      for (let k = 0; k < d; k++) c[k] = c[k]! + p[k]! / d;
    }
    const pw = pts[worst]!;
    for (let k = 0; k < d; k++) xr[k] = c[k]! + (c[k]! - pw[k]!);
    const fr = fn(xr);
    evals++;
    if (fr < fb) {
      for (let k = 0; k < d; k++) xe[k] = c[k]! + 2 * (c[k]! - pw[k]!);
      const fe = fn(xe);
      evals++;
      if (fe < fr) {
        pw.set(xe);
        fs[worst] = fe;
      } else {
        pw.set(xr);
        fs[worst] = fr;
      }
    } else if (fr < fs[second]!) {
      pw.set(xr);
      fs[worst] = fr;
    } else {
      // Contraction: outside when the reflection improved on the worst, inside otherwise.
      const outside = fr < fw;
      for (let k = 0; k < d; k++) xc[k] = outside ? c[k]! + 0.5 * (xr[k]! - c[k]!) : c[k]! + 0.5 * (pw[k]! - c[k]!);
      const fc = fn(xc);
      evals++;
      if (fc < (outside ? fr : fw)) {
        pw.set(xc);
        fs[worst] = fc;
      } else {
        const pb = pts[best]!;
        for (let i = 0; i <= d; i++) {
          if (i === best) continue;
          const p = pts[i]!;
          for (let k = 0; k < d; k++) p[k] = pb[k]! + 0.5 * (p[k]! - pb[k]!);
          fs[i] = fn(p);
          evals++;
        }
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= d; i++) if (fs[i]! < fs[bi]!) bi = i;
  return { x: pts[bi]!, f: fs[bi]!, evals };
}
