// Which calls a node is about, by caller id: allow and deny patterns in the dial policy's syntax (X Z N,
// [classes], trailing . or !, /regexp/), matched against the caller's number. No Node-RED import.
import { DialPolicy, digitsOf } from '../../lib/tapi';

export class CallerFilter {
  private readonly policy: DialPolicy;
  private readonly allowsWithheld: boolean;

  /** Throws a TapiValidationError naming a bad pattern. */
  constructor(allow: string[], deny: string[]) {
    this.policy = new DialPolicy({ allow, deny });
    this.allowsWithheld = allow.length === 0;
  }

  get unrestricted(): boolean {
    return this.policy.unrestricted;
  }

  /** A withheld caller id (none) passes only when there is no allow list. */
  passes(callerId: string | null | undefined): boolean {
    if (this.policy.unrestricted) return true;
    if (!callerId || digitsOf(callerId) === '') return this.allowsWithheld;
    try {
      return this.policy.allowsNumber(callerId);
    } catch {
      return false;
    }
  }
}
