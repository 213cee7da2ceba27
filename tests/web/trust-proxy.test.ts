// Per-IP limits behind a proxy: by default X-Forwarded-For is ignored (anyone can send it) and the socket address
// counts; with TRUST_PROXY (addresses or a hop count) the forwarded client address counts, so users behind one TLS
// proxy get a budget each. Real HTTP over a socket to the real web stack; the hop count on a bare hapi server.
import Hapi from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './support/world.ts';
import { clientIp, installClientIp } from '../../web/client-ip.ts';
import { type ConfigError, loadConfig } from '../../app/config.ts';

let behindProxy: World;
let direct: World;
beforeAll(async () => {
  behindProxy = await startWorld({ env: { TRUST_PROXY: 'loopback', RATE_LIMIT_IP_PER_MIN: '3' } });
  direct = await startWorld({ env: { RATE_LIMIT_IP_PER_MIN: '3' } });
});
afterAll(async () => {
  await behindProxy?.close();
  await direct?.close();
});

const hit = (w: World, forwardedFor: string) =>
  fetch(`${w.baseUrl}/api/v1/plans`, { headers: { 'x-forwarded-for': forwardedFor } }).then((r) => r.status);

describe('TRUST_PROXY', () => {
  it('behind a trusted proxy each forwarded client has its own budget', async () => {
    const a = [];
    for (let i = 0; i < 4; i++) a.push(await hit(behindProxy, '203.0.113.1'));
    expect(a).toEqual([200, 200, 200, 429]);
    expect(await hit(behindProxy, '203.0.113.2')).toBe(200);
  });

  it('without it the header is ignored: a client cannot buy a fresh budget by inventing addresses', async () => {
    const out = [];
    for (let i = 0; i < 4; i++) out.push(await hit(direct, `198.51.100.${i}`));
    expect(out).toEqual([200, 200, 200, 429]);
  });

  it('a hop count believes that many proxies, and no more', async () => {
    const server = Hapi.server();
    installClientIp(server, 1);
    server.route({ method: 'GET', path: '/ip', options: { auth: false }, handler: (r) => clientIp(r) });
    const ip = async (xff: string) =>
      (await server.inject({ url: '/ip', headers: { 'x-forwarded-for': xff }, remoteAddress: '10.0.0.5' })).payload;
    expect(await ip('6.6.6.6, 203.0.113.7')).toBe('203.0.113.7'); // the client as our one proxy saw it; the spoofed first entry is not believed
    expect(await ip('203.0.113.8')).toBe('203.0.113.8');
  });

  it('refuses a value it cannot apply, naming the variable', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback']);
    for (const bad of ['0', '10.0.0.0/99', 'everyone']) {
      try {
        loadConfig({ TRUST_PROXY: bad });
        expect.unreachable(bad);
      } catch (err) {
        expect((err as ConfigError).problems[0]).toMatch(/^TRUST_PROXY: must be a hop count/);
      }
    }
  });
});
