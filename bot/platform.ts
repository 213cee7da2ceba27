// One chat platform as the wiring sees it. Each folder bot/<platform>/ holds its inbound translation, outbound
// rendering, transport and webhook route, and makes one PlatformAdapter from PlatformDeps; bot/platforms.ts lists
// the platforms, and app/wire-bot.ts, the inbox resumption (inbox-resume.ts) and the NotifierHub go through it.
// Adding a platform: docs/adding-a-platform.md.
import type { Server } from '@hapi/hapi';
import type { Locale, Platform } from '../core/model.ts';
import type { SharedState } from '../core/ports.ts';
import type { Translator } from '../core/translator.ts';
import type { ChatCore } from '../core/api.ts';
import type { InboxHandler, InboxStore } from './inbox.ts';
import type { PlatformSender } from './notifier-hub.ts';
import type { ChatOutbox } from './outbox.ts';
import type { WebhookDeps } from './webhook.ts';

export interface PlatformAdapter {
  readonly name: Platform;
  /**
   * Where its events wait in the inbox (processed_events.source, e.g. 'line' or 'telegram:<bot id>') and the
   * handler for one stored event, run right after the webhook's answer and again by resumePending after a crash.
   * Absent for a platform without an inbox (the console).
   */
  readonly inbox?: { source: string; handle: InboxHandler };
  /** What the NotifierHub pushes core's later messages through. */
  readonly sender: PlatformSender;
  /** Adds its webhook route(s) (POST /webhooks/<platform>); a platform that only polls adds none. */
  routes?(server: Server): void;
  /** Starts what runs beside the routes (long polling); resolves once it runs. */
  start?(): Promise<void>;
  /** Ends what start() began. */
  stop?(): Promise<void>;
  /** Settles when start-up calls nobody waits for are done (Telegram's setWebhook and menus; failures only logged). */
  readonly ready?: Promise<void>;
}

export interface PlatformLog {
  info(o: object, m: string): void;
  warn(o: object, m: string): void;
  error(o: object, m: string): void;
}

/** Runs `holder`'s work on one instance of the deployment at a time (infra/db/exclusive-lease.ts). */
export type HoldExclusive = (
  name: string,
  holder: { onHeld(): Promise<void>; onLost(): Promise<void> },
) => { stop(): Promise<void> };

export interface StyleEntry {
  id: string;
  name: string;
  names: Partial<Record<Locale, string>>;
  aliases: string[];
}
/** The style catalogue as it is now, for platforms that autocomplete style names (Discord's /style). */
export type StyleSource = () => Promise<StyleEntry[]>;

/** What app/wire-bot.ts gives every platform. `C`: the part of the app config the platform reads. */
export interface PlatformDeps<C = unknown> {
  config: C;
  /** The command dispatcher. */
  core: ChatCore;
  t: Translator;
  state: SharedState;
  /** The inbox as is (polling accepts its own updates) and the quota outbox (LINE). */
  store: InboxStore & ChatOutbox;
  /** What the webhook routes share: the counted inbox, the per-IP limit on refusals, the after-answer queue. */
  webhook: WebhookDeps;
  log: PlatformLog;
  styles: StyleSource;
  /** Poll where the platform can instead of a webhook that is not configured (tests say false). */
  polling: boolean;
  /** One poller across instances; without it this process polls alone. */
  holdExclusive?: HoldExclusive;
  /** Wraps an SDK client so its refused pushes (429) are counted in the metrics; the client itself when off. */
  countPushRefusals: <T extends object>(client: T, method: keyof T & string, platform: Platform) => T;
}

/** A registry entry: cheap to import (the SDK loads in create, only for a configured platform). */
export interface PlatformDescriptor<C = unknown> {
  readonly name: Platform;
  /** True when the deployment's config (its environment variables) turns the platform on. */
  configured(config: C): boolean;
  create(deps: PlatformDeps<C>): Promise<PlatformAdapter>;
}
