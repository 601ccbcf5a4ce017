// RFC 3261 §12 dialog state: the identifiers (Call-ID, local and remote tag), the sequence numbers, the remote
// target and the route set, and how a request inside the dialog is built from them (§12.2.1.1, loose and strict
// routing per §16.12). Pure data; sending, timers and the user agent's behaviour live in the ua-*.ts files.
import { formatNameAddr, header, headerValues, parseCSeq, parseNameAddr, type SipNameAddr } from './headers';
import { parseSipUri } from './uri';
import type { SipRequest, SipResponse } from './types';

export interface DialogState {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our From (UAC) / To (UAS) without the tag. */
  local: SipNameAddr;
  /** The peer's name-addr without the tag. */
  remote: SipNameAddr;
  /** The CSeq of the last request we sent in the dialog. */
  localSeq: number;
  /** The CSeq of the last request the peer sent in the dialog; undefined until the first (UAC side). */
  remoteSeq: number | undefined;
  /** The URI of the peer's Contact: the Request-URI of our in-dialog requests. */
  remoteTarget: string;
  /** Route headers' values for our requests, in the order they are sent. */
  routeSet: string[];
  /** Whether the dialog was set up over sips (not used to choose a transport here). */
  secure: boolean;
  /** `early` after a provisional with a To tag, `confirmed` after a 2xx. */
  state: 'early' | 'confirmed';
}

/** The dialog key as we store dialogs: Call-ID plus both tags. */
export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\u0000${localTag}\u0000${remoteTag}`;
}

/** The key of the dialog an incoming request belongs to (its To tag is ours). */
export function dialogKeyOfRequest(request: SipRequest): string | undefined {
  const callId = header(request, 'call-id');
  const to = parseNameAddr(header(request, 'to') ?? '');
  const from = parseNameAddr(header(request, 'from') ?? '');
  const localTag = to?.params.tag;
  const remoteTag = from?.params.tag;
  if (!callId || !localTag || !remoteTag) return undefined;
  return dialogKey(callId, localTag, remoteTag);
}

function withoutTag(na: SipNameAddr): SipNameAddr {
  const params = { ...na.params };
  delete params.tag;
  return { displayName: na.displayName, uri: na.uri, params };
}

function contactUri(message: SipRequest | SipResponse): string | undefined {
  const value = headerValues(message, 'contact')[0];
  if (value === undefined) return undefined;
  return parseNameAddr(value)?.uri;
}

function isSips(uri: string): boolean {
  return /^sips:/i.test(uri);
}

/**
 * The UAC side (§12.1.2): a dialog from our request and a 1xx-with-To-tag or 2xx response to it. Undefined when
 * the response carries no To tag or no usable Contact (a 2xx must have both).
 */
export function dialogFromUacResponse(request: SipRequest, response: SipResponse): DialogState | undefined {
  const from = parseNameAddr(header(request, 'from') ?? '');
  const to = parseNameAddr(header(response, 'to') ?? '');
  const callId = header(request, 'call-id');
  const cseq = parseCSeq(header(request, 'cseq') ?? '');
  if (!from || !to || !callId || !cseq || !from.params.tag || !to.params.tag) return undefined;
  const target = contactUri(response);
  if (!target) return undefined;
  return {
    callId,
    localTag: from.params.tag,
    remoteTag: to.params.tag,
    local: withoutTag(from),
    remote: withoutTag(to),
    localSeq: cseq.seq,
    remoteSeq: undefined,
    remoteTarget: target,
    routeSet: headerValues(response, 'record-route').reverse(),
    secure: isSips(request.uri),
    state: response.status >= 200 ? 'confirmed' : 'early',
  };
}

/** The UAS side (§12.1.1): a dialog from the request and the To tag we put in our response. */
export function dialogFromUasRequest(request: SipRequest, localTag: string, initialLocalSeq: number): DialogState | undefined {
  const from = parseNameAddr(header(request, 'from') ?? '');
  const to = parseNameAddr(header(request, 'to') ?? '');
  const callId = header(request, 'call-id');
  const cseq = parseCSeq(header(request, 'cseq') ?? '');
  if (!from || !to || !callId || !cseq || !from.params.tag) return undefined;
  const target = contactUri(request);
  if (!target) return undefined;
  return {
    callId,
    localTag,
    remoteTag: from.params.tag,
    local: withoutTag(to),
    remote: withoutTag(from),
    localSeq: initialLocalSeq,
    remoteSeq: cseq.seq,
    remoteTarget: target,
    routeSet: headerValues(request, 'record-route'),
    secure: isSips(request.uri),
    state: 'confirmed',
  };
}

/** A URI as it may appear in a Request-URI: without its headers (`?…`, §19.1.5). */
function stripUriHeaders(uri: string): string {
  const question = uri.indexOf('?');
  return question < 0 ? uri : uri.slice(0, question);
}

export interface InDialogRequest {
  request: SipRequest;
  /** Where the request goes next: the first Route's URI, or the Request-URI. */
  nextHop: string;
}

/**
 * A request within the dialog (§12.2.1.1): Request-URI and Route from the remote target and the route set,
 * From/To with the tags, Call-ID, and CSeq. `cseq` overrides the sequence number (ACK and CANCEL reuse the
 * INVITE's); otherwise the dialog's local CSeq is incremented. Via, Max-Forwards and Contact are the caller's.
 */
export function buildInDialogRequest(dialog: DialogState, method: string, options: { cseq?: number } = {}): InDialogRequest {
  let seq: number;
  if (options.cseq !== undefined) seq = options.cseq;
  else {
    dialog.localSeq += 1;
    seq = dialog.localSeq;
  }
  let uri = dialog.remoteTarget;
  const routes: string[] = [];
  let nextHop = dialog.remoteTarget;
  if (dialog.routeSet.length > 0) {
    const first = parseNameAddr(dialog.routeSet[0]);
    const firstUri = first?.uri ?? '';
    if (first && 'lr' in (parseSipUri(firstUri)?.params ?? {})) {
      routes.push(...dialog.routeSet);
      nextHop = firstUri;
    } else if (first) {
      // A strict router: it gets the Request-URI, the remote target goes last in the Route set.
      uri = stripUriHeaders(firstUri);
      routes.push(...dialog.routeSet.slice(1), `<${dialog.remoteTarget}>`);
      nextHop = uri;
    }
  }
  const request: SipRequest = {
    kind: 'request',
    method,
    uri,
    headers: [
      ...routes.map((value) => ({ name: 'route', value })),
      { name: 'from', value: formatNameAddr({ ...dialog.local, params: { ...dialog.local.params, tag: dialog.localTag } }) },
      { name: 'to', value: formatNameAddr({ ...dialog.remote, params: { ...dialog.remote.params, tag: dialog.remoteTag } }) },
      { name: 'call-id', value: dialog.callId },
      { name: 'cseq', value: `${seq} ${method}` },
    ],
    body: Buffer.alloc(0),
  };
  return { request, nextHop };
}

/**
 * Checks an incoming in-dialog request's CSeq (§12.2.2): false when it is lower than or equal to the last one
 * (the caller answers 500), otherwise records it. ACK and CANCEL reuse the INVITE's number and are not checked.
 */
export function acceptRemoteSeq(dialog: DialogState, request: SipRequest): boolean {
  if (request.method === 'ACK' || request.method === 'CANCEL') return true;
  const cseq = parseCSeq(header(request, 'cseq') ?? '');
  if (!cseq) return false;
  if (dialog.remoteSeq !== undefined && cseq.seq <= dialog.remoteSeq) return false;
  dialog.remoteSeq = cseq.seq;
  return true;
}

/** A target refresh (§12.2.1.2 / §12.2.2): a re-INVITE or UPDATE and its 2xx replace the remote target. */
export function refreshRemoteTarget(dialog: DialogState, message: SipRequest | SipResponse): void {
  const target = contactUri(message);
  if (target) dialog.remoteTarget = target;
}
