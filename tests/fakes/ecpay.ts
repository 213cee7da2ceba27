// A local fake of ECPay AIO (stage): accepts the AioCheckOut V5 form (checking its CheckMacValue), shows a pay
// page, and on "pay" POSTs the signed ReturnURL callback server-to-server (retrying like ECPay until `1|OK`),
// then sends the browser to OrderResultURL with an auto-posting form. Formats: docs/outside-contracts.md §9. Periodic card
// payments (定期定額): the form's period fields are checked (sources in infra/payments/ecpay.ts) and a test sends each
// later authorization to PeriodReturnURL with periodBody()/sendPeriod(), signed like ECPay does.
// CreditCardPeriodAction (developers.ecpay.com.tw ?p=2900): a signed form POST with MerchantID, MerchantTradeNo,
// Action=Cancel|ReAuth and TimeStamp; the answer is a urlencoded k=v string with RtnCode (1 = success) and RtnMsg.
// A terminated periodic order stays terminated; ReAuth cannot be tested on stage (the fake refuses it likewise).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMacValue, verifyCheckMacValue } from '../../infra/payments/ecpay.ts';

export interface FakeEcpay {
  url: string;
  /** Checkout forms received, by MerchantTradeNo. */
  orders: Map<string, Record<string, string>>;
  /** Every callback reply the merchant gave (body text). */
  replies: string[];
  /** A signed ReturnURL callback body for an order, with any field overridden. */
  callbackBody(order: Record<string, string>, overrides?: Record<string, string>): string;
  /** A signed PeriodReturnURL body for the `count`-th successful authorization of a periodic order. */
  periodBody(order: Record<string, string>, count: number, overrides?: Record<string, string>): string;
  /** Posts a period body to the order's PeriodReturnURL; the merchant's reply text. */
  sendPeriod(order: Record<string, string>, body: string): Promise<string>;
  /** Every CreditCardPeriodAction request received (its fields and the answer given). */
  periodActions: { fields: Record<string, string>; answer: string }[];
  /** Periodic orders ECPay has terminated (Action=Cancel accepted). */
  terminated: Set<string>;
  /** The next `times` CreditCardPeriodAction calls fail: 'http' answers 500, 'refused' answers RtnCode≠1. */
  failActions(kind: 'http' | 'refused', times?: number): void;
  close(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:sans-serif;padding:1rem">${body}</body></html>`;
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const readBody = (req: http.IncomingMessage) =>
  new Promise<string>((resolve) => {
    let b = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (b += c));
    req.on('end', () => resolve(b));
  });

export async function startFakeEcpay(
  keys = { merchantId: '3002607', hashKey: 'pwFHCqoQZGmho4w6', hashIv: 'EkRm7iFT261dpevs' },
): Promise<FakeEcpay> {
  const orders = new Map<string, Record<string, string>>();
  const replies: string[] = [];
  const periodActions: FakeEcpay['periodActions'] = [];
  const terminated = new Set<string>();
  const actionFaults: ('http' | 'refused')[] = [];
  let tradeSeq = 0;

  const callbackBody = (order: Record<string, string>, overrides: Record<string, string> = {}) => {
    const p: Record<string, string> = {
      MerchantID: order.MerchantID!,
      MerchantTradeNo: order.MerchantTradeNo!,
      StoreID: '',
      RtnCode: '1',
      RtnMsg: '交易成功',
      TradeNo: `2511${String(++tradeSeq).padStart(12, '0')}`,
      TradeAmt: order.TotalAmount!,
      PaymentDate: order.MerchantTradeDate!,
      PaymentType: 'Credit_CreditCard',
      PaymentTypeChargeFee: '5',
      TradeDate: order.MerchantTradeDate!,
      SimulatePaid: '0',
      CustomField1: '',
      CustomField2: '',
      CustomField3: '',
      CustomField4: '',
      ...overrides,
    };
    p.CheckMacValue = checkMacValue(p, keys.hashKey, keys.hashIv);
    return new URLSearchParams(p).toString();
  };

  const periodBody = (order: Record<string, string>, count: number, overrides: Record<string, string> = {}) => {
    const p: Record<string, string> = {
      MerchantID: order.MerchantID!,
      MerchantTradeNo: order.MerchantTradeNo!,
      StoreID: '',
      RtnCode: '1',
      RtnMsg: '交易成功',
      PeriodType: order.PeriodType!,
      Frequency: order.Frequency!,
      ExecTimes: order.ExecTimes!,
      Amount: order.PeriodAmount!,
      Gwsr: String(11000000 + ++tradeSeq),
      ProcessDate: order.MerchantTradeDate!,
      AuthCode: '777777',
      FirstAuthAmount: order.TotalAmount!,
      TotalSuccessTimes: String(count),
      SimulatePaid: '0',
      CustomField1: '',
      CustomField2: '',
      CustomField3: '',
      CustomField4: '',
      ...overrides,
    };
    p.CheckMacValue = checkMacValue(p, keys.hashKey, keys.hashIv);
    return new URLSearchParams(p).toString();
  };
  const sendPeriod = async (order: Record<string, string>, body: string) => {
    const r = await fetch(order.PeriodReturnURL!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const text = await r.text();
    replies.push(text);
    return text;
  };
  // Per PeriodType: Frequency and ExecTimes ranges (support.ecpay.com.tw/?p=16214).
  const periodLimits: Record<string, { freq: number; times: number }> = {
    D: { freq: 365, times: 999 },
    M: { freq: 12, times: 99 },
    Y: { freq: 1, times: 9 },
  };
  const periodError = (f: Record<string, string>): string | null => {
    if (f.PeriodType === undefined && f.PeriodAmount === undefined && f.PeriodReturnURL === undefined) return null;
    const lim = periodLimits[f.PeriodType ?? ''];
    if (f.ChoosePayment !== 'Credit') return 'period needs ChoosePayment=Credit';
    if (!lim) return 'PeriodType';
    if (f.PeriodAmount !== f.TotalAmount) return 'PeriodAmount';
    const freq = Number(f.Frequency),
      times = Number(f.ExecTimes);
    if (!Number.isInteger(freq) || freq < 1 || freq > lim.freq) return 'Frequency';
    if (!Number.isInteger(times) || times < 1 || times > lim.times) return 'ExecTimes';
    if (!f.PeriodReturnURL) return 'PeriodReturnURL';
    return null;
  };

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const form = Object.fromEntries(new URLSearchParams(body));
    const html = (status: number, s: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(s);
    };
    if (req.method === 'POST' && req.url === '/Cashier/AioCheckOut/V5') {
      const required = [
        'MerchantID',
        'MerchantTradeNo',
        'MerchantTradeDate',
        'PaymentType',
        'TotalAmount',
        'TradeDesc',
        'ItemName',
        'ReturnURL',
        'ChoosePayment',
        'EncryptType',
      ];
      const missing = required.filter((k) => !form[k]);
      if (
        missing.length ||
        form.MerchantID !== keys.merchantId ||
        !verifyCheckMacValue(form, keys) ||
        !/^\d+$/.test(form.TotalAmount!)
      ) {
        return html(400, page('Error', `<p id="error">10200073 CheckMacValue Error ${esc(missing.join(','))}</p>`));
      }
      const bad = periodError(form);
      if (bad) return html(400, page('Error', `<p id="error">Parameter Error ${esc(bad)}</p>`));
      orders.set(form.MerchantTradeNo!, form);
      return html(
        200,
        page(
          'ECPay (fake)',
          `<h1>綠界 ECPay</h1><p id="amount">NT$ ${esc(form.TotalAmount!)}</p><p>${esc(form.ItemName!)}</p>
        <form method="post" action="/fake/pay"><input type="hidden" name="MerchantTradeNo" value="${esc(form.MerchantTradeNo!)}">
        <button id="pay" type="submit">Pay</button></form>`,
        ),
      );
    }
    if (req.method === 'POST' && req.url === '/Cashier/CreditCardPeriodAction') {
      const answer = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
      const reply = (a: string, status = 200) => {
        periodActions.push({ fields: form, answer: a });
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(a);
      };
      const fault = actionFaults.shift();
      if (fault === 'http') return reply('Internal Server Error', 500);
      const base = { MerchantID: form.MerchantID ?? '', MerchantTradeNo: form.MerchantTradeNo ?? '' };
      const stamp = Number(form.TimeStamp);
      if (form.MerchantID !== keys.merchantId || !verifyCheckMacValue(form, keys))
        return reply(answer({ ...base, RtnCode: '10200073', RtnMsg: 'CheckMacValue Error' }));
      if (!Number.isInteger(stamp) || Math.abs(Date.now() / 1000 - stamp) > 180)
        return reply(answer({ ...base, RtnCode: '10200050', RtnMsg: 'TimeStamp Error' }));
      if (fault === 'refused') return reply(answer({ ...base, RtnCode: '10100050', RtnMsg: 'System busy' }));
      const order = orders.get(form.MerchantTradeNo ?? '');
      if (!order?.PeriodType) return reply(answer({ ...base, RtnCode: '10100248', RtnMsg: 'Order not found' }));
      if (form.Action === 'ReAuth')
        return reply(answer({ ...base, RtnCode: '10100249', RtnMsg: 'ReAuth is not available on stage' }));
      if (form.Action !== 'Cancel') return reply(answer({ ...base, RtnCode: '10100247', RtnMsg: 'Action Error' }));
      if (terminated.has(order.MerchantTradeNo!))
        return reply(answer({ ...base, RtnCode: '10100251', RtnMsg: 'Order already terminated' }));
      terminated.add(order.MerchantTradeNo!);
      return reply(answer({ ...base, RtnCode: '1', RtnMsg: '成功' }));
    }
    if (req.method === 'POST' && req.url === '/fake/pay') {
      const order = orders.get(form.MerchantTradeNo ?? '');
      if (!order) return html(404, page('Error', 'unknown order'));
      const cb = callbackBody(order);
      // ECPay re-sends until it reads `1|OK`; a few quick tries are enough here.
      for (let i = 0; i < 3; i++) {
        const r = await fetch(order.ReturnURL!, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: cb,
        }).catch(() => null);
        const text = r ? await r.text() : 'network error';
        replies.push(text);
        if (text === '1|OK') break;
      }
      const result = new URLSearchParams(cb);
      const inputs = [...result].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('');
      return html(
        200,
        page(
          'Redirecting',
          `<form id="r" method="post" action="${esc(order.OrderResultURL ?? order.ClientBackURL ?? '')}">${inputs}</form><script>document.getElementById('r').submit()</script>`,
        ),
      );
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    orders,
    replies,
    callbackBody,
    periodBody,
    sendPeriod,
    periodActions,
    terminated,
    failActions: (kind, times = 1) => {
      for (let i = 0; i < times; i++) actionFaults.push(kind);
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
