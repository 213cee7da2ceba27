// ChatCore: one inbound event → identify → checks (ban, rate) → the command → replies to show now.
import type {
  Account,
  AccountService,
  ChatCore,
  ChatResponse,
  GenerationOutcome,
  GenerationService,
  Ledger,
  MagicLinks,
} from '../api.ts';
import type { ChatEvent, Choice, Locale, Reply } from '../model.ts';
import type { SharedState } from '../ports.ts';
import { LOCALES } from '../model.ts';
import { isLocale } from '../accounts/locale.ts';
import type { AccountLinking } from '../accounts/linking.ts';
import type { AdminCommands } from '../admin/admin-commands.ts';
import type { AppealDesk } from '../moderation/appeals.ts';
import { isPersonalCommand, parse, parseStartPayload, type Command } from './grammar.ts';
import { markPersonal, splitForGroup } from '../privacy.ts';
import type { AccountSettings, ChatRateLimiter } from './ports.ts';
import type { StyleCatalog } from '../styles/catalog.ts';
import { StyleChat } from '../styles/chat.ts';
import { PendingStyles } from '../styles/pending.ts';
import { DeepLinkPrompts } from './deep-link-prompts.ts';
import type { BillingService } from '../billing/billing-service.ts';
import type { ResultActions } from '../generation/actions.ts';
import { ANIMATE_COMMAND, type PhotoChat } from '../photos/photo-chat.ts';

export interface DispatcherDeps {
  accounts: AccountService;
  settings: AccountSettings;
  generation: GenerationService;
  ledger: Pick<Ledger, 'balance'>;
  links: MagicLinks;
  linking: AccountLinking;
  admin: AdminCommands;
  limiter: ChatRateLimiter;
  log?: { error(obj: object, msg: string): void };
  /**
   * True for an error of our own infrastructure (database or Redis unreachable): the command is not answered with
   * an apology but fails, so the caller retries it later (the chat inbox keeps the event). Default: none is.
   */
  isInfrastructureError?: (err: unknown) => boolean;
  /** The style catalogue (core/styles): /style, /start s_<style>; with `state`, a picked style awaits the next prompt. */
  styles?: StyleCatalog;
  /** Shared state: deep-link prompts awaiting the user's confirmation, picked styles. */
  state?: SharedState;
  /** Appeals (core/moderation/appeals.ts): /appeal, and the explanation asked for after the Appeal button. */
  appeals?: AppealDesk;
  /** `/plans cancel`: stops the provider's renewal schedule, the plan stays until its paid period ends. */
  billing?: Pick<BillingService, 'cancelRenewal'>;
  /** Result buttons under delivered videos (`/act <id>`, `/start a_<id>`); they answer "not available" without it. */
  actions?: Pick<ResultActions, 'press'>;
  /** Photos to animate (core/photos): a received photo, its follow-up prompt, "Animate now". Without it photos are unsupported. */
  photos?: PhotoChat;
}

const text = (key: string, params?: Record<string, string | number>, choices?: Choice[]): Reply => ({
  kind: 'text',
  message: { key, ...(params ? { params } : {}) },
  ...(choices ? { choices } : {}),
});
const choice = (key: string, command: string): Choice => ({ label: { key }, command });

export const HELP_CHOICES: Choice[] = [
  choice('bot.choice.status', '/status'),
  choice('bot.choice.balance', '/balance'),
  choice('bot.choice.plans', '/plans'),
  choice('bot.choice.gallery', '/gallery'),
];

/** Commands after which the user usually waits for a video. */
const WAITING = new Set<Command['name']>(['video', 'style', 'upscale', 'status', 'consent', 'start', 'act']);

/** The generation one command created or answered, as the generation use case reported it. */
type Made = { generationId?: string };

export class Dispatcher implements ChatCore {
  private readonly pendingStyles?: PendingStyles;
  private readonly styles?: StyleChat;
  private readonly deepLinks?: DeepLinkPrompts;
  constructor(private readonly d: DispatcherDeps) {
    if (d.state) this.deepLinks = new DeepLinkPrompts(d.state);
    if (d.styles && d.state) {
      this.pendingStyles = new PendingStyles(d.state);
      this.styles = new StyleChat({ catalog: d.styles, pending: this.pendingStyles, generation: d.generation });
    }
  }

  async respond(event: ChatEvent): Promise<ChatResponse> {
    const account = await this.d.accounts.identify(event);
    if (account.banned) return this.whileBanned(account, event);
    if (event.kind === 'follow')
      return { replies: [text('bot.welcome', undefined, HELP_CHOICES)], locale: account.locale };
    if (!(await this.d.limiter.consume(`${event.platform}:${event.platformUserId}`))) {
      return { replies: [text('bot.rate_limited')], locale: account.locale };
    }
    const photo = Boolean(event.photo && this.d.photos);
    // A photo where photos are not taken is unsupported, whatever its caption says (not a text prompt).
    if (event.kind === 'unsupported' || (event.photo && !photo) || (event.text === undefined && !photo)) {
      return { replies: [text('bot.unsupported')], locale: account.locale };
    }
    const cmd = parse(event.text ?? '');
    try {
      if (cmd.name === 'lang') return await this.lang(account, cmd.locale);
      const made: Made = {};
      const answered = await this.run(account, event, cmd, made);
      const replies = isPersonalCommand(cmd) ? markPersonal(answered) : answered;
      const pending =
        (WAITING.has(cmd.name) || photo) &&
        !replies.some((r) => r.kind === 'video' || ('choices' in r && r.choices?.length));
      const { generationId } = made;
      return audience(event, { replies, locale: account.locale, pending, ...(generationId ? { generationId } : {}) });
    } catch (err) {
      if (this.d.isInfrastructureError?.(err)) throw err;
      this.d.log?.error({ err, command: cmd.name, platform: event.platform }, 'chat command failed');
      return { replies: [text('bot.error')], locale: account.locale };
    }
  }

  /** Runs the command; a generation it creates or answers is written to `made`, as the use case reported it. */
  private async run(account: Account, event: ChatEvent, cmd: Command, made: Made): Promise<Reply[]> {
    const gen = this.d.generation;
    const track = async (outcome: GenerationOutcome | Promise<GenerationOutcome>): Promise<Reply[]> => {
      const o = await outcome;
      made.generationId = o.generationId;
      return o.replies;
    };
    const styles = this.styles;
    const requestKey = `${event.platform}:${event.eventId}`; // one generation per chat event, however often handled
    const typed = event.text?.trim() ?? '';
    const chat = appealChat(event);
    const photos = this.d.photos;
    if (event.photo && photos) return track(photos.received(account, event, requestKey));
    // After the Appeal button the next plain message is the explanation; any other command drops the question.
    if (this.d.appeals && cmd.name !== 'appeal') {
      if (cmd.name === 'video' && !/^[/／]/.test(typed)) {
        const filed = await this.d.appeals.answer(account.userId, chat, cmd.prompt);
        if (filed) return filed;
      } else {
        await this.d.appeals.forget(account.userId, chat);
      }
    }
    // A plain prompt right after a style was picked (/start s_anime, bare /style anime) is that style's prompt.
    if (cmd.name === 'video' && styles && !/^[/／]/.test(event.text?.trim() ?? '')) {
      const styled = await styles.pendingPrompt(account, cmd.prompt, requestKey);
      if (styled) return track(styled);
    }
    // A plain text right after a photo without caption is its motion prompt; "/animate" uses the default motion.
    if (photos && cmd.name === 'video' && !/^[/／]/.test(typed)) {
      const animated = await photos.followUp(account, event, cmd.prompt, requestKey);
      if (animated) return track(animated);
    }
    if (photos && cmd.name === 'unknown' && cmd.command.toLowerCase() === ANIMATE_COMMAND)
      return track(photos.animateNow(account, event, requestKey));
    switch (cmd.name) {
      case 'video':
        return track(gen.requestOutcome(account, { kind: 'video', prompt: cmd.prompt, requestKey }));
      case 'style':
        if (styles) {
          return track(
            styles.style(account, cmd.style, cmd.prompt, {
              requestKey,
              ...(event.repliedGenerationId ? { repliedGenerationId: event.repliedGenerationId } : {}),
            }),
          );
        }
        return track(
          gen.requestOutcome(account, {
            kind: 'style',
            style: cmd.style,
            prompt: cmd.prompt,
            requestKey,
            ...(event.repliedGenerationId ? { sourceGenerationId: event.repliedGenerationId } : {}),
          }),
        );
      case 'upscale':
        return track(
          gen.requestOutcome(account, {
            kind: 'upscale',
            prompt: '',
            resolution: '4k',
            requestKey,
            ...(event.repliedGenerationId ? { sourceGenerationId: event.repliedGenerationId } : {}),
          }),
        );
      case 'status':
        return gen.status(account);
      case 'cancel':
        return gen.cancel(account);
      case 'history':
        return gen.history(account);
      case 'appeal':
        return this.d.appeals
          ? this.d.appeals.command(account.userId, chat, cmd.text)
          : [text('bot.admin.unavailable')];
      case 'consent':
        return track(gen.consentOutcome(account, cmd.generationId, cmd.choice));
      case 'act':
        return this.d.actions ? track(this.d.actions.press(account, cmd.id)) : [text('actions.unknown')];
      case 'balance': {
        const b = await this.d.ledger.balance(account.userId);
        return [
          text(
            'bot.balance',
            { total: b.total, pollo: b.monthly_pollo, goenhance: b.monthly_goenhance, purchased: b.purchased },
            [choice('bot.choice.plans', '/plans')],
          ),
        ];
      }
      // biome-ignore lint/suspicious/noFallthroughSwitchClause: /plans without "cancel" is the link like /gallery
      case 'plans':
        if (cmd.cancel) return this.cancelRenewal(account);
      case 'gallery': {
        const url = await this.d.links.linkFor(account.userId, `/${cmd.name}`);
        return [
          { kind: 'link', message: { key: `bot.${cmd.name}.text` }, url, label: { key: `bot.${cmd.name}.button` } },
        ];
      }
      case 'link':
        if (cmd.code && cmd.answer) return this.d.linking.answer(account, cmd.code, cmd.answer);
        return cmd.code ? this.d.linking.redeem(account, cmd.code) : this.d.linking.issue(account);
      case 'settings': {
        if (cmd.autoPay === undefined) {
          return [
            text(account.autoPay ? 'bot.settings.autopay_is_on' : 'bot.settings.autopay_is_off', undefined, [
              choice('bot.choice.autopay_on', '/settings autopay on'),
              choice('bot.choice.autopay_off', '/settings autopay off'),
            ]),
          ];
        }
        await this.d.settings.setAutoPay(account.userId, cmd.autoPay);
        return [text(cmd.autoPay ? 'bot.settings.autopay_on' : 'bot.settings.autopay_off')];
      }
      case 'start': {
        const p = cmd.payload ? parseStartPayload(cmd.payload) : {};
        if (p.prompt) return this.offerPrompt(account, p.prompt);
        if (p.confirm) {
          const prompt = await this.deepLinks?.take(account.userId, p.confirm, requestKey);
          if (!prompt) return [text('bot.start.prompt_expired')];
          return track(gen.requestOutcome(account, { kind: 'video', prompt, requestKey }));
        }
        if (p.drop) {
          await this.deepLinks?.drop(account.userId, p.drop);
          return [text('bot.start.prompt_dropped')];
        }
        if (p.style) return styles ? styles.start(account, p.style) : [text('bot.start.style', { style: p.style })];
        if (p.action)
          return this.d.actions ? track(this.d.actions.press(account, p.action)) : [text('actions.unknown')];
        return [text('bot.welcome', undefined, HELP_CHOICES)];
      }
      case 'admin':
        return this.d.admin.run(account, event, cmd.sub, cmd.args, cmd.rest);
      case 'usage':
        if (cmd.command === 'style' && styles) return styles.usage(account);
        return [text(`bot.usage.${cmd.command}`)];
      case 'unknown':
        return [text('bot.unknown', { command: cmd.command }), text('bot.help', undefined, HELP_CHOICES)];
      case 'help':
      case 'empty':
        return [text('bot.help', undefined, HELP_CHOICES)];
      default:
        return [text('bot.help', undefined, HELP_CHOICES)];
    }
  }

  /** A deep link's prompt is someone else's words until the user confirms: shown, kept, nothing run or charged. */
  private async offerPrompt(account: Account, prompt: string): Promise<Reply[]> {
    if (!this.deepLinks || !prompt) return [text('bot.start.prompt_expired')];
    const id = await this.deepLinks.hold(account.userId, prompt);
    const shown = prompt.length > 500 ? `${prompt.slice(0, 499)}…` : prompt;
    return [
      text('bot.start.prompt_confirm', { prompt: shown }, [
        choice('bot.start.prompt_yes', `/start c_${id}`),
        choice('bot.start.prompt_no', `/start x_${id}`),
      ]),
    ];
  }

  /** A suspended user may still appeal (the suspension message says so): /appeal, and the explanation it asks for. */
  private async whileBanned(account: Account, event: ChatEvent): Promise<ChatResponse> {
    const banned = { replies: [text('bot.banned')], locale: account.locale };
    if (!this.d.appeals || event.kind !== 'message' || event.text === undefined) return banned;
    const cmd = parse(event.text);
    const chat = appealChat(event);
    const personal = (replies: Reply[]) => audience(event, { replies: markPersonal(replies), locale: account.locale });
    if (cmd.name === 'appeal') return personal(await this.d.appeals.command(account.userId, chat, cmd.text));
    if (cmd.name === 'video' && !/^[/／]/.test(event.text.trim())) {
      const filed = await this.d.appeals.answer(account.userId, chat, cmd.prompt);
      if (filed) return personal(filed);
    }
    return banned;
  }

  private async cancelRenewal(account: Account): Promise<Reply[]> {
    if (!this.d.billing) return [text('bot.plans.cancel_unavailable')];
    const r = await this.d.billing.cancelRenewal(account.userId);
    const date = r.endDate ? r.endDate.toISOString().slice(0, 10) : '';
    if (r.outcome === 'none')
      return [
        text(r.endDate ? 'bot.plans.nothing_renews_until' : 'bot.plans.nothing_renews', { plan: r.planName, date }),
      ];
    return [
      text(r.outcome === 'stopped' ? 'bot.plans.renewal_canceled' : 'bot.plans.renewal_canceling', {
        plan: r.planName,
        date,
      }),
    ];
  }

  private async lang(account: Account, wanted: string | undefined): Promise<ChatResponse> {
    const match = LOCALES.find((l) => l.toLowerCase() === wanted?.toLowerCase().replace('_', '-'));
    if (!isLocale(match)) {
      const choices = LOCALES.map((l) => ({
        label: { key: 'bot.lang.option', params: { name: NATIVE[l] } },
        command: `/lang ${l}`,
      }));
      return { replies: [text('bot.lang.choose', undefined, choices)], locale: account.locale };
    }
    await this.d.settings.setLocale(account.userId, match);
    return { replies: [text('bot.lang.set', { name: NATIVE[match] })], locale: match };
  }
}

/**
 * Where an appeal's explanation question waits: the user on that platform, not the chat. Asked in a group, the
 * question is answered in the one-to-one chat (it is personal), so the user's reply comes from there.
 */
const appealChat = (event: ChatEvent) => `${event.platform}:${event.platformUserId}`;

/** In a group (unless only the user sees the answer), personal replies leave `replies` for `direct`. */
function audience(event: ChatEvent, res: ChatResponse): ChatResponse {
  if (event.conversation !== 'group' || event.privateReplies) return res;
  const { shown, personal } = splitForGroup(res.replies);
  return { ...res, replies: shown, ...(personal.length ? { direct: personal } : {}) };
}

/** Language names in their own language, for the /lang buttons. */
const NATIVE: Record<Locale, string> = {
  en: 'English',
  ja: '日本語',
  'zh-TW': '繁體中文',
  ko: '한국어',
  es: 'Español',
};
