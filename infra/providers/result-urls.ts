// Where a provider's finished video may be fetched from. The URL comes back inside the provider's answer, and we
// download it from our own network: without a check a compromised or spoofed answer could point us at
// http://169.254.169.254/…, an internal service or a local file. So each real provider's results are accepted only
// over https from its known hosts (LEONARDO_MEDIA_HOSTS etc.; an entry written "http://host" also allows plain http
// for that host, as the tests' fakes need), and `file:` only from the local renderer, inside its render directory.
// A refused URL fails the step like a bad provider answer: failover moves on and nothing is charged.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProviderError, type ProviderJobState, type VideoProvider } from '../../core/ports.ts';

/** "cdn.leonardo.ai", "*.pollo.ai" (the domain and its subdomains), "http://127.0.0.1" (plain http too). */
export function hostAllowed(url: string, entries: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.username || u.password) return false;
  const host = u.hostname.toLowerCase();
  return entries.some((raw) => {
    const e = raw.trim().toLowerCase();
    const plain = e.startsWith('http://');
    if (u.protocol === 'http:' && !plain) return false;
    const pattern = e.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
    if (pattern.startsWith('*.')) return host === pattern.slice(2) || host.endsWith(pattern.slice(1));
    return host === pattern;
  });
}

/** A file: URL naming a file inside `root` (no .., no symlink games on the name). */
export function fileUnder(url: string, root: string): boolean {
  if (!url.startsWith('file:')) return false;
  try {
    const p = path.resolve(fileURLToPath(url));
    return p.startsWith(path.resolve(root) + path.sep);
  } catch {
    return false;
  }
}

/** The provider, with every succeeded poll's URL checked by `allowed` (a refused one becomes a failed job). */
export function checkedResults(p: VideoProvider, allowed: (url: string) => boolean): VideoProvider {
  return {
    name: p.name,
    ...(p.local ? { local: true } : {}),
    submit: (req, signal) => p.submit(req, signal),
    async poll(job, signal): Promise<ProviderJobState> {
      const s = await p.poll(job, signal);
      if (s.state !== 'succeeded' || allowed(s.videoUrl)) return s;
      const where = /^[a-z]+:/i.exec(s.videoUrl)?.[0] ?? 'unknown:';
      return {
        state: 'failed',
        error: new ProviderError(p.name, 'bad_response', `result URL refused (${where} host not allowed)`, false),
      };
    },
    cancel: (job) => p.cancel(job),
    probe: (signal) => p.probe(signal),
  };
}
