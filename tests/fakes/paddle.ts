// A local fake of Paddle Billing (sandbox API), in Paddle's documented shapes (developer.paddle.com api-reference and
// webhooks; SDK entities): POST /transactions with a Bearer key answers a transaction with a hosted checkout URL,
// priced from an ad-hoc price or a catalog price (pri_…, registered with addPrice) with tax computed per tax_mode;
// that page's "pay" completes the transaction (a recurring price starts a subscription, sub_…) and sends the signed
// webhooks (Paddle-Signature ts;h1 over `ts:rawBody`): transaction.completed, subscription.created.
// POST /subscriptions/{id}/cancel (effective_from immediately | next_billing_period) answers the subscription and,
// when immediate, sends subscription.canceled; cancelling a canceled one is Paddle's 400
// subscription_update_when_canceled. Helpers build renewals (origin subscription_recurring) and adjustments.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePaddle {
  url: string;
  transactions: Map<string, any>;
  subscriptions: Map<string, any>;
  requests: { method: string; path: string; auth: string | undefined; body: any }[];
  /** Signs and POSTs an event to the webhook URL; resolves the HTTP status. */
  send(event: object, opts?: { ts?: number; secret?: string; raw?: string }): Promise<number>;
  completedEvent(txId: string, overrides?: Record<string, unknown>): object;
  /** Pays a transaction as its checkout page does: completes it, starts its subscription, sends the webhooks. */
  pay(txId: string): Promise<{ subscriptionId: string | null }>;
  /** Applies a discount to a transaction before payment (a code the customer typed): percent of the subtotal. */
  discount(txId: string, percent: number, id?: string): void;
  /** A catalog price: amount in cents, monthly or one-time, tax mode. */
  addPrice(id: string, p: { amount: number; recurring: boolean; taxMode?: 'internal' | 'external' }): void;
  /** Tax rate the fake charges (e.g. 0.1); 0 by default. */
  setTaxRate(rate: number): void;
  /** The next renewal Paddle bills for a subscription: a completed transaction with origin subscription_recurring. */
  renewalEvent(subscriptionId: string): { event: object; txId: string };
  /** An adjustment event (refund, chargeback…) for a completed transaction. */
  adjustmentEvent(
    txId: string,
    a: { action: string; type?: 'full' | 'partial'; status?: string; amount?: number; eventType?: string; id?: string },
  ): object;
  close(): Promise<void>;
}

export function paddleSignature(raw: string, secret: string, ts = Math.floor(Date.now() / 1000)) {
  return `ts=${ts};h1=${crypto.createHmac('sha256', secret).update(`${ts}:${raw}`).digest('hex')}`;
}

const pid = (prefix: string) => `${prefix}_${crypto.randomBytes(13).toString('hex').slice(0, 26)}`;
const iso = (d = new Date()) => d.toISOString();

/** Paddle's transaction totals (strings of minor units) for one item at `amount`. */
function totals(amount: number, taxMode: 'internal' | 'external', rate: number, discountPct: number) {
  const discount = Math.round((amount * discountPct) / 100);
  const net = amount - discount;
  const tax = taxMode === 'internal' ? Math.round((net * rate) / (1 + rate)) : Math.round(net * rate);
  const total = taxMode === 'internal' ? net : net + tax;
  const subtotal = taxMode === 'internal' ? amount - Math.round((amount * rate) / (1 + rate)) : amount;
  const s = (n: number) => String(n);
  return {
    subtotal: s(subtotal),
    discount: s(discount),
    tax: s(tax),
    total: s(total),
    credit: '0',
    credit_to_balance: '0',
    balance: s(total),
    grand_total: s(total),
    grand_total_tax: s(tax),
    fee: null,
    earnings: null,
    currency_code: 'USD',
  };
}

export async function startFakePaddle(opts: {
  apiKey: string;
  webhookSecret: string;
  webhookUrl: () => string;
  returnUrl: (orderNumber: string) => string;
}): Promise<FakePaddle> {
  const transactions = new Map<string, any>();
  const subscriptions = new Map<string, any>();
  const prices = new Map<string, { amount: number; recurring: boolean; taxMode: 'internal' | 'external' }>();
  const requests: FakePaddle['requests'] = [];
  let taxRate = 0;
  let base = '';

  const envelope = (eventType: string, data: object) => ({
    event_id: pid('evt'),
    event_type: eventType,
    occurred_at: iso(),
    notification_id: pid('ntf'),
    data,
  });
  const completedEvent = (txId: string, overrides: Record<string, unknown> = {}) => {
    const tx = transactions.get(txId);
    return envelope('transaction.completed', { ...tx, status: 'completed', ...overrides });
  };
  const send: FakePaddle['send'] = async (event, o = {}) => {
    const raw = o.raw ?? JSON.stringify(event);
    const r = await fetch(opts.webhookUrl(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'paddle-signature': paddleSignature(raw, o.secret ?? opts.webhookSecret, o.ts),
      },
      body: raw,
    });
    await r.arrayBuffer();
    return r.status;
  };
  const price = (tx: any) => tx.items[0].price;
  const recompute = (tx: any) => {
    const p = price(tx);
    tx.details.totals = totals(
      Number(p.unit_price.amount),
      p.tax_mode === 'external' ? 'external' : 'internal',
      taxRate,
      tx.discount_pct ?? 0,
    );
  };

  const subscriptionEntity = (tx: any) => {
    const now = new Date();
    const next = new Date(now.getTime() + 30 * 86_400_000);
    const p = price(tx);
    return {
      id: pid('sub'),
      status: 'active',
      customer_id: tx.customer_id,
      address_id: tx.address_id,
      business_id: null,
      currency_code: 'USD',
      created_at: iso(now),
      updated_at: iso(now),
      started_at: iso(now),
      first_billed_at: iso(now),
      next_billed_at: iso(next),
      paused_at: null,
      canceled_at: null,
      discount: null,
      collection_mode: 'automatic',
      billing_details: null,
      current_billing_period: { starts_at: iso(now), ends_at: iso(next) },
      billing_cycle: { interval: 'month', frequency: 1 },
      scheduled_change: null,
      management_urls: { update_payment_method: null, cancel: `${base}/cancel` },
      items: [
        {
          status: 'active',
          quantity: 1,
          recurring: true,
          created_at: iso(now),
          updated_at: iso(now),
          previously_billed_at: iso(now),
          next_billed_at: iso(next),
          trial_dates: null,
          price: p,
          product: {
            id: p.product_id,
            name: p.name,
            type: 'standard',
            tax_category: 'standard',
            status: 'active',
            created_at: iso(now),
            updated_at: iso(now),
          },
        },
      ],
      custom_data: tx.custom_data,
      import_meta: null,
    };
  };

  const pay = async (txId: string) => {
    const tx = transactions.get(txId);
    if (!tx) throw new Error(`no transaction ${txId}`);
    let subscriptionId: string | null = null;
    if (price(tx).billing_cycle && !tx.subscription_id) {
      const sub = subscriptionEntity(tx);
      subscriptions.set(sub.id, sub);
      subscriptionId = tx.subscription_id = sub.id;
    }
    tx.status = 'completed';
    tx.billed_at = iso();
    await send(completedEvent(tx.id));
    if (subscriptionId) await send(envelope('subscription.created', subscriptions.get(subscriptionId)));
    return { subscriptionId };
  };

  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const json = (status: number, v: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    const error = (status: number, code: string, detail: string) =>
      json(status, {
        error: {
          type: 'request_error',
          code,
          detail,
          documentation_url: `https://developer.paddle.com/errors/shared/${code}`,
        },
        meta: { request_id: pid('req') },
      });
    const url = new URL(req.url ?? '/', base);
    const parsed = body ? JSON.parse(body) : {};
    if (req.method !== 'GET' || url.pathname !== '/checkout')
      requests.push({ method: req.method ?? '', path: url.pathname, auth: req.headers.authorization, body: parsed });
    const authorized = req.headers.authorization?.toLowerCase() === `bearer ${opts.apiKey}`;
    if (req.method === 'POST' && url.pathname === '/transactions') {
      if (!authorized) return error(403, 'forbidden', "You aren't permitted to perform this request.");
      const item = parsed.items?.[0];
      if (!item || !parsed.custom_data?.order_number) return error(400, 'bad_request', 'Invalid request.');
      let p: any;
      const now = iso();
      if (item.price_id) {
        const known = prices.get(item.price_id);
        if (!known) return error(404, 'not_found', `Entity ${item.price_id} not found`);
        p = {
          id: item.price_id,
          product_id: pid('pro'),
          description: item.price_id,
          name: item.price_id,
          type: 'standard',
          tax_mode: known.taxMode,
          unit_price: { amount: String(known.amount), currency_code: 'USD' },
          billing_cycle: known.recurring ? { interval: 'month', frequency: 1 } : null,
          trial_period: null,
          unit_price_overrides: [],
          quantity: { minimum: 1, maximum: 1 },
          status: 'active',
          created_at: now,
          updated_at: now,
        };
      } else {
        if (!item.price?.unit_price?.amount) return error(400, 'bad_request', 'Invalid request.');
        p = {
          id: pid('pri'),
          product_id: pid('pro'),
          description: item.price.description,
          name: item.price.name,
          type: 'custom',
          tax_mode: item.price.tax_mode ?? 'account_setting',
          unit_price: item.price.unit_price,
          billing_cycle: item.price.billing_cycle ?? null,
          trial_period: null,
          unit_price_overrides: [],
          quantity: { minimum: 1, maximum: 1 },
          status: 'active',
          created_at: now,
          updated_at: now,
        };
      }
      const id = pid('txn');
      const tx: any = {
        id,
        status: 'ready',
        customer_id: pid('ctm'),
        address_id: pid('add'),
        business_id: null,
        custom_data: parsed.custom_data,
        currency_code: 'USD',
        origin: 'api',
        subscription_id: null,
        invoice_id: null,
        invoice_number: null,
        collection_mode: 'automatic',
        discount_id: null,
        billing_details: null,
        billing_period: null,
        items: [{ price: p, quantity: 1 }],
        details: { tax_rates_used: [], totals: {}, line_items: [] },
        payments: [],
        checkout: { url: `${base}/checkout?_ptxn=${id}` },
        created_at: now,
        updated_at: now,
        billed_at: null,
      };
      recompute(tx);
      transactions.set(id, tx);
      return json(201, { data: tx, meta: { request_id: pid('req') } });
    }
    const cancel = /^\/subscriptions\/([^/]+)\/cancel$/.exec(url.pathname);
    if (req.method === 'POST' && cancel) {
      if (!authorized) return error(403, 'forbidden', "You aren't permitted to perform this request.");
      const sub = subscriptions.get(cancel[1]!);
      if (!sub) return error(404, 'not_found', `Entity ${cancel[1]} not found`);
      if (sub.status === 'canceled')
        return error(
          400,
          'subscription_update_when_canceled',
          'cannot update subscription, as subscription is canceled',
        );
      if (parsed.effective_from === 'immediately') {
        Object.assign(sub, {
          status: 'canceled',
          canceled_at: iso(),
          next_billed_at: null,
          scheduled_change: null,
          updated_at: iso(),
        });
        setImmediate(() => void send(envelope('subscription.canceled', sub)).catch(() => {}));
      } else {
        Object.assign(sub, {
          scheduled_change: { action: 'cancel', effective_at: sub.next_billed_at, resume_at: null },
          updated_at: iso(),
        });
        setImmediate(() => void send(envelope('subscription.updated', sub)).catch(() => {}));
      }
      return json(200, { data: sub, meta: { request_id: pid('req') } });
    }
    if (req.method === 'GET' && url.pathname === '/checkout') {
      const tx = transactions.get(url.searchParams.get('_ptxn') ?? '');
      if (!tx) return json(404, {});
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(
        `<!doctype html><html><head><meta charset="utf-8"><title>Paddle (fake)</title></head><body><h1>Paddle</h1><p id="amount">$${(Number(tx.details.totals.grand_total) / 100).toFixed(2)}</p><form method="post" action="/checkout/pay?_ptxn=${tx.id}"><button id="pay">Pay</button></form></body></html>`,
      );
    }
    if (req.method === 'POST' && url.pathname === '/checkout/pay') {
      const tx = transactions.get(url.searchParams.get('_ptxn') ?? '');
      if (!tx) return json(404, {});
      await pay(tx.id);
      res.writeHead(303, { location: opts.returnUrl(tx.custom_data.order_number) });
      return res.end();
    }
    error(404, 'not_found', 'not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    transactions,
    subscriptions,
    requests,
    send,
    completedEvent,
    pay,
    discount(txId, percent, id = pid('dsc')) {
      const tx = transactions.get(txId);
      tx.discount_id = id;
      tx.discount_pct = percent;
      recompute(tx);
    },
    addPrice: (id, p) => void prices.set(id, { ...p, taxMode: p.taxMode ?? 'internal' }),
    setTaxRate: (rate) => {
      taxRate = rate;
    },
    renewalEvent(subscriptionId) {
      const sub = subscriptions.get(subscriptionId);
      const first = [...transactions.values()].find((t) => t.subscription_id === subscriptionId);
      const id = pid('txn');
      const tx = {
        ...first,
        id,
        origin: 'subscription_recurring',
        status: 'completed',
        subscription_id: subscriptionId,
        custom_data: sub.custom_data,
        discount_id: null,
        discount_pct: 0,
        checkout: null,
        billed_at: iso(),
        created_at: iso(),
        updated_at: iso(),
        details: { ...first.details },
      };
      recompute(tx);
      transactions.set(id, tx);
      return { event: envelope('transaction.completed', tx), txId: id };
    },
    adjustmentEvent(txId, a) {
      const tx = transactions.get(txId);
      const t = tx.details.totals;
      const amount = a.amount ?? Number(t.grand_total);
      const tax = Math.round((Number(t.grand_total_tax) * amount) / Math.max(1, Number(t.grand_total)));
      return envelope(a.eventType ?? 'adjustment.created', {
        id: a.id ?? pid('adj'),
        action: a.action,
        type: a.type ?? 'full',
        transaction_id: txId,
        subscription_id: tx.subscription_id,
        customer_id: tx.customer_id,
        reason: 'requested by customer',
        credit_applied_to_balance: null,
        currency_code: 'USD',
        status: a.status ?? 'approved',
        items: [
          {
            id: pid('adjitm'),
            item_id: pid('txnitm'),
            type: a.type ?? 'full',
            amount: String(amount),
            proration: null,
            totals: { subtotal: String(amount - tax), tax: String(tax), total: String(amount) },
          },
        ],
        totals: {
          subtotal: String(amount - tax),
          tax: String(tax),
          total: String(amount),
          fee: '0',
          earnings: '0',
          currency_code: 'USD',
        },
        payout_totals: null,
        created_at: iso(),
        updated_at: iso(),
      });
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
