import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { LedgerReads } from '../app/ports.js';
import { healthRoutes } from './health.routes.js';

describe('/readyz while the integrity watch has not finished its first cycle (issue 13)', () => {
  it('answers 503 "verifying", and /healthz answers meanwhile', async () => {
    const app = Fastify();
    const reads = {
      logSize: async () => 7,
      latestCheckpoint: async () => undefined,
    } as unknown as LedgerReads;
    await app.register(healthRoutes({ reads, integrity: { latest: () => undefined } }));
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'verifying' });
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    await app.close();
  });
});
