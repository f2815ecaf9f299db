/**
 * A finding: one pattern of wasteful load from one client on one endpoint, with the
 * evidence (record refs such as `access.log:812`) and the load it would save.
 */
export type Detector =
  | 'duplicate'
  | 'n_plus_1'
  | 'polling'
  | 'retry_storm'
  | 'oversized'
  | 'cache_refetch'
  | 'error_heavy';

export type Severity = 'high' | 'medium' | 'low';

export interface Finding {
  detector: Detector;
  client: string;
  /** `METHOD route`, or the route alone for non-HTTP spans. */
  endpoint: string;
  /** How many requests show the pattern (for N+1: calls in the fan-outs). */
  count: number;
  /** Requests per second that fixing it would save, averaged over the analysed period. */
  saved_rps: number;
  /** Response bytes per second that fixing it would save. */
  saved_bps: number;
  severity: Severity;
  /** One line for humans: what was seen. */
  summary: string;
  /** Up to 5 refs of records that show it. */
  evidence: string[];
}

/**
 * Severity by the share of the total load the finding would save: ≥5% high, ≥1% medium,
 * else low. Whichever of the request and byte shares is larger counts.
 *
 * @example
 * severityOf(5, 0, 100, 1e6) // 'high'
 */
export function severityOf(savedRps: number, savedBps: number, totalRps: number, totalBps: number): Severity {
  const share = Math.max(totalRps > 0 ? savedRps / totalRps : 0, totalBps > 0 ? savedBps / totalBps : 0);
  if (share >= 0.05) return 'high';
  if (share >= 0.01) return 'medium';
  return 'low';
}

/** Thresholds of the detectors, with the defaults `headroom trace report` uses. */
export interface DetectorConfig {
  /** Two identical requests closer than this are a duplicate (ms). */
  duplicateWindowMs: number;
  /** Fewest calls to one route under one parent (or in one burst) that count as N+1. */
  nPlusOneMin: number;
  /** Gap that ends a burst of calls from one client (ms), for sources without parent ids. */
  burstGapMs: number;
  /** Fewest requests to one URL before regularity is judged as polling. */
  pollingMin: number;
  /** A retry comes within this long after an error response (ms). */
  retryWindowMs: number;
  /** Fewest retries in a row that make a storm. */
  retryMin: number;
  /** Responses larger than this are oversized (bytes). */
  oversizedBytes: number;
  /** Fewest oversized responses from one client on one endpoint (one big download is not a pattern). */
  oversizedMin: number;
  /** Fewest requests from a client before its error share is judged. */
  errorMinRequests: number;
  /** Error share (4xx, 5xx, no response) that makes a client error-heavy. */
  errorShare: number;
}

export const DEFAULT_DETECTOR_CONFIG: DetectorConfig = {
  duplicateWindowMs: 2000,
  nPlusOneMin: 5,
  burstGapMs: 1000,
  pollingMin: 8,
  retryWindowMs: 60_000,
  retryMin: 3,
  oversizedBytes: 1024 * 1024,
  oversizedMin: 3,
  errorMinRequests: 20,
  errorShare: 0.25,
};
