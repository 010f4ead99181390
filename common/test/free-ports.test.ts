import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { freePorts } from '../src/testing/nats-server';

describe('freePorts', () => {
  it('gives distinct ports that can all be bound afterwards', async () => {
    const ports = await freePorts(20);
    assert.equal(new Set(ports).size, 20);
    const servers = await Promise.all(ports.map((port) => new Promise<net.Server>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => resolve(srv));
    })));
    await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
  });
});
