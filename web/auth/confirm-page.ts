// The page GET /auth/link shows: which account the link signs in to, and the button whose POST uses the link up.
// Everything on it is escaped; it is never cached, never indexed, and sends no referrer to other sites (the URL holds the token).
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export const PAGE_HEADERS: Record<string, string> = {
  'cache-control': 'no-store',
  'referrer-policy': 'same-origin', // not no-referrer: Chromium then posts the form with Origin: null
  'x-robots-tag': 'noindex, nofollow',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

export interface PageTexts {
  lang: string;
  title: string;
  text: string;
  button?: string;
}

export function signInPage(t: PageTexts, form?: { token: string; nonce: string }): string {
  const e = escapeHtml;
  const button =
    form && t.button
      ? `<form method="post" action="/auth/link"><input type="hidden" name="token" value="${e(form.token)}"><input type="hidden" name="nonce" value="${e(form.nonce)}"><button type="submit">${e(t.button)}</button></form>`
      : '';
  return (
    `<!doctype html><html lang="${e(t.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${e(t.title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6fa;color:#1d2333}` +
    `main{max-width:28rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px #0001}` +
    `button{font:inherit;font-weight:600;width:100%;padding:.8rem;border:0;border-radius:8px;background:#3451d1;color:#fff;cursor:pointer}</style></head>` +
    `<body><main><h1>${e(t.title)}</h1><p>${e(t.text)}</p>${button}</main></body></html>`
  );
}
