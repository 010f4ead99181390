import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import Fastify from 'fastify';
import { registerLiveRoutes } from '../src/live/index';

test('closing the gateway ends open live streams instead of waiting on them', async () => {
  // Arrange: a gateway app with the live route and one client following it.
  const app = Fastify({ logger: false });
  registerLiveRoutes(app, { getNats: () => undefined } as never);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const streamEnded = new Promise<void>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/api/v1/live' }, (res) => {
      assert.equal(res.statusCode, 200);
      res.resume();
      res.on('end', resolve);
      res.on('error', reject);
    }).on('error', reject);
  });
  await new Promise((r) => setTimeout(r, 200));

  // Act: close while the stream is open.
  const closed = app.close().then(() => 'closed');
  const outcome = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 5_000))]);

  // Assert
  assert.equal(outcome, 'closed');
  await streamEnded;
});
