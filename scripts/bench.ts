// `npm run bench` (through scripts/bootstrap.mjs): the benchmark's entry; the work is in bench/src.
import { main } from '../bench/src/main.ts';

process.exitCode = await main(process.argv.slice(2));
