// OutgoingDigits: every request that sends digits on one call goes through here, one at a time.
// Each is judged by the line's dial policy against the digits of every request accepted before it, and
// the next one is judged only once the one before has been answered (LINE_REPLY) — so no digit in flight
// is ever left out of the judgement, and a failed request's digits never count. Later operations that send
// a destination (transfer, redirect, consultation dial) use `send` as well.
import { validateDialable, type DialCapabilities } from './address';
import type { DialPolicy } from './dial-policy';
import { TapiError } from './errors';
import { looksLikeSipUri } from './sip-address';

export interface OutgoingRequest {
  /** The TAPI function, for errors ('lineDial', 'lineRedirect', ...). */
  operation: string;
  /** What the request sends. '' (lineDial only) ends dialling with what was sent so far. */
  address: string;
  /**
   * 'append': the digits continue the number of this call (lineDial); 'new': they are a destination of
   * their own (redirect, blind transfer), judged without what the call dialled before.
   */
  kind: 'append' | 'new';
}

export class OutgoingDigits {
  /** Digits of every accepted request, as written (the `;` between parts kept): what the policy judges. */
  dialled = '';
  private tail: Promise<unknown> = Promise.resolve();
  private inFlight = 0;

  constructor(
    private readonly policy: () => DialPolicy,
    private readonly capabilities: () => DialCapabilities,
  ) {}

  /** Requests queued or waiting for their LINE_REPLY. */
  get pending(): number {
    return this.inFlight;
  }

  /**
   * The number `request` would make, counting every accepted request before it; throws TapiError
   * (LINEERR_ADDRESSBLOCKED, LINEERR_INVALADDRESS, ...) when the policy or the line refuses it.
   */
  judge(request: OutgoingRequest): string {
    const { operation, address, kind } = request;
    const before = kind === 'append' ? this.dialled : '';
    const policy = this.policy();
    if (address === '') {
      // End of dialling: the whole number is now complete and both lists can judge it.
      policy.checkNumber(before, operation);
      return before.replace(/;$/, '');
    }
    if (before !== '' && (looksLikeSipUri(before) || looksLikeSipUri(address))) {
      // A SIP URI is a whole destination: digits after it would be DTMF, not part of the number.
      throw TapiError.of('INVALADDRESS', operation, 'a SIP URI cannot be continued with lineDial; send digits with generateDigits');
    }
    const parsed = validateDialable(address, this.capabilities(), operation);
    const numbers = parsed.destinations.map((d) => d.number);
    numbers[0] = before + numbers[0];
    if (parsed.partial) policy.checkPartial(numbers[0] + ';', operation);
    else for (const number of numbers) policy.checkNumber(number, operation);
    return before + address;
  }

  /**
   * Runs `send` (which sends the request and resolves on its successful LINE_REPLY) after every earlier
   * request of this call has been answered and after judge() allowed it; the accepted digits then count for
   * every later request. Rejects with the policy's or the provider's TapiError.
   */
  send<T>(request: OutgoingRequest, send: (accumulated: string) => Promise<T>): Promise<T> {
    this.inFlight++;
    const run = this.tail.then(async () => {
      const accumulated = this.judge(request);
      const result = await send(accumulated);
      if (request.kind === 'append') this.dialled = accumulated;
      return result;
    });
    const settled = run.finally(() => {
      this.inFlight--;
    });
    this.tail = settled.catch(() => undefined);
    return settled;
  }
}
