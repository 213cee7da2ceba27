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
      if (this.cookies.has('crumb') && !headers.has('x-csrf-token'))
        headers.set('x-csrf-token', this.cookies.get('crumb')!);
    }
    const res = await fetch(path.startsWith('http') ? path : `${this.base}${path}`, {
      ...init,
      headers,
      redirect: 'manual',
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    this.absorb(res);
    return res;
  }

  /**
   * Opens a sign-in link as a person does: the GET shows the page (and uses nothing up), the button posts its form.
   * Answers the POST's response (303 into the app with the session cookie, or /expired). `origin`: the page's
   * origin the browser would send, when the test reaches the app by another address than PUBLIC_BASE_URL.
   */
  async signIn(link: string, pageOrigin?: string): Promise<Response> {
    const page = await this.fetch(link);
    if (page.status !== 200) return page;
    const html = await page.text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
    const origin = pageOrigin ?? new URL(link.startsWith('http') ? link : this.base).origin;
    return this.fetch(new URL('/auth/link', link.startsWith('http') ? link : this.base).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ token: field('token'), nonce: field('nonce') }).toString(),
    });
  }

  async json<T = any>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: T }> {
    const res = await this.fetch(path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}
