#!/usr/bin/env node
// Thin executable: all logic lives in src/cli (compiled to dist/cli by `npm run build`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
