#!/usr/bin/env node
// `npx stratus` / `stratus`: runs the TypeScript CLI through tsx (no build step).
import { tsImport } from 'tsx/esm/api';

const { runCli } = await tsImport('../src/main.ts', import.meta.url);
process.exitCode = await runCli(process.argv.slice(2));
