// A PostgreSQL database of a test's own, made on the server at adminUrl and dropped after.
import { randomBytes } from 'node:crypto';

export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: postgres } = await import('postgres');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = () => postgres(adminUrl, { max: 1, onnotice: () => undefined });
  const creator = admin();
  await creator.unsafe(`CREATE DATABASE "${name}"`);
  await creator.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = admin();
      await dropper.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await dropper.end();
    },
  };
}
