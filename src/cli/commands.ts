// One import per command; each command file registers itself. Keep this list sorted.
import './demo.js';
import './trace.js';
