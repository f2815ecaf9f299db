import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { HeadroomError, ExitCode } from '../core/errors.js';
import type { Store } from '../store/store.js';
import type { RunDetail } from '../store/types.js';
import { WEB_DIST } from './static-files.js';

/** What the report page reads (web/src/data.ts ReportData). */
export interface ReportData {
  version: 1;
  generated_at: number;
  start: string;
  runs: RunDetail[];
}

/**
 * The page may not load anything: everything it needs is inline, and this policy makes
 * the browser refuse any request, so the report behaves the same offline and online.
 */
const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/** JSON that can sit inside a <script> element: `<` is escaped so `</script>` cannot end it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * One self-contained HTML file with the dashboard's JS, CSS and the runs' data inline,
 * opening on `start`. It makes no request, so it opens offline and can be attached to a
 * ticket or a capacity review.
 *
 * @example
 * writeFileSync('report.html', renderReport([await store.getRunDetail(id)], `#/run/${id}`));
 */
export function renderReport(runs: RunDetail[], start: string, webRoot = WEB_DIST): string {
  const indexPath = join(webRoot, 'index.html');
  if (!existsSync(indexPath)) {
    throw new HeadroomError('HR_E_NO_DASHBOARD', `report: the dashboard build is missing (${indexPath})`, ExitCode.internal,
      'run "npm run build" in the headroom package');
  }
  let html = readFileSync(indexPath, 'utf8');
  const script = /<script type="module"[^>]*src="\.?\/?([^"]+)"[^>]*><\/script>/.exec(html);
  if (!script) throw new HeadroomError('HR_E_NO_DASHBOARD', `report: no script in ${indexPath}`, ExitCode.internal, 'run "npm run build"');
  const js = readFileSync(join(webRoot, script[1]!), 'utf8').replace(/<\/script/gi, '<\\/script');
  // The module goes to the end of <body>, after the data element it reads.
  html = html.replace(script[0], '');
  html = html.replace(/<link rel="stylesheet"[^>]*href="\.?\/?([^"]+)"[^>]*>/, (_m, href: string) =>
    `<style>${readFileSync(join(webRoot, href), 'utf8').replace(/<\/style/gi, '<\\/style')}</style>`);
  const data: ReportData = { version: 1, generated_at: Date.now(), start, runs };
  const title = runs.length === 1 ? `headroom ${runs[0]!.run.kind} ${runs[0]!.run.id}` : `headroom: ${runs.map((r) => r.run.id).join(' vs ')}`;
  html = html
    .replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`)
    .replace(/<title>[^<]*<\/title>/, `<title>${title.replace(/[<&]/g, '')}</title>`)
    // A function, not a string, as replacement: the bundle may contain `$&` and the like.
    .replace('</body>', () => `<script id="headroom-data" type="application/json">${scriptJson(data)}</script>\n<script type="module">${js}</script>\n</body>`);
  return html;
}

/**
 * The report of one run (or two, compared), read from the store.
 *
 * @example
 * const html = await reportFromStore(store, '20261122-0401', undefined);
 */
export async function reportFromStore(store: Store, id: string, compareWith?: string): Promise<{ html: string; runIds: string[] }> {
  const a = await store.getRunDetail(id);
  if (!compareWith) {
    const start = a.run.kind === 'squeeze' ? `#/squeeze/${a.run.id}` : `#/run/${a.run.id}`;
    return { html: renderReport([a], start), runIds: [a.run.id] };
  }
  const b = await store.getRunDetail(compareWith);
  return { html: renderReport([a, b], `#/compare/${a.run.id}/${b.run.id}`), runIds: [a.run.id, b.run.id] };
}
