// The LINE rich menu (`npm run line:richmenu`): the main commands as tappable areas, from bot/line/rich-menu.json.
// Each area is a postback whose data is the command (inbound.ts reads postback data as the typed command, and
// displayText shows the same word in the chat), so one menu serves every language. The image is drawn from the
// same definition with ffmpeg (each area's label and command on a grid), so the picture always matches the areas.
// Steps: validate, create, upload the image (api-data.line.me), make it the default for every user, then delete
// older menus of the same name, so users are never left without one. Source: developers.line.biz/en/reference/
// messaging-api/#rich-menu, /docs/messaging-api/using-rich-menus/ (docs/platforms.md).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { messagingApi } from '@line/bot-sdk';

interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}
/** LINE's rich menu object with every field the menu needs present. */
export interface RichMenuDefinition {
  richMenu: messagingApi.RichMenuRequest & {
    size: { width: number; height: number };
    areas: { bounds: Bounds; action: messagingApi.Action }[];
    name: string;
  };
  image: { background: string; text: string; line: string };
}

export const RICH_MENU_FILE = fileURLToPath(new URL('./rich-menu.json', import.meta.url));
const FONT = fileURLToPath(new URL('../../assets/fonts/DejaVuSans-Bold.ttf', import.meta.url));

export async function loadRichMenu(file = RICH_MENU_FILE): Promise<RichMenuDefinition> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as RichMenuDefinition;
}

/** drawtext's text with the characters its filter syntax reserves escaped. */
const escapeText = (s: string) => s.replace(/[\\:',%[\]]/g, (c) => `\\${c}`);

/** Runs ffmpeg with these arguments to completion (infra/media/binaries.ts runFfmpeg: local files only, overwrite). */
export type FfmpegRunner = (args: string[]) => Promise<unknown>;

/** The menu's picture as PNG: one cell per area with its label and command. */
export async function drawRichMenu(def: RichMenuDefinition, ffmpeg: FfmpegRunner): Promise<Buffer> {
  const { width, height } = def.richMenu.size;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vidgo-richmenu-'));
  const out = path.join(dir, 'menu.png');
  const filters: string[] = [];
  for (const a of def.richMenu.areas) {
    const b = a.bounds;
    const act = a.action as { label?: string; data?: string; text?: string };
    const label = act.label ?? '';
    const command = act.data ?? act.text ?? '';
    filters.push(`drawbox=x=${b.x}:y=${b.y}:w=${b.width}:h=${b.height}:color=${def.image.line}:t=6`);
    filters.push(
      `drawtext=fontfile='${FONT}':text='${escapeText(label)}':fontcolor=${def.image.text}:fontsize=${Math.round(b.height / 4)}:x=${b.x}+(${b.width}-tw)/2:y=${b.y}+${b.height}*0.28`,
    );
    filters.push(
      `drawtext=fontfile='${FONT}':text='${escapeText(command)}':fontcolor=${def.image.text}@0.7:fontsize=${Math.round(b.height / 7)}:x=${b.x}+(${b.width}-tw)/2:y=${b.y}+${b.height}*0.64`,
    );
  }
  try {
    await ffmpeg([
      '-f',
      'lavfi',
      '-i',
      `color=c=${def.image.background}:s=${width}x${height},format=rgb24`,
      '-vf',
      filters.join(','),
      '-frames:v',
      '1',
      out,
    ]);
    return await fs.readFile(out);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export interface RichMenuClients {
  client: Pick<
    messagingApi.MessagingApiClient,
    'validateRichMenuObject' | 'createRichMenu' | 'setDefaultRichMenu' | 'getRichMenuList' | 'deleteRichMenu'
  >;
  blob: Pick<messagingApi.MessagingApiBlobClient, 'setRichMenuImage'>;
}

export async function installRichMenu(
  c: RichMenuClients,
  def: RichMenuDefinition,
  image: Buffer,
): Promise<{ richMenuId: string; deleted: string[] }> {
  await c.client.validateRichMenuObject(def.richMenu);
  const { richMenuId } = await c.client.createRichMenu(def.richMenu);
  await c.blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(image)], { type: 'image/png' }));
  await c.client.setDefaultRichMenu(richMenuId);
  const old = (await c.client.getRichMenuList()).richmenus.filter(
    (m) => m.name === def.richMenu.name && m.richMenuId !== richMenuId,
  );
  for (const m of old) await c.client.deleteRichMenu(m.richMenuId);
  return { richMenuId, deleted: old.map((m) => m.richMenuId) };
}
