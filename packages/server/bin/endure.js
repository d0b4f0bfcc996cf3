#!/usr/bin/env node
// The `endure` command: see packages/server/src/cli.
import '../dist/src/cli/main.js';
