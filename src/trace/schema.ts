/**
 * The trace tables now belong to the store's versioned migrations (migration 4,
 * src/store/trace-tables.ts); this name stays for the code and users that import it.
 */
export { TRACE_TABLES_SQL as TRACE_SCHEMA } from '../store/trace-tables.js';
