// drizzle-kit: `flock /tmp/stratus-migrations.lock npx drizzle-kit generate --config control-plane/drizzle.config.ts`
// (from the repository root). Every src/**/schema.ts contributes tables; the migrations are
// committed under control-plane/drizzle/ and applied at start by the control plane (both drivers).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'drizzle-kit';

// Relative to where drizzle-kit runs: with an absolute `out` it prefixes './' when reading the
// existing snapshots and fails. This works from the repository root and from control-plane/.
const here = path.relative(process.cwd(), path.dirname(fileURLToPath(import.meta.url))) || '.';

export default defineConfig({
  dialect: 'postgresql',
  schema: `${here}/src/**/schema.ts`,
  out: `${here}/drizzle`,
});
