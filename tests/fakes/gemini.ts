// A local HTTP server answering like the Gemini REST API's generateContent
// (POST /v1beta/models/{model}:generateContent), reached through GEMINI_API_BASE / the SDK's httpOptions.baseUrl.
// Modes: a normal JSON verdict decided by `classify` (from the text and any inline image parts), Gemini's own blocks (promptFeedback.blockReason, a candidate
// finished for SAFETY), a 500, a hang, a malformed body, and a reply whose text is not JSON. Every request is kept
// (path, headers, parsed body) so tests can check what the SDK really sends.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type GeminiFakeMode = 'ok' | 'block_prompt' | 'finish_safety' | 'error500' | 'hang' | 'malformed' | 'not_json';

export interface GeminiFakeVerdict {
  allowed: boolean;
  category?: string;
  reason?: string;
}

export interface GeminiFakeRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: {
    contents?: { role?: string; parts?: { text?: string; inlineData?: { mimeType?: string; data?: string } }[] }[];
    systemInstruction?: { parts?: { text?: string }[] };
    safetySettings?: { category: string; threshold: string }[];
    generationConfig?: Record<string, unknown>;
  } | null;
}

/** An image sent inline (Part.inlineData {mimeType, data: base64}), decoded. */
export interface GeminiFakeImage {
  mimeType: string;
  bytes: Buffer;
}

export interface GeminiFake {
  /** The base URL to give the SDK (no version segment). */
  url: string;
  mode: GeminiFakeMode;
  /**
   * Decides the verdict in 'ok' mode from the request's user text and its inline images (Part.inlineData, decoded).
   * Default: everything allowed.
   */
  classify: (userText: string, images: GeminiFakeImage[]) => GeminiFakeVerdict | Promise<GeminiFakeVerdict>;
  requests: GeminiFakeRequest[];
  close(): Promise<void>;
}

const usage = { promptTokenCount: 120, candidatesTokenCount: 12, totalTokenCount: 132 };

function ratings(blocked: boolean) {
  return [
    {
      category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT',
      probability: blocked ? 'HIGH' : 'NEGLIGIBLE',
      ...(blocked ? { blocked: true } : {}),
    },
    { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' },
    { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'NEGLIGIBLE' },
  ];
}

export async function startGeminiFake(
  opts: { mode?: GeminiFakeMode; classify?: GeminiFake['classify'] } = {},
): Promise<GeminiFake> {
  const sockets = new Set<Socket>();
  const fake: GeminiFake = {
    url: '',
    mode: opts.mode ?? 'ok',
    classify: opts.classify ?? (() => ({ allowed: true, category: 'none', reason: '' })),
    requests: [],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      let body: GeminiFakeRequest['body'] = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = null;
      }
      fake.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const json = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || !/^\/v1beta\/models\/[^/:]+:generateContent$/.test((req.url ?? '').split('?')[0]!)) {
        return json(404, { error: { code: 404, message: `no route ${req.method} ${req.url}`, status: 'NOT_FOUND' } });
      }
      if (!req.headers['x-goog-api-key']) {
        return json(403, {
          error: { code: 403, message: "Method doesn't allow unregistered callers.", status: 'PERMISSION_DENIED' },
        });
      }
      const parts = (body?.contents ?? []).flatMap((c) => c.parts ?? []);
      const userText = parts.map((p) => p.text ?? '').join('\n');
      // Inline images as the REST API takes them: an image MIME type and standard base64 data (else 400).
      const images: GeminiFakeImage[] = [];
      for (const p of parts) {
        if (!p.inlineData) continue;
        const { mimeType, data } = p.inlineData;
        if (
          !mimeType ||
          !/^image\/(jpeg|png|webp|heic|heif)$/.test(mimeType) ||
          typeof data !== 'string' ||
          !/^[A-Za-z0-9+/]+={0,2}$/.test(data)
        ) {
          return json(400, {
            error: { code: 400, message: 'Invalid value at inline_data', status: 'INVALID_ARGUMENT' },
          });
        }
        images.push({ mimeType, bytes: Buffer.from(data, 'base64') });
      }
      switch (fake.mode) {
        case 'hang':
          return; // never answers; the socket is destroyed at close()
        case 'error500':
          return json(500, { error: { code: 500, message: 'Internal error encountered.', status: 'INTERNAL' } });
        case 'malformed':
          res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
          return res.end('{"candidates": [{"content": {"parts": [{"text": "{\\"allowed\\": tr');
        case 'block_prompt':
          return json(200, {
            promptFeedback: { blockReason: 'SAFETY', safetyRatings: ratings(true) },
            usageMetadata: usage,
            modelVersion: 'gemini-2.5-flash',
          });
        case 'finish_safety':
          return json(200, {
            candidates: [
              { content: { role: 'model', parts: [] }, finishReason: 'SAFETY', index: 0, safetyRatings: ratings(true) },
            ],
            usageMetadata: usage,
            modelVersion: 'gemini-2.5-flash',
          });
        case 'not_json':
          return json(200, {
            candidates: [
              {
                content: { role: 'model', parts: [{ text: 'I think this prompt is fine.' }] },
                finishReason: 'STOP',
                index: 0,
              },
            ],
            usageMetadata: usage,
            modelVersion: 'gemini-2.5-flash',
          });
        default: {
          const v = await fake.classify(userText, images);
          const verdict = {
            allowed: v.allowed,
            category: v.category ?? (v.allowed ? 'none' : 'other'),
            reason: v.reason ?? '',
          };
          return json(200, {
            candidates: [
              {
                content: { role: 'model', parts: [{ text: JSON.stringify(verdict) }] },
                finishReason: 'STOP',
                index: 0,
                safetyRatings: ratings(false),
              },
            ],
            usageMetadata: usage,
            modelVersion: 'gemini-2.5-flash',
            responseId: `fake-${fake.requests.length}`,
          });
        }
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
