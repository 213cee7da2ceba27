// `npm run chat`: a terminal chat with the bot as a local user (the console platform), through the same core,
// jobs and media as the real platforms. Progress prints as lines; a finished video prints its URL and file.
// The chat serves its own web server, so every media URL and sign-in link it prints opens whether or not
// `npm start` runs beside it (both read the same data folder and database).
import net from 'node:net';
import os from 'node:os';
import readline from 'node:readline/promises';
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { composeApp } from './compose.ts';
import { createConsolePlatform } from '../bot/console/console-platform.ts';
import { resolveLocale } from '../infra/i18n.ts';

/** PORT when nothing holds it on this host, else a free one the system picks. */
async function listenablePort(preferred: number, host: string): Promise<number> {
  const attempt = (port: number) =>
    new Promise<number | null>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(null));
      probe.listen(port, host, () => {
        const got = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(got));
      });
    });
  return (await attempt(preferred)) ?? (await attempt(0))!;
}

const loaded = loadConfig();
const host = '127.0.0.1';
const log = createLogger(loaded.logLevel === 'info' ? 'warn' : loaded.logLevel);
const write = (line: string) => process.stdout.write(`${line}\n`);

/** The app on `port`, started; null when another program took the port between the probe and the start. */
async function startOn(port: number) {
  // The links name this process's own server: the loopback address, never `localhost` (it may resolve to ::1, where
  // another program can listen).
  const config = { ...loaded, port, host, publicBaseUrl: `http://${host}:${port}` };
  const app = await composeApp(config, log);
  const chat = app.chat;
  const adapter = createConsolePlatform({
    core: chat.dispatcher,
    t: chat.t,
    write,
    userId: os.userInfo().username,
    locale: Intl.DateTimeFormat().resolvedOptions().locale,
  });
  chat.hub.register(adapter.name, adapter.sender);
  try {
    await app.start();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    await app.stop();
    return null;
  }
  return { config, app, chat, adapter };
}

let started = await startOn(await listenablePort(loaded.port, host));
for (let i = 0; !started && i < 3; i++) started = await startOn(await listenablePort(0, host));
if (!started) throw new Error('no free port for the console web server');
const { config, app, chat, adapter } = started;

const greetIn = resolveLocale(Intl.DateTimeFormat().resolvedOptions().locale, config.defaultLocale);
write(chat.t.t(greetIn, { key: 'bot.console.greeting' }));
write(chat.t.t(greetIn, { key: 'bot.console.links', params: { url: config.publicBaseUrl } }));
const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
let inputEnded = false;
rl.on('close', () => (inputEnded = true));
rl.prompt();
for await (const line of rl) {
  // A failure here (the database restarting, a bug) is logged; the user reads the apology in their language.
  if (line.trim())
    await adapter.send(line).catch((err) => {
      log.error({ err }, 'console command failed');
      write(chat.t.t(config.defaultLocale, { key: 'bot.error' }));
    });
  // Input may end (Ctrl-D) while a command runs: Node 24 throws on a prompt after close.
  if (!inputEnded) rl.prompt();
}
// End of input (Ctrl-D): stop like `npm start` does, and never hang on a part that cannot stop.
setTimeout(() => {
  process.stderr.write('stopping took too long; leaving\n');
  process.exit(1);
}, 25_000).unref();
await app.stop();
// Agenda's lock-keeper sleeps for half a lock lifetime after its job ends: leave once everything is closed
// instead of waiting it out (npm start's app/main.ts does the same).
setTimeout(() => process.exit(0), 100).unref();
