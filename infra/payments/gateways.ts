// The two PaymentGateway implementations core/billing uses to start a checkout.
import type { CheckoutStart, OrderView, PaymentGateway } from '../../core/billing/ports.ts';
import { cancelPeriodicOrder, checkoutFields, type EcpayConfig } from './ecpay.ts';
import type { PaddleClient } from './paddle.ts';

export function ecpayGateway(cfg: EcpayConfig, publicBaseUrl: string): PaymentGateway {
  return {
    async begin(order: OrderView, ctx): Promise<CheckoutStart> {
      const fields = checkoutFields(cfg, {
        orderNumber: order.orderNumber,
        amountTwd: order.amountMinor,
        itemName: `VidGo ${order.itemName}`,
        returnUrl: `${publicBaseUrl}/api/v1/payments/ecpay/callback`,
        orderResultUrl: `${publicBaseUrl}/api/v1/payments/ecpay/result`,
        clientBackUrl: `${publicBaseUrl}/result?order=${order.orderNumber}`,
        now: ctx.now,
        ...(order.kind === 'plan' && order.autoRenew
          ? { periodReturnUrl: `${publicBaseUrl}/api/v1/payments/ecpay/period` }
          : {}),
      });
      return { kind: 'form', action: `${cfg.baseUrl.replace(/\/$/, '')}/Cashier/AioCheckOut/V5`, fields };
    },
    // ECPay stops at once (a terminated periodic order cannot be resumed): the paid period is ours to keep.
    stopSchedule: (ref) => cancelPeriodicOrder(cfg, ref),
  };
}

export function paddleGateway(
  client: PaddleClient,
  setExternalId: (order: string, id: string) => Promise<void>,
): PaymentGateway {
  return {
    async begin(order: OrderView): Promise<CheckoutStart> {
      const { transactionId, checkoutUrl } = await client.createCheckout({
        orderNumber: order.orderNumber,
        userId: order.userId,
        name: `VidGo ${order.itemName}`,
        amountUsdCents: order.amountMinor,
        recurring: order.kind === 'plan',
        paddlePriceId: order.paddlePriceId,
      });
      await setExternalId(order.orderNumber, transactionId);
      return { kind: 'redirect', url: checkoutUrl };
    },
    stopSchedule: (ref, opts) => client.cancelSubscription(ref, opts),
  };
}
