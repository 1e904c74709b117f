#!/usr/bin/env node
// Launcher: the compiled CLI lives in dist/, built by `npm ci` (the package's
// `prepare` script) or `npm run build`.
import '../dist/src/bin.js';
