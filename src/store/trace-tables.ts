/**
 * The trace tables (`headroom trace`), as plain SQL statements in order: migration 4 of
 * the store (schema.ts), so one store file holds runs, forecasts and trace records under one
 * schema version. Every statement is idempotent (IF NOT EXISTS): a file whose trace tables
 * were made before this migration existed takes it without change.
 * Times are epoch milliseconds (DOUBLE): detectors do arithmetic on them, and sub-ms
 * precision matters for spans.
 */
export const TRACE_TABLES_SQL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS trace_imports (
    id INTEGER PRIMARY KEY,
    source VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    records BIGINT NOT NULL,
    bad BIGINT NOT NULL,
    bad_samples VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS trace_requests (
    import_id INTEGER NOT NULL,
    id BIGINT NOT NULL,
    ts DOUBLE NOT NULL,
    client VARCHAR NOT NULL,
    service VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    route VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    query VARCHAR NOT NULL,
    status SMALLINT NOT NULL,
    latency_ms DOUBLE,
    bytes BIGINT,
    req_bytes BIGINT,
    request_id VARCHAR,
    trace_id VARCHAR,
    span_id VARCHAR,
    parent_id VARCHAR,
    kind VARCHAR NOT NULL,
    body_hash VARCHAR,
    req_hash VARCHAR,
    cache_control VARCHAR,
    etag VARCHAR,
    expires VARCHAR,
    last_modified VARCHAR,
    user_agent VARCHAR,
    ref VARCHAR NOT NULL,
    counted BOOLEAN NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS trace_findings (
    reported_at TIMESTAMP NOT NULL,
    detector VARCHAR NOT NULL,
    client VARCHAR NOT NULL,
    endpoint VARCHAR NOT NULL,
    count BIGINT NOT NULL,
    saved_rps DOUBLE NOT NULL,
    saved_bps DOUBLE NOT NULL,
    severity VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    evidence VARCHAR NOT NULL
  )`,
];

/**
 * Migration 5: what the stored findings were computed from, so the dashboard can serve them
 * instead of running the detectors again. `seq` keeps the findings in their ranked order.
 * `trace_findings_basis` holds at most one row: the trace state (imports, last import id and
 * records per trace_imports) when the findings were computed, the report's filter (NULL: none)
 * and its totals as JSON. Findings whose basis differs from the store's state now are stale.
 */
export const TRACE_FINDINGS_BASIS_SQL: readonly string[] = [
  `ALTER TABLE trace_findings ADD COLUMN seq INTEGER DEFAULT 0`,
  `CREATE TABLE trace_findings_basis (
    imports BIGINT NOT NULL,
    last_import BIGINT NOT NULL,
    records BIGINT NOT NULL,
    client VARCHAR,
    since DOUBLE,
    totals VARCHAR NOT NULL
  )`,
];
