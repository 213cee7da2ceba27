// Discord signs every interaction: Ed25519 over timestamp + raw body, hex signature in X-Signature-Ed25519,
// hex public key from the developer portal (api-contracts.md §8, discord-interactions verifyKey). node:crypto
// takes the raw 32-byte key wrapped in its SPKI DER header.
import crypto, { type KeyObject } from 'node:crypto';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519Key(hexPublicKey: string): KeyObject {
  return crypto.createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hexPublicKey, 'hex')]), format: 'der', type: 'spki' });
}

export function verifyDiscord(key: KeyObject, raw: Buffer, signature: string | undefined, timestamp: string | undefined): boolean {
  if (!signature || !timestamp || !/^[0-9a-f]{128}$/i.test(signature)) return false;
  try {
    return crypto.verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), raw]), key, Buffer.from(signature, 'hex'));
  } catch {
    return false;
  }
}
