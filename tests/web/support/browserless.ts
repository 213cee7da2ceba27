// A tiny cookie-keeping HTTP client for the API tests (session cookie + crumb header, like the Svelte app).
export class Client {
  cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private absorb(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  }

  async fetch(path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      if (this.cookies.has('crumb') && !headers.has('x-csrf-token')) headers.set('x-csrf-token', this.cookies.get('crumb')!);
    }
    const res = await fetch(path.startsWith('http') ? path : `${this.base}${path}`, {
      ...init, headers, redirect: 'manual', body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    this.absorb(res);
    return res;
  }

  async json<T = any>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: T }> {
    const res = await this.fetch(path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}
