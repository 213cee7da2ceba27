// What the web routes are given by app/wire-web.ts.
import type { AccountService, GenerationService, Ledger } from '../../core/api.ts';
import type { BillingService } from '../../core/billing/billing-service.ts';
import type { BillingRepo, EcpayPaymentNotice, EcpayPeriodNotice } from '../../core/billing/ports.ts';
import type { ProviderEvents } from '../../core/billing/provider-events.ts';
import type { JwtMagicLinks } from '../auth/magic-links.ts';
import type { TokenSigner } from '../auth/tokens.ts';
import type { WebSessions } from '../auth/web-sessions.ts';
import type { StyleShowcase } from '../../core/styles/showcase.ts';
import type { MediaStore } from '../../core/ports.ts';
import type { Msg } from '../../core/model.ts';
import type { ResultActions } from '../../core/generation/actions.ts';

/** Each payment provider's check of a callback's exact bytes (wired in app/). */
export interface PaymentReaders {
  ecpayPayment(body: string): EcpayPaymentNotice;
  ecpayPeriod(body: string): EcpayPeriodNotice;
  /** Paddle-Signature over `ts:rawBody`, within its window; false without a webhook secret. */
  paddleSignatureValid(body: Buffer, header: string | undefined): boolean;
}

export interface WebDeps {
  billing: BillingService;
  repo: BillingRepo;
  ledger: Ledger;
  accounts: Pick<AccountService, 'byUserId' | 'targets'>;
  generations?: Pick<GenerationService, 'list' | 'get'>;
  links: JwtMagicLinks;
  signer: TokenSigner;
  /** Which user a web token acts for, and whether it still stands (sign-out, bans, /link merges). */
  sessions: WebSessions;
  /** Constant-time comparison of secrets (the sign-in nonce). */
  safeEqual(a: string, b: string): boolean;
  /** Our own origin (PUBLIC_BASE_URL's): the only one the sign-in form may be posted from. */
  origin: string;
  payments: { readers: PaymentReaders; events: Pick<ProviderEvents, 'ecpayPayment' | 'ecpayPeriod' | 'paddle'> };
  providersHealth: () => Promise<Record<string, boolean>>;
  secureCookies: boolean;
  /** CORS for cookie-authenticated writes: the listed origins plus our own (crumb checks the Origin against it). */
  writeCors: { origin: string[]; credentials: true };
  telegramUsername?: string;
  lineBasicId?: string;
  /** The Discord application, for its install link on the sign-in hint. */
  discordApplicationId?: string;
  /** The styles' showcase (catalogue and sample clips). */
  styles: Pick<StyleShowcase, 'list'>;
  /** The media store, for the owner-checked clean download (masters are never on /media). */
  media?: MediaStore;
  /** The clean master's key of the user's own generation, when their tier may download it (else null). */
  cleanMasters?: { keyOf(userId: string, generationId: string): Promise<string | null> };
  /** Core's message (a failure reason) as text in the user's language, for the gallery. */
  translate?: (userId: string, msg: Msg) => Promise<string>;
  /** A video's family (parent, children) and the ids its Remix links carry. */
  actions?: Pick<ResultActions, 'family' | 'remix'>;
  log: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

export const userOf = (request: { auth: { credentials: unknown } }) =>
  (request.auth.credentials as { userId: string }).userId;
