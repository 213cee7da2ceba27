// `npm run line:richmenu`: installs the rich menu of bot/line/rich-menu.json as every user's default, replacing
// the previous one (bot/line/rich-menu.ts), through the LINE SDK at LINE_API_BASE / LINE_DATA_API_BASE.
import { lineClients, type LineChannel } from '../bot/line/sdk-clients.ts';
import { loadConfig } from './config.ts';
import { drawRichMenu, installRichMenu, loadRichMenu } from '../bot/line/rich-menu.ts';
import { runFfmpeg } from '../infra/media/binaries.ts';

export async function setUpLineRichMenu(line: LineChannel, file?: string) {
  const def = await loadRichMenu(file);
  return installRichMenu(lineClients(line), def, await drawRichMenu(def, (args) => runFfmpeg(args)));
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
