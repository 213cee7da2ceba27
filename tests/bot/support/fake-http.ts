// A tiny recording HTTP server for the fake chat platforms, plus the fetch a platform does of our media URLs.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface FormFile {
  name: string;
  size: number;
  type: string;
}
export interface Recorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  json?: any;
  form?: Record<string, string | FormFile>;
  /** The body's bytes when it is neither JSON nor a form (an uploaded image). */
  raw?: Buffer;
}
export interface FakeAnswer {
  status?: number;
  json?: unknown;
  headers?: Record<string, string> /** Binary content instead of JSON (downloads). */;
  bytes?: Buffer;
  contentType?: string;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * multipart/form-data read as servers read it: grammY writes part headers without a space after the colon and file
 * names unquoted, which undici's strict FormData parser refuses, while Telegram accepts them.
 */
function multipart(raw: Buffer, boundary: string): Record<string, string | FormFile> {
  const form: Record<string, string | FormFile> = {};
  const text = raw.toString('latin1');
  for (const part of text.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const cut = part.indexOf('\r\n\r\n');
    if (cut < 0) continue;
    const head = part.slice(0, cut);
    const body = part.slice(cut + 4).replace(/\r\n$/, '');
    const name = /name="?([^";\r\n]+)"?/i.exec(head.replace(/filename="?[^";\r\n]*"?/i, ''))?.[1];
    const filename = /filename="?([^";\r\n]*)"?/i.exec(head)?.[1];
    if (!name) continue;
    form[name] =
      filename !== undefined
        ? {
            name: filename,
            size: Buffer.byteLength(body, 'latin1'),
            type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? '',
          }
        : Buffer.from(body, 'latin1').toString('utf8');
  }
  return form;
}

async function parse(req: http.IncomingMessage, raw: Buffer): Promise<Pick<Recorded, 'json' | 'form' | 'raw'>> {
  const ct = req.headers['content-type'] ?? '';
  if (!raw.length) return {};
  if (ct.includes('application/json')) return { json: JSON.parse(raw.toString('utf8')) };
  if (ct.includes('multipart/form-data'))
    return { form: multipart(raw, /boundary=("?)([^";]+)\1/.exec(ct)?.[2] ?? '') };
  if (ct.includes('application/x-www-form-urlencoded')) {
    const fd = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': ct },
      body: new Uint8Array(raw),
    }).formData();
    const form: Record<string, string | FormFile> = {};
    for (const [k, v] of fd.entries()) {
      form[k] = typeof v === 'string' ? v : { name: (v as File).name, size: (v as File).size, type: (v as File).type };
    }
    return { form };
  }
  return ct.startsWith('image/') || ct === 'application/octet-stream' ? { raw } : { json: raw.toString('utf8') };
}

export async function startFakeServer(handle: (r: Recorded) => Promise<FakeAnswer> | FakeAnswer) {
  const requests: Recorded[] = [];
  const server = http.createServer(async (req, res) => {
    try {
      const raw = await readBody(req);
      const rec: Recorded = { method: req.method!, path: req.url!, headers: req.headers, ...(await parse(req, raw)) };
      requests.push(rec);
      const a = await handle(rec);
      if (a.bytes) {
        res.writeHead(a.status ?? 200, {
          'content-type': a.contentType ?? 'application/octet-stream',
          'content-length': a.bytes.length,
          ...(a.headers ?? {}),
        });
        return void res.end(a.bytes);
      }
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...(a.headers ?? {}) });
      res.end(a.json === undefined ? '' : JSON.stringify(a.json));
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: String(err) }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

export interface Fetched {
  url: string;
  status: number;
  contentType: string;
  size: number;
}

/** Fetches a media URL the way a platform would (tests' https uses a self-signed certificate). */
export function fetchMedia(url: string): Promise<Fetched> {
  return new Promise((resolve) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { rejectUnauthorized: false }, (res) => {
      let size = 0;
      res.on('data', (c: Buffer) => (size += c.length));
      res.on('end', () =>
        resolve({ url, status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), size }),
      );
    });
    req.on('error', () => resolve({ url, status: 0, contentType: '', size: 0 }));
  });
}
