// The one error mapper (web/errors.ts): any DomainError a route throws answers its kind's status and its code,
// a LedgerError included (it used to be a 500); billing codes keep their statuses and Retry-After.
import Hapi from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapErrors } from '../../web/errors.ts';
import { LedgerError } from '../../core/ledger/errors.ts';
import { BillingError } from '../../core/billing/billing-service.ts';

let server: Hapi.Server;

beforeAll(async () => {
  server = Hapi.server({ host: '127.0.0.1', port: 0 });
  mapErrors(server);
  const throwing = (path: string, err: () => Error) =>
    server.route({
      method: 'GET',
      path,
      handler: async () => {
        throw err();
      },
    });
  throwing('/committed', () => new LedgerError('already_committed', 'release refused'));
  throwing('/missing', () => new LedgerError('reservation_not_found', 'no such reservation'));
  throwing('/bad', () => new LedgerError('invalid_argument', 'bad amount'));
  throwing('/busy', () => new BillingError('too_many_checkouts'));
  throwing('/gateway', () => new BillingError('gateway_failed'));
  throwing('/plain', () => new Error('boom'));
  await server.initialize();
});
afterAll(() => server.stop());

describe('DomainError → HTTP', () => {
  it('maps a LedgerError from a route to its kind’s status, with its code', async () => {
    const r = await server.inject('/committed');
    expect(r.statusCode).toBe(409);
    expect(r.result).toMatchObject({ code: 'already_committed' });
    expect((await server.inject('/missing')).statusCode).toBe(404);
    expect((await server.inject('/bad')).statusCode).toBe(400);
  });

  it('keeps the billing codes’ statuses and Retry-After', async () => {
    const busy = await server.inject('/busy');
    expect(busy.statusCode).toBe(429);
    expect(busy.headers['retry-after']).toBe('3600');
    expect(busy.result).toMatchObject({ code: 'too_many_checkouts' });
    expect((await server.inject('/gateway')).statusCode).toBe(502);
  });

  it('leaves other errors alone', async () => {
    expect((await server.inject('/plain')).statusCode).toBe(500);
  });
});
