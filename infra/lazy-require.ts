// Loads an SDK on first use instead of at start-up: an instance that does not use S3, Gemini, Paddle or MongoDB
// never pays their load time or memory (the AWS SDK, @google/genai, Paddle's SDK and the MongoDB driver are each
// tens of megabytes resident). Synchronous, so construction sites stay as they are; every package named here ships
// a CommonJS entry.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyRequire<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= require(id) as T);
}
