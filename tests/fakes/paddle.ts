// A local fake of Paddle Billing (sandbox API): POST /transactions with a Bearer key answers a transaction with a
// hosted checkout URL; that page's "pay" sends a signed `transaction.completed` webhook (Paddle-Signature
// ts;h1 over `ts:rawBody`) to the merchant and returns the browser. Formats: api-contracts.md §10.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePaddle {
  url: string;
  transactions: Map<string, any>;
  requests: { path: string; auth: string | undefined; body: any }[];
  /** Signs and POSTs an event to the webhook URL; resolves the HTTP status. */
  send(event: object, opts?: { ts?: number; secret?: string; raw?: string }): Promise<number>;
  completedEvent(txId: string, overrides?: Record<string, unknown>): object;
  close(): Promise<void>;
}

export function paddleSignature(raw: string, secret: string, ts = Math.floor(Date.now() / 1000)) {
  return `ts=${ts};h1=${crypto.createHmac('sha256', secret).update(`${ts}:${raw}`).digest('hex')}`;
}

export async function startFakePaddle(opts: { apiKey: string; webhookSecret: string; webhookUrl: () => string; returnUrl: (orderNumber: string) => string }): Promise<FakePaddle> {
  const transactions = new Map<string, any>();
  const requests: FakePaddle['requests'] = [];
  let seq = 0;
  let base = '';

  const completedEvent = (txId: string, overrides: Record<string, unknown> = {}) => {
    const tx = transactions.get(txId);
    return {
      event_id: `evt_${crypto.randomBytes(8).toString('hex')}`, event_type: 'transaction.completed', occurred_at: new Date().toISOString(),
      notification_id: `ntf_${crypto.randomBytes(8).toString('hex')}`,
      data: { ...tx, status: 'completed', origin: 'web', ...overrides },
    };
  };
  const send: FakePaddle['send'] = async (event, o = {}) => {
    const raw = o.raw ?? JSON.stringify(event);
    const r = await fetch(opts.webhookUrl(), {
      method: 'POST', headers: { 'content-type': 'application/json', 'paddle-signature': paddleSignature(raw, o.secret ?? opts.webhookSecret, o.ts) }, body: raw,
    });
    await r.arrayBuffer();
    return r.status;
  };

  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const json = (status: number, v: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
    const url = new URL(req.url ?? '/', base);
    if (req.method === 'POST' && url.pathname === '/transactions') {
      const parsed = JSON.parse(body || '{}');
      requests.push({ path: url.pathname, auth: req.headers.authorization, body: parsed });
      if (req.headers.authorization?.toLowerCase() !== `bearer ${opts.apiKey}`) {
        return json(403, { error: { type: 'request_error', code: 'forbidden', detail: 'You aren\'t permitted to perform this request.' }, meta: { request_id: 'req_1' } });
      }
      const item = parsed.items?.[0];
      const amount = item?.price?.unit_price?.amount;
      if (!item || !amount || !parsed.custom_data?.order_number) {
        return json(400, { error: { type: 'request_error', code: 'bad_request', detail: 'Invalid request.' }, meta: { request_id: 'req_2' } });
      }
      const id = `txn_${String(++seq).padStart(26, '0')}`;
      const totals = { subtotal: amount, tax: '0', discount: '0', total: amount, grand_total: amount, fee: null, earnings: null, currency_code: 'USD', credit: '0', balance: amount, credit_to_balance: '0' };
      const tx = {
        id, status: 'ready', customer_id: null, address_id: null, business_id: null, custom_data: parsed.custom_data, currency_code: 'USD',
        origin: 'api', subscription_id: null, invoice_id: null, invoice_number: null, collection_mode: 'automatic', discount_id: null,
        billing_details: null, billing_period: null,
        items: [{ price: { id: `pri_${seq}`, description: item.price.description, name: item.price.name, unit_price: item.price.unit_price, billing_cycle: item.price.billing_cycle ?? null, quantity: { minimum: 1, maximum: 1 }, status: 'active' }, quantity: 1 }],
        details: { tax_rates_used: [], totals, line_items: [] }, payments: [],
        checkout: { url: `${base}/checkout?_ptxn=${id}` }, created_at: new Date().toISOString(), updated_at: new Date().toISOString(), billed_at: null,
      };
      transactions.set(id, tx);
      return json(201, { data: tx, meta: { request_id: `req_${seq}` } });
    }
    if (req.method === 'GET' && url.pathname === '/checkout') {
      const tx = transactions.get(url.searchParams.get('_ptxn') ?? '');
      if (!tx) return json(404, {});
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Paddle (fake)</title></head><body><h1>Paddle</h1><p id="amount">$${(Number(tx.details.totals.grand_total) / 100).toFixed(2)}</p><form method="post" action="/checkout/pay?_ptxn=${tx.id}"><button id="pay">Pay</button></form></body></html>`);
    }
    if (req.method === 'POST' && url.pathname === '/checkout/pay') {
      const tx = transactions.get(url.searchParams.get('_ptxn') ?? '');
      if (!tx) return json(404, {});
      await send(completedEvent(tx.id));
      res.writeHead(303, { location: opts.returnUrl(tx.custom_data.order_number) });
      return res.end();
    }
    json(404, { error: { type: 'request_error', code: 'not_found', detail: 'not found' } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, transactions, requests, send, completedEvent, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
