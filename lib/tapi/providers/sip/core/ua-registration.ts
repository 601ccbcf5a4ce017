// REGISTER (RFC 3261 §10): one Call-ID and a rising CSeq for the binding's life, refresh at a fraction (½) of
// the granted expiry, 423 → retry with Min-Expires, failures retried with back-off (30 s doubling to 30 min by
// default; a Retry-After is honoured), and unregister (Expires 0) on close. Events go to the provider through
// `emit`; credentials never appear in them.
import { header, headerValues, parseNameAddr } from './headers';
import type { UaContext } from './ua-context';
import type { RegistrationEvent } from './ua-types';
import type { SipEndpoint, SipRequest, SipResponse } from './types';

export interface RegistrationOptions {
  retryMinMs: number;
  retryMaxMs: number;
  refreshFraction: number;
}

export class Registration {
  state: RegistrationEvent['state'] | 'idle' = 'idle';
  readonly callId: string;
  private readonly fromTag: string;
  private cseq = 0;
  private failures = 0;
  private cancelTimer?: () => void;
  private closed = false;
  private expires: number;
  /** The Contact of the last REGISTER (to match the registrar's answer and to unregister it). */
  private contact?: string;
  private destination?: SipEndpoint;

  constructor(
    private readonly ctx: UaContext,
    private readonly emit: (event: RegistrationEvent) => void,
    private readonly options: RegistrationOptions,
  ) {
    this.callId = ctx.newCallId();
    this.fromTag = ctx.newTag();
    this.expires = Math.max(0, Math.floor(ctx.account.expires));
  }

  /** The registrar's Request-URI: the domain of the address of record (§10.2). */
  private get requestUri(): string {
    return `${this.ctx.parsed.aor.uri.startsWith('sips:') ? 'sips' : 'sip'}:${this.ctx.parsed.domain}`;
  }

  private hop(): Promise<SipEndpoint> {
    const a = this.ctx.account;
    return this.ctx.resolveHostPort(a.outboundProxy ?? a.registrar ?? this.ctx.parsed.domain);
  }

  start(): void {
    if (this.closed) return;
    if (this.state !== 'registered') {
      this.state = 'registering';
      this.emit({ state: 'registering', reason: this.failures === 0 ? 'registering' : 'retrying' });
    }
    void this.attempt();
  }

  private build(expires: number, destination: SipEndpoint): SipRequest {
    this.cseq += 1;
    const request = this.ctx.outOfDialog('REGISTER', this.requestUri, {
      to: `<${this.ctx.parsed.aor.uri}>`,
      callId: this.callId,
      fromTag: this.fromTag,
      cseq: this.cseq,
    });
    this.contact = this.ctx.contactUri(destination);
    request.headers.push({ name: 'contact', value: `<${this.contact}>;expires=${expires}` }, { name: 'expires', value: String(expires) });
    return request;
  }

  /** Sends one REGISTER (answering challenges); resolves with the final response. */
  private send(expires: number): Promise<{ response: SipResponse; local: boolean }> {
    return this.hop().then(
      (destination) =>
        new Promise((resolve) => {
          this.destination = destination;
          this.ctx.send(this.build(expires, destination), destination, {
            onRetry: (retry) => {
              const seq = Number((header(retry, 'cseq') ?? '').split(' ')[0]);
              if (Number.isInteger(seq) && seq > this.cseq) this.cseq = seq;
            },
            onFinal: (response, local) => resolve({ response, local }),
          });
        }),
      (error: unknown) => {
        const reason = `registrar did not resolve: ${error instanceof Error ? error.message : String(error)}`;
        return { response: { kind: 'response', status: 503, reason, headers: [], body: Buffer.alloc(0) } as SipResponse, local: true };
      },
    );
  }

  private async attempt(): Promise<void> {
    const { response } = await this.send(this.expires);
    if (this.closed) return;
    if (response.status >= 200 && response.status < 300) return this.succeeded(response);
    if (response.status === 423) {
      const min = Number(header(response, 'min-expires'));
      if (Number.isInteger(min) && min > this.expires) {
        this.expires = min;
        return this.attempt();
      }
    }
    this.failed(response);
  }

  private granted(response: SipResponse): number {
    const contacts = headerValues(response, 'contact').map((v) => parseNameAddr(v));
    const ours = contacts.find((c) => c && c.uri === this.contact) ?? (contacts.length === 1 ? contacts[0] : undefined);
    const fromContact = ours?.params.expires;
    const value = Number(fromContact ?? header(response, 'expires') ?? this.expires);
    return Number.isFinite(value) && value > 0 ? value : this.expires;
  }

  private succeeded(response: SipResponse): void {
    const granted = this.granted(response);
    this.failures = 0;
    this.state = 'registered';
    this.emit({ state: 'registered', status: response.status, reason: response.reason || 'OK', expires: granted });
    this.schedule(Math.max(500, granted * 1000 * this.options.refreshFraction));
  }

  private failed(response: SipResponse): void {
    this.failures += 1;
    let retryIn = Math.min(this.options.retryMinMs * 2 ** (this.failures - 1), this.options.retryMaxMs);
    const retryAfter = Number((header(response, 'retry-after') ?? '').split(/[ ;(]/)[0]);
    if (Number.isInteger(retryAfter) && retryAfter > 0) retryIn = Math.min(Math.max(retryIn, retryAfter * 1000), this.options.retryMaxMs);
    this.state = 'failed';
    this.emit({ state: 'failed', status: response.status, reason: response.reason, retryInMs: retryIn });
    this.schedule(retryIn);
  }

  private schedule(ms: number): void {
    this.cancelTimer?.();
    this.cancelTimer = this.ctx.after(ms, () => {
      this.cancelTimer = undefined;
      this.start();
    });
  }

  /** Stops refreshing; when a binding may exist, removes it (Expires 0). Resolves when the registrar answered. */
  async unregister(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimer?.();
    const wasBound = this.state === 'registered' || this.state === 'registering';
    if (!wasBound) return;
    const { response } = await this.send(0);
    this.state = 'unregistered';
    this.emit({ state: 'unregistered', status: response.status, reason: response.reason });
  }

  /** Stops without unregistering. */
  stop(): void {
    this.closed = true;
    this.cancelTimer?.();
  }

  get registrarEndpoint(): SipEndpoint | undefined {
    return this.destination;
  }
}
