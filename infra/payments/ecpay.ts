// ECPay AIO (全方位金流): the AioCheckOut V5 form and the ReturnURL callback check.
// Sources: developers.ecpay.com.tw ?p=2902 / ?p=16623 (CheckMacValue), ?p=2864 (AioCheckOut V5 fields),
// ?p=2878 (payment result notification); official SDK ECPay/ECPayAIO_Node.js helper.js (urlencode_dot_net).
// Periodic card payments (定期定額): official SDK example/aio_check_out_credit_period.js and payment_client.js
// (ChoosePayment=Credit plus PeriodAmount, PeriodType, Frequency, ExecTimes, PeriodReturnURL, all under the one
// CheckMacValue), lib/ecpay_payment/ECpayPayment.xml (PeriodType Y|M|D); limits per PeriodType from
// support.ecpay.com.tw/?p=16214 (month: Frequency 1–12, ExecTimes 1–99). PeriodReturnURL callback fields as in the
// OpenAPI description Laysi/go-ecpay-sdk base/docs/CallBackApi.md (CallbackPeriodReturnURLPost). UNCONFIRMED from a
// primary source here: that PeriodAmount must equal TotalAmount (the SDK only notes "total amount protection"), that
// ExecTimes counts the first authorization, and the exact PeriodReturnURL reply (we answer `1|OK` like ReturnURL).
// Stopping a periodic order: developers.ecpay.com.tw ?p=2900 (信用卡定期定額訂單作業, CreditCardPeriodAction: form
// POST of MerchantID, MerchantTradeNo, Action=Cancel|ReAuth, TimeStamp, CheckMacValue; RtnCode=1 is success; a
// terminated order cannot be re-enabled) and the official PHP SDK example/Payment/Aio/CreditCardPeriodAction.php
// (PostWithCmvEncodedStrResponseService: the answer is a urlencoded k=v string).
import crypto from 'node:crypto';
import { safeEqual } from '../crypto/safe-equal.ts';
import type { EcpayPaymentNotice, EcpayPeriodNotice } from '../../core/billing/ports.ts';

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
export function checkMacValue(
  params: Record<string, string | number>,
  hashKey: string,
  hashIv: string,
  algo: 'sha256' | 'md5' = 'sha256',
): string {
  const keys = Object.keys(params)
    .filter((k) => k !== 'CheckMacValue')
    .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
  const raw = `HashKey=${hashKey}&${keys.map((k) => `${k}=${params[k]}`).join('&')}&HashIV=${hashIv}`;
  const encoded = dotNetUrlEncode(raw).toLowerCase();
  return crypto.createHash(algo).update(encoded, 'utf8').digest('hex').toUpperCase();
}

/** Constant-time comparison of a received CheckMacValue (case-insensitive) with the one we compute. */
export function verifyCheckMacValue(
  params: Record<string, string>,
  cfg: Pick<EcpayConfig, 'hashKey' | 'hashIv'>,
): boolean {
  const given = (params.CheckMacValue ?? '').toUpperCase();
  return safeEqual(given, checkMacValue(params, cfg.hashKey, cfg.hashIv));
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
  /** Monthly auto-renewal by card: where ECPay posts each later authorization. */
  periodReturnUrl?: string;
}

/** Monthly, as many times as ECPay allows for PeriodType=M (support.ecpay.com.tw/?p=16214: 1–99). */
export const MONTHLY_EXEC_TIMES = 99;

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
  if (input.periodReturnUrl) {
    // Periodic payments are card-only; the first authorization is TotalAmount and every later one PeriodAmount.
    Object.assign(fields, {
      ChoosePayment: 'Credit',
      PeriodAmount: String(input.amountTwd),
      PeriodType: 'M',
      Frequency: '1',
      ExecTimes: String(MONTHLY_EXEC_TIMES),
      PeriodReturnURL: input.periodReturnUrl,
    });
  }
  fields.CheckMacValue = checkMacValue(fields, cfg.hashKey, cfg.hashIv);
  return fields;
}

export type CallbackVerdict = EcpayPaymentNotice;

/** Checks a ReturnURL callback body (urlencoded, UTF-8). Never branches on RtnMsg. */
export function readCallback(rawBody: string, cfg: EcpayConfig): CallbackVerdict {
  const params = Object.fromEntries(new URLSearchParams(rawBody));
  if (!params.CheckMacValue || !verifyCheckMacValue(params, cfg)) return { kind: 'invalid', reason: 'signature' };
  if (params.MerchantID !== cfg.merchantId) return { kind: 'invalid', reason: 'merchant' };
  const orderNumber = params.MerchantTradeNo ?? '';
  if (!/^[A-Za-z0-9]{1,20}$/.test(orderNumber) || !/^\d+$/.test(params.TradeAmt ?? ''))
    return { kind: 'invalid', reason: 'fields' };
  if (params.SimulatePaid === '1') return { kind: 'simulated', orderNumber };
  if (params.RtnCode !== '1') return { kind: 'not_paid', orderNumber };
  return { kind: 'paid', orderNumber, tradeNo: params.TradeNo ?? '', amount: Number(params.TradeAmt) };
}

export type PeriodVerdict = EcpayPeriodNotice;

/**
 * Checks a PeriodReturnURL callback (one later authorization of a periodic order). MerchantTradeNo is the first
 * order's; TotalSuccessTimes counts successful authorizations so far (the first one included), which makes
 * (MerchantTradeNo, TotalSuccessTimes) the key of one renewal. Never branches on RtnMsg.
 */
export function readPeriodCallback(rawBody: string, cfg: EcpayConfig): PeriodVerdict {
  const params = Object.fromEntries(new URLSearchParams(rawBody));
  if (!params.CheckMacValue || !verifyCheckMacValue(params, cfg)) return { kind: 'invalid', reason: 'signature' };
  if (params.MerchantID !== cfg.merchantId) return { kind: 'invalid', reason: 'merchant' };
  const orderNumber = params.MerchantTradeNo ?? '';
  const int = (v: string | undefined) => (/^\d{1,9}$/.test(v ?? '') ? Number(v) : NaN);
  const count = int(params.TotalSuccessTimes);
  const amount = int(params.Amount);
  if (!/^[A-Za-z0-9]{1,20}$/.test(orderNumber) || Number.isNaN(count) || Number.isNaN(amount))
    return { kind: 'invalid', reason: 'fields' };
  if (params.SimulatePaid === '1') return { kind: 'simulated', orderNumber, count, rtnCode: params.RtnCode ?? '' };
  if (params.RtnCode !== '1') return { kind: 'not_paid', orderNumber, count, rtnCode: params.RtnCode ?? '' };
  return {
    kind: 'paid',
    orderNumber,
    count,
    execTimes: int(params.ExecTimes) || MONTHLY_EXEC_TIMES,
    amount,
    gwsr: params.Gwsr ?? '',
  };
}

export class EcpayActionError extends Error {
  constructor(
    readonly rtnCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'EcpayActionError';
  }
}

/**
 * Ends a periodic order's later authorizations (CreditCardPeriodAction, Action=Cancel), server to server. Resolves
 * on RtnCode=1; throws EcpayActionError with ECPay's code otherwise, or on a network error or non-2xx answer.
 */
export async function cancelPeriodicOrder(
  cfg: EcpayConfig,
  merchantTradeNo: string,
  now = new Date(),
  timeoutMs = 30_000,
): Promise<void> {
  const fields: Record<string, string> = {
    MerchantID: cfg.merchantId,
    MerchantTradeNo: merchantTradeNo,
    Action: 'Cancel',
    TimeStamp: String(Math.floor(now.getTime() / 1000)),
  };
  fields.CheckMacValue = checkMacValue(fields, cfg.hashKey, cfg.hashIv);
  const res = await fetch(`${cfg.baseUrl.replace(/\/$/, '')}/Cashier/CreditCardPeriodAction`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new EcpayActionError('', `ECPay CreditCardPeriodAction answered HTTP ${res.status}`);
  const answer = Object.fromEntries(new URLSearchParams(text.trim()));
  // Where ECPay signs the answer, the signature must hold; the order it names must be ours.
  if (answer.CheckMacValue && !verifyCheckMacValue(answer, cfg))
    throw new EcpayActionError('', 'ECPay CreditCardPeriodAction answer has a bad CheckMacValue');
  if (answer.MerchantTradeNo && answer.MerchantTradeNo !== merchantTradeNo)
    throw new EcpayActionError('', 'ECPay CreditCardPeriodAction answered for another order');
  if (answer.RtnCode !== '1')
    throw new EcpayActionError(
      answer.RtnCode ?? '',
      `ECPay CreditCardPeriodAction refused: ${answer.RtnCode ?? '?'} ${answer.RtnMsg ?? text.slice(0, 100)}`,
    );
}
