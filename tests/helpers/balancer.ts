// A round-robin front for several app instances, as a load balancer would be: plain HTTP for the webhooks
// (an instance that cannot be reached answers 502, so the platform redelivers), optionally TLS for media (LINE
// fetches videos over https only; a GET is tried on the next instance when one cannot be reached, like a
// balancer's health checks would route around it).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { selfSignedCert } from './self-signed.ts';

export async function startBalancer(backends: () => number[], opts: { tls?: boolean } = {}) {
  let next = 0;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const ports = backends();
      const tries = req.method === 'GET' || req.method === 'HEAD' ? ports.length : 1;
      const attempt = (i: number) => {
        const port = ports[next++ % ports.length]!;
        const up = http.request(
          { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
          (r) => {
            res.writeHead(r.statusCode ?? 502, r.headers);
            r.pipe(res);
          },
        );
        up.on('error', () =>
          i + 1 < tries ? attempt(i + 1) : res.headersSent ? res.destroy() : res.writeHead(502).end(),
        );
        up.end(body);
      };
      attempt(0);
    });
  };
  let server: http.Server | https.Server;
  if (opts.tls) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vidgo-tls-'));
    const tlsFiles = selfSignedCert(dir);
    server = https.createServer(tlsFiles, handler);
    fs.rmSync(dir, { recursive: true, force: true });
  } else server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
