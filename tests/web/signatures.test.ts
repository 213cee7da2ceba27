// Signature checks against the providers' own published examples.
import { describe, expect, it } from 'vitest';
import { checkMacValue, readCallback, verifyCheckMacValue } from '../../infra/payments/ecpay.ts';
import { verifyPaddleSignature } from '../../infra/payments/paddle.ts';

describe('ECPay CheckMacValue', () => {
  // developers.ecpay.com.tw ?p=2902 (zh) / ?p=16623 (en): the AioCheckOut worked example with the stage keys.
  const example = {
    TradeDesc: '促銷方案',
    PaymentType: 'aio',
    MerchantTradeDate: '2023/03/12 15:30:23',
    MerchantTradeNo: 'ecpay20230312153023',
    MerchantID: '3002607',
    ReturnURL: 'https://www.ecpay.com.tw/receive.php',
    ItemName: 'Apple iphone 15',
    TotalAmount: '30000',
    ChoosePayment: 'ALL',
    EncryptType: '1',
  };
  it("matches ECPay's published SHA256 example", () => {
    expect(checkMacValue(example, 'pwFHCqoQZGmho4w6', 'EkRm7iFT261dpevs')).toBe(
      '6C51C9E6888DE861FD62FB1DD17029FC742634498FD813DC43D4243B5685B840',
    );
  });
  it("matches ECPay's published MD5 example (e-invoice, ?p=38242), empty field included", () => {
    const p = {
      RtnCode: '1',
      RtnMsg: '',
      IA_Allow_No: '1909181313013546',
      IA_Invoice_No: 'UV11100019',
      IA_Date: '2019-09-18 13:13:23',
      IIS_Remain_Allowance_Amt: '0',
    };
    expect(checkMacValue(p, 'ejCk326UnaZWKisg', 'q9jcZX8Ib9LM8wYk', 'md5')).toBe('50A276E71DAE26343013958B405EEEA0');
  });
  it('verifies case-insensitively and rejects any changed field', () => {
    const cfg = { hashKey: 'pwFHCqoQZGmho4w6', hashIv: 'EkRm7iFT261dpevs' };
    const signed = { ...example, CheckMacValue: '6c51c9e6888de861fd62fb1dd17029fc742634498fd813dc43d4243b5685b840' };
    expect(verifyCheckMacValue(signed, cfg)).toBe(true);
    expect(verifyCheckMacValue({ ...signed, TotalAmount: '30001' }, cfg)).toBe(false);
    expect(verifyCheckMacValue({ ...signed, CheckMacValue: 'short' }, cfg)).toBe(false);
  });
  it('reads a callback: simulated and failed payments are never "paid"', () => {
    const cfg = { merchantId: '3002607', hashKey: 'pwFHCqoQZGmho4w6', hashIv: 'EkRm7iFT261dpevs', baseUrl: 'http://x' };
    const body = (extra: Record<string, string>) => {
      const p: Record<string, string> = {
        MerchantID: '3002607',
        MerchantTradeNo: 'VG1',
        RtnCode: '1',
        RtnMsg: '交易成功',
        TradeNo: 'T1',
        TradeAmt: '299',
        SimulatePaid: '0',
        ...extra,
      };
      p.CheckMacValue = checkMacValue(p, cfg.hashKey, cfg.hashIv);
      return new URLSearchParams(p).toString();
    };
    expect(readCallback(body({}), cfg)).toEqual({ kind: 'paid', orderNumber: 'VG1', tradeNo: 'T1', amount: 299 });
    expect(readCallback(body({ SimulatePaid: '1' }), cfg).kind).toBe('simulated');
    expect(readCallback(body({ RtnCode: '10100058', RtnMsg: 'paid' }), cfg).kind).toBe('not_paid');
    expect(readCallback(body({ MerchantID: '2000132' }), cfg)).toEqual({ kind: 'invalid', reason: 'merchant' });
    expect(readCallback(body({}).replace('TradeAmt=299', 'TradeAmt=1'), cfg)).toEqual({
      kind: 'invalid',
      reason: 'signature',
    });
  });
});

describe('Paddle-Signature', () => {
  // PaddleHQ/paddle-node-sdk src/__tests__/notifications/webhooks-validator.node.test.ts (secret VALID_SECRET).
  const at = Date.parse('2023-11-01T00:00:00Z');
  const h = 'ts=1698796800;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9';
  it("accepts the SDK's valid examples", () => {
    expect(verifyPaddleSignature('{"data": ["1", "2"]}', h, 'VALID_SECRET', at)).toBe(true);
    expect(
      verifyPaddleSignature(
        '{"data": "value"}',
        'ts=1698796800;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261;h1=28981e941fae76e53db32f3d2a83cb69db41476595e84e1970a1b5d98f62b261;h2=RANDOM_HASH',
        'VALID_SECRET',
        at,
      ),
    ).toBe(true);
  });
  it('accepts when any of several h1 matches (secret rotation)', () => {
    expect(
      verifyPaddleSignature(
        '{"data": ["1", "2"]}',
        `ts=1698796800;h1=${'0'.repeat(64)};h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9`,
        'VALID_SECRET',
        at,
      ),
    ).toBe(true);
  });
  it("rejects the SDK's invalid examples", () => {
    expect(verifyPaddleSignature('{"data": ["1", "2"]}', h, 'INVALID_VALID_SECRET', at)).toBe(false);
    expect(verifyPaddleSignature('{ "data": [ "1", "2" ]}', h, 'VALID_SECRET', at)).toBe(false);
    expect(
      verifyPaddleSignature(
        '{"data": ["1", "2"]}',
        'ts=9876;h1=a300428748dce5c70e4da19bffd60769591ea969c99dea3105d0ec9612cf43f9',
        'VALID_SECRET',
        at,
      ),
    ).toBe(false);
    expect(verifyPaddleSignature('{"data": ["1", "2"]}', 'ts=1234;h1=invalid_signature', 'VALID_SECRET', at)).toBe(
      false,
    );
    for (const bad of ['invalid_header', 'h1=invalid_header', 'ts=1234;h2=invalid_header', undefined]) {
      expect(verifyPaddleSignature('{"data": ["1", "2"]}', bad, 'VALID_SECRET', at)).toBe(false);
    }
  });
  it('allows 5 s of clock difference, not 6', () => {
    expect(verifyPaddleSignature('{"data": ["1", "2"]}', h, 'VALID_SECRET', at + 5000)).toBe(true);
    expect(verifyPaddleSignature('{"data": ["1", "2"]}', h, 'VALID_SECRET', at + 6000)).toBe(false);
  });
});
