// Calls to /api/v1 with the session cookie; state changes carry the CSRF header from crumb's cookie. The answers'
// shapes are the server's own (web/dto.ts).
import type { ErrorDto } from '../../dto.ts';

export class ApiError extends Error {
  /** The server's reason: a code (too_many_checkouts, …) and, for a signed-in user, a text in their language. */
  constructor(
    readonly status: number,
    readonly body: ErrorDto = {},
  ) {
    super(`HTTP ${status}`);
  }
}

const crumb = () =>
  document.cookie
    .split('; ')
    .find((c) => c.startsWith('crumb='))
    ?.slice(6) ?? '';

export async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json', 'x-csrf-token': crumb() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  return res.json() as Promise<T>;
}

/** ECPay wants a real browser form post (docs/outside-contracts.md §9). */
export function postForm(action: string, fields: Record<string, string>) {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = action;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}
