// Reads a download up to a byte limit: a photo larger than the limit is refused without being read to its end.
import type { Readable } from 'node:stream';

/** The bytes, or null once more than maxBytes arrived (the stream is destroyed there). */
export async function readLimited(
  stream: Readable | AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += b.length;
    if (size > maxBytes) {
      (stream as Readable).destroy?.();
      return null;
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** GET a URL (a platform's file link from a verified event) and read it within the limit. */
export async function fetchLimited(
  url: string,
  maxBytes: number,
  headers: Record<string, string> = {},
): Promise<Uint8Array | null> {
  const res = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(60_000) });
  if (!res.ok || !res.body) throw new Error(`photo download failed: HTTP ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.cancel();
    return null;
  }
  return readLimited(res.body as unknown as AsyncIterable<Uint8Array>, maxBytes);
}
