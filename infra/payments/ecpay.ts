// ECPay AIO (全方位金流): the AioCheckOut V5 form and the ReturnURL callback check.
// Sources: developers.ecpay.com.tw ?p=2902 / ?p=16623 (CheckMacValue), ?p=2864 (AioCheckOut V5 fields),
// ?p=2878 (payment result notification); official SDK ECPay/ECPayAIO_Node.js helper.js (urlencode_dot_net).
import crypto from 'node:crypto';

export interface EcpayConfig {
  merchantId: string;
  hashKey: string;
  hashIv: string;
  baseUrl: string;
}

/** .NET HttpUtility.UrlEncode semantics: space → '+', `- _ . ! * ( )` kept, everything else %-encoded (UTF-8). */
export function dotNetUrlEncode(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+').replace(/'/g, '%27').replace(/~/g, '%7e');
}

/** CheckMacValue: sort keys case-insensitively, wrap in HashKey/HashIV, .NET-urlencode, lower-case, hash, upper-case. */
export function checkMacValue(params: Record<string, string | number>, hashKey: string, hashIv: string, algo: 'sha256' | 'md5' = 'sha256'): string {
  const keys = Object.keys(params).filter((k) => k !== 'CheckMacValue')
    .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
  const raw = `HashKey=${hashKey}&${keys.map((k) => `${k}=${params[k]}`).join('&')}&HashIV=${hashIv}`;
  const encoded = dotNetUrlEncode(raw).toLowerCase();
  return crypto.createHash(algo).update(encoded, 'utf8').digest('hex').toUpperCase();
}

/** Constant-time comparison of a received CheckMacValue (case-insensitive) with the one we compute. */
export function verifyCheckMacValue(params: Record<string, string>, cfg: Pick<EcpayConfig, 'hashKey' | 'hashIv'>): boolean {
  const given = (params.CheckMacValue ?? '').toUpperCase();
  const want = checkMacValue(params, cfg.hashKey, cfg.hashIv);
  const a = Buffer.from(given);
  const b = Buffer.from(want);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** `yyyy/MM/dd HH:mm:ss` in Taiwan time, as MerchantTradeDate wants. */
export function merchantTradeDate(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}/${p(t.getUTCMonth() + 1)}/${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}`;
}

export interface CheckoutInput {
  orderNumber: string;
  amountTwd: number;
  itemName: string;
  returnUrl: string; // server callback
  orderResultUrl: string; // browser POST of the result (must differ from ReturnURL)
  clientBackUrl: string;
  now: Date;
}

/** The signed AioCheckOut V5 fields. */
export function checkoutFields(cfg: EcpayConfig, input: CheckoutInput): Record<string, string> {
  const fields: Record<string, string> = {
    MerchantID: cfg.merchantId,
    MerchantTradeNo: input.orderNumber,
    MerchantTradeDate: merchantTradeDate(input.now),
    PaymentType: 'aio',
    TotalAmount: String(input.amountTwd),
    TradeDesc: 'VidGo',
    ItemName: input.itemName.slice(0, 400),
    ReturnURL: input.returnUrl,
    OrderResultURL: input.orderResultUrl,
    ClientBackURL: input.clientBackUrl,
    ChoosePayment: 'ALL',
    EncryptType: '1',
  };
  fields.CheckMacValue = checkMacValue(fields, cfg.hashKey, cfg.hashIv);
  return fields;
}

export type CallbackVerdict =
  | { kind: 'paid'; orderNumber: string; tradeNo: string; amount: number }
  | { kind: 'not_paid' | 'simulated'; orderNumber: string }
  | { kind: 'invalid'; reason: 'signature' | 'merchant' | 'fields' };

/** Checks a ReturnURL callback body (urlencoded, UTF-8). Never branches on RtnMsg. */
export function readCallback(rawBody: string, cfg: EcpayConfig): CallbackVerdict {
  const params = Object.fromEntries(new URLSearchParams(rawBody));
  if (!params.CheckMacValue || !verifyCheckMacValue(params, cfg)) return { kind: 'invalid', reason: 'signature' };
  if (params.MerchantID !== cfg.merchantId) return { kind: 'invalid', reason: 'merchant' };
  const orderNumber = params.MerchantTradeNo ?? '';
  if (!/^[A-Za-z0-9]{1,20}$/.test(orderNumber) || !/^\d+$/.test(params.TradeAmt ?? '')) return { kind: 'invalid', reason: 'fields' };
  if (params.SimulatePaid === '1') return { kind: 'simulated', orderNumber };
  if (params.RtnCode !== '1') return { kind: 'not_paid', orderNumber };
  return { kind: 'paid', orderNumber, tradeNo: params.TradeNo ?? '', amount: Number(params.TradeAmt) };
}
