// Object keys are path-like ("videos/2026/11/abc.mp4") but never escape the store: no "..", no leading slash,
// no backslash, only safe characters. Both stores and the /media route check them.
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function isValidKey(key: string): boolean {
  if (key.length === 0 || key.length > 512) return false;
  return key.split('/').every((s) => SEGMENT.test(s) && s !== '.' && !s.includes('..'));
}

export function assertKey(key: string): string {
  if (!isValidKey(key)) throw new Error(`invalid media key: ${JSON.stringify(key.slice(0, 80))}`);
  return key;
}

export function contentTypeFor(key: string): string {
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return (
    { mp4: 'video/mp4', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webm: 'video/webm' }[ext] ??
    'application/octet-stream'
  );
}
