// One import per command; each command file registers itself. Keep this list sorted.
import './demo.js';
import './report.js';
import './run.js';
import './serve.js';
import './squeeze.js';
