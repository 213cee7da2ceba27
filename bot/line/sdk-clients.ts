// The LINE SDK's two clients: messages at LINE_API_BASE, message content (photos, rich-menu images) at
// LINE_DATA_API_BASE, which is api-data.line.me, not api.line.me.
import { messagingApi } from '@line/bot-sdk';

export interface LineChannel {
  channelAccessToken: string;
  apiBase: string;
  dataApiBase: string;
}

export function lineClients(line: LineChannel) {
  return {
    client: new messagingApi.MessagingApiClient({ channelAccessToken: line.channelAccessToken, baseURL: line.apiBase }),
    blob: new messagingApi.MessagingApiBlobClient({
      channelAccessToken: line.channelAccessToken,
      baseURL: line.dataApiBase,
    }),
  };
}
