// LINE as one PlatformAdapter: the SDK's clients (sdk-clients.ts), the adapter, and POST /webhooks/line.
import { lineClients } from './sdk-clients.ts';
import type { InboxHandler } from '../inbox.ts';
import type { PlatformAdapter, PlatformDeps } from '../platform.ts';
import type { LineConfig } from './descriptor.ts';
import { LINE_SOURCE } from './inbound.ts';
import { LineAdapter } from './line-adapter.ts';
import { lineWebhookRoute } from './webhook-route.ts';

export function createLinePlatform(deps: PlatformDeps<LineConfig>): PlatformAdapter {
  const line = deps.config.line!;
  const { client: sdk, blob } = lineClients(line);
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
