// LINE as one PlatformAdapter: the SDK's clients (messages at LINE_API_BASE, message content such as photos at
// LINE_DATA_API_BASE, which is api-data.line.me, not api.line.me), the adapter, and POST /webhooks/line.
import { messagingApi } from '@line/bot-sdk';
import type { InboxHandler } from '../inbox.ts';
import type { PlatformAdapter, PlatformDeps } from '../platform.ts';
import type { LineConfig } from './descriptor.ts';
import { LINE_SOURCE } from './inbound.ts';
import { LineAdapter } from './line-adapter.ts';
import { lineWebhookRoute } from './webhook-route.ts';

export function createLinePlatform(deps: PlatformDeps<LineConfig>): PlatformAdapter {
  const line = deps.config.line!;
  const sdk = new messagingApi.MessagingApiClient({
    channelAccessToken: line.channelAccessToken,
    baseURL: line.apiBase,
  });
  const blob = new messagingApi.MessagingApiBlobClient({
    channelAccessToken: line.channelAccessToken,
    baseURL: line.dataApiBase,
  });
  const adapter = new LineAdapter({
    client: deps.countPushRefusals(sdk, 'pushMessage', 'line'),
    blob,
    core: deps.core,
    t: deps.t,
    store: deps.store,
    state: deps.state,
    log: deps.log,
  });
  const handle: InboxHandler = (ev, memo) => adapter.handleEvent(ev, memo);
  return {
    name: 'line',
    inbox: { source: LINE_SOURCE, handle },
    sender: adapter,
    routes: (server) => lineWebhookRoute(server, { ...deps.webhook, channelSecret: line.channelSecret, handle }),
  };
}
