// The chat platforms this app can serve, one line each. app/wire-bot.ts builds those the config turns on, registers
// their senders into the NotifierHub and their routes on the server; resumePending covers their inbox sources.
import { discordPlatform } from './discord/descriptor.ts';
import { linePlatform } from './line/descriptor.ts';
import { telegramPlatform } from './telegram/descriptor.ts';

export const PLATFORM_REGISTRY = [linePlatform, telegramPlatform, discordPlatform];
