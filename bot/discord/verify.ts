// Discord signs every interaction: Ed25519 over timestamp + raw body, hex signature in X-Signature-Ed25519,
// hex public key from the developer portal (docs/outside-contracts.md §8, discord-interactions verifyKey). node:crypto
// takes the raw 32-byte key wrapped in its SPKI DER header. X-Signature-Timestamp is Unix seconds: a signed body
// older (or further ahead) than 5 minutes is refused, so a captured interaction cannot be replayed later.
import crypto, { type KeyObject } from 'node:crypto';

export const MAX_TIMESTAMP_SKEW_S = 5 * 60;

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519Key(hexPublicKey: string): KeyObject {
  return crypto.createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hexPublicKey, 'hex')]),
    format: 'der',
    type: 'spki',
  });
}

export function verifyDiscord(
  key: KeyObject,
  raw: Buffer,
  signature: string | undefined,
  timestamp: string | undefined,
  nowMs = Date.now(),
): boolean {
  if (!signature || !timestamp || !/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_TIMESTAMP_SKEW_S) return false;
  try {
    return crypto.verify(
      null,
      Buffer.concat([Buffer.from(timestamp, 'utf8'), raw]),
      key,
      Buffer.from(signature, 'hex'),
    );
  } catch {
    return false;
  }
}
