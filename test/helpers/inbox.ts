// Collects the LINEMESSAGEs a provider delivers and lets a seam-level test wait for the one it expects.
import { LINE_MESSAGE } from '../../lib/tapi/constants';
import type { LineMessage } from '../../lib/tapi/provider';

export class Inbox {
  readonly all: LineMessage[] = [];
  private waiters: (() => void)[] = [];
  readonly handler = (m: LineMessage) => {
    this.all.push(m);
    for (const w of this.waiters.splice(0)) w();
  };
  async waitFor(pred: (m: LineMessage) => boolean, ms = 5000): Promise<LineMessage> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.all.find(pred);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${ms} ms; got ${JSON.stringify(this.all.slice(-10))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
  reply(id: number) {
    return this.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_REPLY && m.param1 === id);
  }
  state(hCall: number, state: number) {
    return this.waitFor((m) => m.messageId === LINE_MESSAGE.LINE_CALLSTATE && m.hDevice === hCall && m.param1 === state);
  }
  states(hCall: number): LineMessage[] {
    return this.of(hCall, LINE_MESSAGE.LINE_CALLSTATE);
  }
  of(hCall: number, messageId: number): LineMessage[] {
    return this.all.filter((m) => m.messageId === messageId && m.hDevice === hCall);
  }
}
