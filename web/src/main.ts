import './style.css';
import { apiSource, embeddedReport, reportSource, type DataSource } from './data.js';
import { h } from './dom.js';
import { charts } from './charts.js';
import { comparePage } from './pages/compare.js';
import { runPage } from './pages/run.js';
import { runsPage } from './pages/runs.js';
import { squeezePage } from './pages/squeeze.js';
import { forecastPage, planPage, predictListPage } from './pages/predict.js';
import { tracePage } from './pages/trace.js';

/**
 * The dashboard: hash routes (so the same bundle works served and as a file:// report).
 *   #/  runs        #/run/ID        #/squeeze/ID        #/compare/A/B
 *   #/predict       #/forecast/ID   #/plan/ID           #/trace?client&since&top
 */
const report = embeddedReport();
const src: DataSource = report ? reportSource(report) : apiSource;
const app = document.getElementById('app')!;
document.getElementById('mode')!.textContent = report ? `report · ${new Date(report.generated_at).toISOString().slice(0, 16)}Z` : 'live';

async function route(): Promise<void> {
  document.body.dataset.ready = '0';
  for (const c of charts.splice(0)) c.destroy();
  const hash = location.hash || (report ? report.start : '#/');
  const [path, qs] = hash.slice(1).split('?');
  const parts = (path ?? '/').split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === 'run' && parts[1]) await runPage(app, src, parts[1]);
    else if (parts[0] === 'squeeze' && parts[1]) await squeezePage(app, src, parts[1]);
    else if (parts[0] === 'compare' && parts[1] && parts[2]) await comparePage(app, src, parts[1], parts[2]);
    else if (parts[0] === 'predict') await predictListPage(app);
    else if (parts[0] === 'forecast' && parts[1]) await forecastPage(app, parts[1]);
    else if (parts[0] === 'plan' && parts[1]) await planPage(app, parts[1]);
    else if (parts[0] === 'trace') await tracePage(app, new URLSearchParams(qs ?? ''));
    else await runsPage(app, src, new URLSearchParams(qs ?? ''));
  } catch (e) {
    const err = e as Error & { code?: string };
    app.replaceChildren(h('p', { class: 'error' }, `${err.message}${err.code ? ` [${err.code}]` : ''}`));
  }
  document.body.dataset.ready = '1';
}

window.addEventListener('hashchange', () => void route());
void route();
