// One account = one line device: its description (name, address, domain), and its user agent, started when the
// first line of the device is opened and closed with the last one. Registration events become the device's
// service state; the provider turns them into LINE_LINEDEVSTATE / LINE_CLOSE (sip-provider.ts).
import type { SipAccount, SipLineOptions } from './options';
import type { SipLineDescription } from './sip-caps';
import type { IncomingCall, RegistrationEvent, StartUserAgent, UserAgentPort, UserAgentStartOptions } from './ua-port';
import { hostPort, uriParts } from './uri-parts';

/** 'unknown' until the first registration answer (or for ever without register). */
export type ServiceState = 'unknown' | 'inservice' | 'outofservice' | 'closed';

export interface DeviceStatus {
  service: ServiceState;
  registration: RegistrationEvent['state'] | 'off';
  status?: number;
  /** Why, in words (never a credential). */
  reason: string;
}

export interface DeviceEvents {
  incoming(device: SipDevice, call: IncomingCall): void;
  registration(device: SipDevice, event: RegistrationEvent): void;
  /** The user agent could not start at all (e.g. the port is taken). */
  failed(device: SipDevice, reason: string): void;
}

export class SipDevice {
  readonly description: SipLineDescription;
  /** host[:port] of the account's URI: where digits are dialled. */
  readonly domain: string;
  status: DeviceStatus;
  private ua: UserAgentPort | undefined;
  private starting: Promise<UserAgentPort> | undefined;
  private stopping: Promise<void> | undefined;
  /** Bumped on every stop: a start that finishes after a stop closes its user agent again. */
  private generation = 0;

  constructor(
    readonly deviceId: number,
    readonly account: SipAccount,
    line: SipLineOptions,
    private readonly start: StartUserAgent,
    private readonly uaOptions: UserAgentStartOptions,
    private readonly events: DeviceEvents,
  ) {
    const parts = uriParts(account.uri);
    this.domain = parts ? hostPort(parts) : account.uri;
    this.description = {
      deviceId,
      name: line.name,
      address: parts?.user ?? account.uri,
      switchInfo: account.registrar ?? account.outboundProxy ?? this.domain,
      maxCalls: line.maxCalls,
    };
    this.status = this.initialStatus();
  }

  private initialStatus(): DeviceStatus {
    return { service: 'unknown', registration: this.account.register ? 'unregistered' : 'off', reason: '' };
  }

  get userAgent(): UserAgentPort | undefined {
    return this.ua;
  }

  get running(): boolean {
    return this.ua !== undefined || this.starting !== undefined;
  }

  /** The user agent, starting it if needed; rejects with the reason it could not start. */
  ready(): Promise<UserAgentPort> {
    if (this.ua) return Promise.resolve(this.ua);
    if (this.starting) return this.starting;
    const generation = this.generation;
    const previous = this.stopping ?? Promise.resolve();
    const starting = previous.then(() => this.start(this.account, this.uaOptions));
    this.starting = starting.then(
      async (ua) => {
        if (generation !== this.generation) {
          await ua.close().catch(() => undefined);
          throw new Error('the line was closed while its SIP account started');
        }
        this.starting = undefined;
        this.ua = ua;
        ua.onRegistration = (event) => {
          if (this.ua === ua) this.events.registration(this, event);
        };
        ua.onIncomingCall = (call) => {
          if (this.ua === ua) this.events.incoming(this, call);
          else call.reject(480, 'Temporarily Unavailable');
        };
        return ua;
      },
      (error: unknown) => {
        if (generation === this.generation) this.starting = undefined;
        const reason = `the SIP account could not start: ${(error as Error)?.message ?? String(error)}`;
        if (generation === this.generation) this.events.failed(this, reason);
        throw new Error(reason);
      },
    );
    // Whoever waits gets the rejection; nobody waiting must not make it unhandled.
    this.starting.catch(() => undefined);
    return this.starting;
  }

  /** Closes the user agent (unregisters, ends its calls, frees sockets and timers). */
  stop(): Promise<void> {
    this.generation++;
    const ua = this.ua;
    const inflight = this.starting;
    this.ua = undefined;
    this.starting = undefined;
    this.status = this.initialStatus();
    if (!ua && !inflight) return this.stopping ?? Promise.resolve();
    const done: Promise<void> = Promise.all([ua?.close().catch(() => undefined), inflight?.catch(() => undefined), this.stopping]).then(
      () => {
        if (this.stopping === done) this.stopping = undefined;
      },
    );
    this.stopping = done;
    return done;
  }
}
