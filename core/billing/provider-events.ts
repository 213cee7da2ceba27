// Verified provider callbacks into billing: what each ECPay and Paddle notification means, handed to the billing
// service once, and the answer the provider is owed. ECPay: `1|OK` only once the payment is durably recorded (or
// there was nothing to record), `0|…` otherwise so it retries; SimulatePaid=1 never credits; the first periodic
// authorization is the checkout itself. Paddle: deduplicated on event_id. Sources: docs/payments.md.
import type {
  BillingEvent,
  EcpayPaymentNotice,
  EcpayPeriodNotice,
  EventOutcome,
  PaddleTranslator,
  PaymentMethod,
} from './ports.ts';

type Log = { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };

export interface ProviderEventsDeps {
  billing: {
    handle(event: BillingEvent): Promise<EventOutcome>;
    handleOnce(source: PaymentMethod, eventId: string, event: BillingEvent | null): Promise<EventOutcome>;
  };
  paddle: PaddleTranslator;
  log: Log;
}

/** What ECPay is answered: recorded (even a charge kept for a refund), a mismatch, or a failure it should retry. */
export type EcpayAnswer = 'ok' | 'mismatch' | 'error';

/** What Paddle is answered: handled, handled before (a redelivery), or an envelope that is not an event. */
export type PaddleAnswer = 'ok' | 'duplicate' | 'bad_event';

const ecpayAnswer = (r: EventOutcome): EcpayAnswer => (r === 'rejected' || r === 'unknown' ? 'mismatch' : 'ok');

export class ProviderEvents {
  constructor(private readonly d: ProviderEventsDeps) {}

  /** ECPay ReturnURL. `raw`: the callback's fields, kept with the payment. */
  async ecpayPayment(
    n: Exclude<EcpayPaymentNotice, { kind: 'invalid' }>,
    raw: Record<string, string>,
  ): Promise<EcpayAnswer> {
    if (n.kind !== 'paid') {
      this.d.log.info({ order: n.orderNumber, kind: n.kind }, 'ecpay callback without payment; nothing changed');
      return 'ok';
    }
    try {
      const r = await this.d.billing.handle({
        kind: 'paid',
        orderNumber: n.orderNumber,
        payment: { provider: 'ecpay', externalId: n.tradeNo, amountMinor: n.amount, currency: 'TWD', raw },
      });
      return ecpayAnswer(r);
    } catch (err) {
      this.d.log.error({ err, order: n.orderNumber }, 'ecpay fulfilment failed; ECPay will retry');
      return 'error';
    }
  }

  /** ECPay PeriodReturnURL: a later authorization of a periodic order renews the plan. */
  async ecpayPeriod(
    n: Exclude<EcpayPeriodNotice, { kind: 'invalid' }>,
    raw: Record<string, string>,
  ): Promise<EcpayAnswer> {
    if (n.kind !== 'paid') {
      // A failed authorization changes nothing: the subscription runs to its end date.
      this.d.log.warn(
        { order: n.orderNumber, count: n.count, kind: n.kind, rtnCode: n.rtnCode },
        'ecpay periodic authorization without payment; nothing changed',
      );
      return 'ok';
    }
    if (n.count < 2) {
      // The first authorization is the checkout itself, fulfilled from ReturnURL.
      this.d.log.info(
        { order: n.orderNumber, count: n.count },
        'ecpay period callback for the first authorization; nothing to do',
      );
      return 'ok';
    }
    try {
      const r = await this.d.billing.handle({
        kind: 'renewal',
        provider: 'ecpay',
        scheduleRef: n.orderNumber,
        orderHint: n.orderNumber,
        chargeKey: String(n.count),
        last: n.count >= n.execTimes,
        payment: { provider: 'ecpay', externalId: n.gwsr, amountMinor: n.amount, currency: 'TWD', raw },
      });
      return ecpayAnswer(r);
    } catch (err) {
      this.d.log.error({ err, order: n.orderNumber, count: n.count }, 'ecpay renewal failed; ECPay will retry');
      return 'error';
    }
  }

  /** A Paddle notification, parsed from its verified body: handled once per event_id. */
  async paddle(body: unknown): Promise<PaddleAnswer> {
    const e = body as { event_id?: unknown; event_type?: unknown; data?: unknown } | null;
    if (
      !e ||
      typeof e.event_id !== 'string' ||
      typeof e.event_type !== 'string' ||
      !e.data ||
      typeof e.data !== 'object'
    )
      return 'bad_event';
    const n = { event_id: e.event_id, event_type: e.event_type, data: e.data };
    const mapped = this.d.paddle(n);
    if ('ignored' in mapped)
      this.d.log.info({ event: n.event_id, type: n.event_type, why: mapped.ignored }, 'paddle event not acted on');
    const outcome = await this.d.billing.handleOnce('paddle', n.event_id, 'event' in mapped ? mapped.event : null);
    return outcome === 'already' ? 'duplicate' : 'ok';
  }
}
