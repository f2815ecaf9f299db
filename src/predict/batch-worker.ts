// Worker thread entry for forecastBatch: forecasts its share of rows and posts them back.
import { parentPort, workerData } from 'node:worker_threads';
import { forecastRows, type BatchOptions } from './batch.js';
import type { BatchRow } from '../core/forecast/series-parse.js';

const { rows, opts } = workerData as { rows: BatchRow[]; opts: BatchOptions };
parentPort!.postMessage(forecastRows(rows, opts));
