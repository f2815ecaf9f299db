import { autoEts, etsCandidates, etsForecast, fitEtsModel, refitEts, type EtsFit } from './ets.js';
import { fitTheta, thetaForecast, type ThetaFit } from './theta.js';
import { mstl } from './stl.js';
import { calendarForecast, fitCalendar, type CalendarFit } from './calendar-regression.js';
import type { ForecastContext } from './context.js';

/**
 * The model set behind `headroom predict`, each behind one interface so that the
 * backtest and the combination treat them alike. `fit` may be given the state of an
 * earlier fit (`reuse`) to keep its parameters and only re-run the recursions: what a
 * rolling-origin backtest needs to stay cheap.
 */
export interface FittedModel {
  /** Model-specific description, e.g. the ETS form chosen. */
  detail: string;
  state: unknown;
  forecast(h: number): Float64Array;
}

export interface ModelDef {
  name: ModelName;
  /** Fewest observations the model needs. */
  minLength(ctx: ForecastContext): number;
  /** Whether the model makes sense for this context at all (default: yes). */
  applies?(ctx: ForecastContext): boolean;
  fit(y: Float64Array, ctx: ForecastContext, reuse?: unknown): FittedModel;
}

export type ModelName = 'snaive' | 'snaive-long' | 'ets' | 'theta' | 'mstl' | 'calendar';
export const MODEL_NAMES: ModelName[] = ['snaive', 'snaive-long', 'ets', 'theta', 'mstl', 'calendar'];

const shortPeriod = (ctx: ForecastContext) => ctx.periods[0] ?? 1;
/** ETS's own seasonal period: the shortest, when R's ets() would accept it (≤ 24). */
const etsPeriod = (ctx: ForecastContext) => ctx.periods.find((p) => p <= 24) ?? 1;

/** Repeats the last cycle of `period` points (capped at the history's length). */
function seasonalNaive(y: Float64Array, period: number): FittedModel {
  const m = Math.min(period, y.length);
  return {
    detail: `seasonal naive (m=${m})`,
    state: null,
    forecast(h) {
      const out = new Float64Array(h);
      for (let j = 0; j < h; j++) out[j] = y[y.length - m + (j % m)]!;
      return out;
    },
  };
}

/** Seasonal naive (FPP3 §5.2): the value one short cycle earlier. */
const snaive: ModelDef = {
  name: 'snaive',
  minLength: (ctx) => shortPeriod(ctx),
  fit(y, ctx) {
    return seasonalNaive(y, shortPeriod(ctx));
  },
};

/**
 * Reuse: `EtsFit` keeps parameters (backtest origins); `{ warm: EtsFit }` re-optimises the
 * same model from those parameters (the final fit on the whole history).
 */
function fitOrReuse(y: Float64Array, m: number, reuse: unknown, optimiseSeason = false): EtsFit {
  if (reuse && typeof reuse === 'object' && 'warm' in reuse) {
    const w = (reuse as { warm: EtsFit }).warm;
    return fitEtsModel(y, w.m, w.spec, 60, w) ?? refitEts(w, y);
  }
  return reuse ? refitEts(reuse as EtsFit, y) : autoEts(y, m, etsCandidates(y, m), optimiseSeason);
}

/** Seasonal naive on the longest period (last week's same hour), when there are two. */
const snaiveLong: ModelDef = {
  name: 'snaive-long',
  minLength: (ctx) => ctx.periods[ctx.periods.length - 1] ?? 1,
  applies: (ctx) => ctx.periods.length > 1,
  fit(y, ctx) {
    return seasonalNaive(y, ctx.periods[ctx.periods.length - 1] ?? 1);
  },
};

function describeEts(f: EtsFit): string {
  return `ETS(${f.spec.error},${f.spec.trend},${f.spec.season})${f.spec.season !== 'N' ? ` m=${f.m}` : ''}`;
}

const ets: ModelDef = {
  name: 'ets',
  minLength: () => 8,
  fit(y, ctx, reuse) {
    const m = etsPeriod(ctx);
    // Initial seasonal states optimised as R does, except in fleet (fast) mode.
    const fit = fitOrReuse(y, y.length >= 2 * m + 2 ? m : 1, reuse, !ctx.fast);
    return { detail: describeEts(fit), state: fit, forecast: (h) => etsForecast(fit, h) };
  },
};

const theta: ModelDef = {
  name: 'theta',
  minLength: () => 8,
  fit(y, ctx, reuse) {
    const fit = fitTheta(y, etsPeriod(ctx) > 1 ? etsPeriod(ctx) : shortPeriod(ctx), reuse as ThetaFit | undefined);
    return { detail: `theta${fit.season ? ` (seasonally adjusted, m=${fit.m})` : ''}`, state: fit, forecast: (h) => thetaForecast(fit, h) };
  },
};

/**
 * MSTL + ETS on the seasonally adjusted series, seasonal components carried forward by
 * their last cycle: R's forecast::stlf() (method "ets", etsmodel "ZZN").
 */
const mstlModel: ModelDef = {
  name: 'mstl',
  minLength: (ctx) => 2 * shortPeriod(ctx) + 2,
  fit(y, ctx, reuse) {
    const dec = mstl(y, ctx.periods);
    const prev = reuse as EtsFit | undefined;
    const fit = fitOrReuse(dec.adjusted, 1, prev);
    return {
      detail: `MSTL(${dec.periods.join(',') || 'none'}) + ${describeEts(fit)}`,
      state: fit,
      forecast(h) {
        const out = etsForecast(fit, h);
        dec.seasonals.forEach((s, i) => {
          const p = dec.periods[i]!;
          for (let j = 0; j < h; j++) out[j] = out[j]! + s[y.length - p + (j % p)]!;
        });
        return out;
      },
    };
  },
};

const calendar: ModelDef = {
  name: 'calendar',
  minLength: (ctx) => 2 * shortPeriod(ctx),
  fit(y, ctx, reuse) {
    const fit = fitCalendar(y, ctx, reuse as CalendarFit | undefined);
    return { detail: `calendar regression (${fit.layout.p} features)`, state: fit, forecast: (h) => calendarForecast(fit, ctx, h) };
  },
};

export const MODELS: Record<ModelName, ModelDef> = { snaive, 'snaive-long': snaiveLong, ets, theta, mstl: mstlModel, calendar };
