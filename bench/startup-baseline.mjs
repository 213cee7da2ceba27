// The startup bench's baseline: a bare hapi server with one /health route, started the same way as the app
// (plain `node` on a .js file, PORT from the environment).
import Hapi from '@hapi/hapi';

const server = Hapi.server({ port: Number(process.env.PORT), host: '127.0.0.1' });
server.route({ method: 'GET', path: '/health', handler: () => ({ status: 'ok' }) });
await server.start();
const stop = async () => {
  await server.stop({ timeout: 1000 });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
