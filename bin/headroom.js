#!/usr/bin/env node
// Thin launcher: the CLI lives in src/cli (compiled to dist/src/cli).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
