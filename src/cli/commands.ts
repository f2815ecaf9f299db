// One import per command; each command file registers itself. Keep this list sorted.
import './demo.js';
import './predict.js';
import './run.js';
import './trace.js';
import './squeeze.js';
import './report.js';
import './run.js';
import './serve.js';
import './squeeze.js';
