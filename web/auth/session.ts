// The web session: a signed jose JWT in an httpOnly cookie, checked by the 'session' auth strategy.
import Boom from '@hapi/boom';
import type { Server } from '@hapi/hapi';
import { SESSION_TTL_S, type TokenSigner } from './tokens.ts';

export const SESSION_COOKIE = 'vg_session';

export interface SessionCredentials { userId: string }

export function registerSession(server: Server, signer: TokenSigner, opts: { secure: boolean }) {
  server.state(SESSION_COOKIE, {
    ttl: SESSION_TTL_S * 1000, isSecure: opts.secure, isHttpOnly: true, isSameSite: 'Lax', path: '/',
    encoding: 'none', strictHeader: true, clearInvalid: true,
  });
  server.auth.scheme('vidgo-session', () => ({
    async authenticate(request, h) {
      const token = request.state[SESSION_COOKIE] as string | undefined;
      const claims = token ? await signer.verify(token, 'session') : null;
      if (!claims) throw Boom.unauthorized('sign in from the bot (/plans, /gallery)', 'vidgo-session');
      return h.authenticated({ credentials: { userId: claims.sub } as never });
    },
  }));
  server.auth.strategy('session', 'vidgo-session');
}

export const newSessionToken = (signer: TokenSigner, userId: string) => signer.sign(userId, 'session', SESSION_TTL_S);
