// `npm run line:richmenu`: installs the rich menu of bot/line/rich-menu.json as every user's default, replacing
// the previous one (bot/line/rich-menu.ts), through the LINE SDK at LINE_API_BASE / LINE_DATA_API_BASE.
import { messagingApi } from '@line/bot-sdk';
import { loadConfig } from './config.ts';
import { drawRichMenu, installRichMenu, loadRichMenu } from '../bot/line/rich-menu.ts';
import { runFfmpeg } from '../infra/media/binaries.ts';

export async function setUpLineRichMenu(
  line: { channelAccessToken: string; apiBase: string; dataApiBase: string },
  file?: string,
) {
  const def = await loadRichMenu(file);
  const client = new messagingApi.MessagingApiClient({
    channelAccessToken: line.channelAccessToken,
    baseURL: line.apiBase,
  });
  const blob = new messagingApi.MessagingApiBlobClient({
    channelAccessToken: line.channelAccessToken,
    baseURL: line.dataApiBase,
  });
  return installRichMenu({ client, blob }, def, await drawRichMenu(def, (args) => runFfmpeg(args)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const config = loadConfig();
  if (!config.line) {
    console.error('LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are not set');
    process.exit(1);
  }
  const done = await setUpLineRichMenu(config.line);
  console.log(
    `rich menu ${done.richMenuId} is the default${done.deleted.length ? `; removed ${done.deleted.join(', ')}` : ''}`,
  );
}
