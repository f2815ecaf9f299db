import { invalidInput } from '../core/errors.js';
import { registerCommand } from './main.js';
import { runForecast, FORECAST_USAGE } from './predict-forecast.js';
import { runBacktest, BACKTEST_USAGE } from './predict-backtest.js';
import { runPlan, PLAN_USAGE } from './predict-plan.js';

// `headroom predict <forecast|backtest|plan>`: demand forecasting and capacity plans.
registerCommand({
  name: 'predict',
  summary: 'forecast demand with calibrated intervals, backtest it, and turn it into a capacity plan',
  usage: ['usage: headroom predict <forecast|backtest|plan> [flags]', '', FORECAST_USAGE, '', BACKTEST_USAGE, '', PLAN_USAGE].join('\n'),
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'forecast') return runForecast(rest, io);
    if (sub === 'backtest') return runBacktest(rest, io);
    if (sub === 'plan') return runPlan(rest, io);
    throw invalidInput('HR_E_USAGE', `headroom predict: expected a subcommand forecast, backtest or plan, got "${sub ?? ''}"`, 'see "headroom help predict"');
  },
});
