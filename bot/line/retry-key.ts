/** A deterministic UUID from an idempotency key (LINE's X-Line-Retry-Key must be a UUID). */
export async function uuidFromKey(key: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
