// The programmatic API. The CLI is built on exactly these exports.
export { HeadroomError, ExitCode, invalidInput } from './core/errors.js';
export { parseDuration } from './core/duration.js';
