import type { SecondSample } from '../../src/core/load-types.js';
import type { RunComparison } from '../../src/core/compare-runs.js';
import { compareRuns } from '../../src/core/compare-runs.js';
import type { RunDetail, RunRecord, SqueezeResultRecord, SqueezeStepRecord, StoredHistograms } from '../../src/store/types.js';

export type { RunDetail, RunRecord, SecondSample, SqueezeResultRecord, SqueezeStepRecord, RunComparison };

/** The data a self-contained report carries inline (`headroom report`). */
export interface ReportData {
  version: 1;
  generated_at: number;
  /** The route the report opens on, e.g. `#/run/ID`. */
  start: string;
  runs: RunDetail[];
}

export interface LiveHandlers {
  onSeconds(samples: SecondSample[]): void;
  onRun(run: RunRecord): void;
  onEnd(run: RunRecord): void;
}

/** Where the pages get their data: the server's API, or the data inlined in a report. */
export interface DataSource {
  offline: boolean;
  listRuns(query: string): Promise<RunRecord[]>;
  run(id: string): Promise<{ run: RunRecord; histograms: StoredHistograms }>;
  series(id: string): Promise<SecondSample[]>;
  squeeze(id: string): Promise<{ steps: SqueezeStepRecord[]; result: SqueezeResultRecord | null }>;
  compare(a: string, b: string): Promise<{ a: RunRecord; b: RunRecord; comparison: RunComparison }>;
  /** Subscribes to a running run's new seconds; returns the unsubscribe function. */
  live(id: string, after: number, h: LiveHandlers): () => void;
  launch(kind: 'run' | 'squeeze', body: { url: string; options: Record<string, string | number | boolean> }): Promise<string>;
}

export class ApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, init);
  const body = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new ApiError(body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? res.statusText);
  return body;
}

export const apiSource: DataSource = {
  offline: false,
  listRuns: async (q) => (await getJson<{ runs: RunRecord[] }>(`api/runs${q ? `?${q}` : ''}`)).runs,
  run: (id) => getJson(`api/runs/${encodeURIComponent(id)}`),
  series: (id) => getJson(`api/runs/${encodeURIComponent(id)}/series`),
  squeeze: (id) => getJson(`api/runs/${encodeURIComponent(id)}/squeeze`),
  compare: (a, b) => getJson(`api/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`),
  live(id, after, h) {
    const es = new EventSource(`api/runs/${encodeURIComponent(id)}/live?after=${after}`);
    es.addEventListener('seconds', (e) => h.onSeconds(JSON.parse((e as MessageEvent<string>).data) as SecondSample[]));
    es.addEventListener('run', (e) => h.onRun(JSON.parse((e as MessageEvent<string>).data) as RunRecord));
    es.addEventListener('end', (e) => {
      es.close();
      h.onEnd(JSON.parse((e as MessageEvent<string>).data) as RunRecord);
    });
    return () => es.close();
  },
  async launch(kind, body) {
    const r = await getJson<{ run_id: string }>(kind === 'run' ? 'api/runs' : 'api/squeezes', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    return r.run_id;
  },
};

/** A data source over the runs inlined in a report: everything is already here, nothing is fetched. */
export function reportSource(data: ReportData): DataSource {
  const find = (id: string): RunDetail => {
    const d = data.runs.find((r) => r.run.id === id);
    if (!d) throw new ApiError('HR_E_RUN_NOT_FOUND', `run ${id} is not in this report`);
    return d;
  };
  return {
    offline: true,
    listRuns: async () => data.runs.map((d) => d.run),
    run: async (id) => ({ run: find(id).run, histograms: find(id).histograms }),
    series: async (id) => find(id).series,
    squeeze: async (id) => find(id).squeeze ?? { steps: [], result: null },
    compare: async (a, b) => {
      const [da, db] = [find(a), find(b)];
      return {
        a: da.run, b: db.run,
        comparison: compareRuns(
          { summary: da.run.summary, capacity_rps: da.squeeze?.result?.capacity_rps ?? null },
          { summary: db.run.summary, capacity_rps: db.squeeze?.result?.capacity_rps ?? null }),
      };
    },
    live: () => () => {},
    launch: async () => {
      throw new ApiError('HR_E_NOT_AVAILABLE', 'a report is read-only');
    },
  };
}

/** The report's inline data, when this page is a report. */
export function embeddedReport(): ReportData | null {
  const el = document.getElementById('headroom-data');
  return el?.textContent ? (JSON.parse(el.textContent) as ReportData) : null;
}
