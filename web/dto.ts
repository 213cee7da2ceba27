// The JSON the REST API under /api/v1 answers, shared by its presenters (web/presenters.ts) and the Svelte app
// (web/app/src). Type-only: dates are ISO strings, as JSON carries them.
import type { GenerationKind, PlanFeatures, TierSlug } from '../core/api.ts';
import type { CheckoutStart, PaymentMethod } from '../core/billing/ports.ts';
import type { Locale, Msg, Platform, PointBucket, ProviderName, Resolution } from '../core/model.ts';

export type Currency = 'TWD' | 'USD';

export interface PlanDto {
  id: string;
  slug: TierSlug;
  name: string;
  description: string;
  /** whole NT$ */
  priceTwd: number;
  priceUsdCents: number;
  features: PlanFeatures;
  paddlePriceId?: string;
}

export interface PackDto {
  id: string;
  slug: string;
  name: string;
  points: number;
  priceTwd: number;
  priceUsdCents: number;
  paddlePriceId?: string;
}

/** GET /plans */
export interface PlansDto {
  plans: PlanDto[];
}
/** GET /packs */
export interface PacksDto {
  packs: PackDto[];
}

/** GET /chat-links: where a visitor opens the chat to get a sign-in link. */
export interface ChatLinksDto {
  platforms: { platform: 'telegram' | 'line' | 'discord'; url: string }[];
}

/** GET /status: each provider slot's health. */
export interface StatusDto {
  providers: Record<string, boolean>;
}

/** GET /me */
export interface MeDto {
  userId: string;
  locale: Locale;
  tier: TierSlug;
  planName: string;
  planEnds: string | null;
  autoRenew: boolean;
  /** What renews by itself: "NT$299 every month until you cancel". */
  renewal: { method: PaymentMethod; amountMinor: number; currency: Currency } | null;
  linked: { platform: Platform }[];
}

export interface BalanceDto {
  monthly_pollo: number;
  monthly_goenhance: number;
  purchased: number;
  total: number;
}
/** GET /points */
export interface PointsDto {
  balance: BalanceDto;
}

export interface LedgerEntryDto {
  id: number;
  bucket: PointBucket;
  amount: number;
  reason: string;
  reference: string | null;
  createdAt: string;
}
/** GET /points/history */
export interface PointsHistoryDto {
  entries: LedgerEntryDto[];
}

/** One of the user's generations as the gallery shows it. */
export interface GenerationDto {
  id: string;
  kind: GenerationKind;
  prompt: string;
  style: string | null;
  status: string;
  stage: string | null;
  progress: number;
  provider: ProviderName | null;
  resolution: Resolution;
  pointsCost: number;
  videoUrl: string | null;
  previewUrl: string | null;
  /** GET /generations/{id}/clean when the user's tier may download the unwatermarked master. */
  cleanUrl: string | null;
  createdAt: string;
  completedAt: string | null;
  delivered: boolean;
  parentId?: string | null;
  action?: string | null;
  /** The failure reason as core states it, and as text in the user's language. */
  errorMessage: Msg | null;
  error: string | null;
}

/** GET /generations */
export interface GenerationPageDto {
  items: GenerationDto[];
  total: number;
  limit: number;
  offset: number;
}

/** One Remix action: a link that opens the user's chat with it ready, or the command to send. */
export interface RemixActionDto {
  action: string;
  command: string;
  telegram: string | null;
  line: string | null;
}

/** GET /generations/{id}: the video, its family and its Remix links. */
export interface GenerationDetailDto extends GenerationDto {
  parent: GenerationDto | null;
  children: GenerationDto[];
  remix: { platforms: Platform[]; actions: RemixActionDto[] };
}

export interface ShowcaseStyleDto {
  id: string;
  name: string;
  names: Partial<Record<Locale, string>>;
  sampleUrl: string | null;
  telegram: string | null;
  line: string | null;
}
/** GET /showcase */
export interface ShowcaseDto {
  styleAccess: boolean;
  styles: ShowcaseStyleDto[];
}

/** GET /orders/{number}: the order's real state, for the result page. */
export interface OrderDto {
  orderNumber: string;
  status: 'pending' | 'paid' | 'failed' | 'canceled' | 'refunded';
  kind: 'plan' | 'pack';
  itemName: string;
  amountMinor: number;
  currency: Currency;
  invoiceNumber: string | null;
  subscriptionEnd: string | null;
  points: number | null;
  autoRenew: boolean;
  problem: 'amount_mismatch' | 'stale_renewal' | null;
}

/** POST /checkout: the order made and where the browser goes next. */
export interface CheckoutDto {
  orderNumber: string;
  amountMinor: number;
  currency: Currency;
  autoRenew: boolean;
  next: CheckoutStart;
}

/** POST /renewal/cancel */
export interface RenewalCancelDto {
  outcome: 'stopped' | 'stopping' | 'none';
  planName: string;
  planEnds: string | null;
}

/** The body of an error answer (web/errors.ts): a code and, for a signed-in user, a text in their language. */
export interface ErrorDto {
  statusCode?: number;
  error?: string;
  code?: string;
  message?: string;
}
