#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072 node --max-semi-space-size=1 --heap-growing-percent=25
// Launcher: the compiled CLI lives in dist/, built by `npm ci` (the package's
// `prepare` script) or `npm run build`.
import '../dist/src/bin.js';
