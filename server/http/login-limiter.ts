// Login throttling that counts FAILED attempts only, per username and per client address. A warehouse floor
// logs in behind one shared address all shift long: counting every attempt (the old 10 a minute per address)
// locked out people typing the right password. Successful logins are never counted, and they clear the
// username's failures; a username or an address that failed too often is refused (429, Retry-After) until its
// failures leave the window, the right password included, or the refusal would tell a guesser when they hit.
// In-process memory: each server process counts its own attempts (a cluster multiplies the allowance).

export interface LoginLimits {
  /** Failed attempts per username within the window before it is refused. */
  perUser: number;
  /** Failed attempts per client address within the window (several people share one). */
  perAddress: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 10, perAddress: 50, windowMs: 15 * 60_000 };

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(readonly limits: LoginLimits, private readonly now: () => number = Date.now) {}

  /** Seconds until an attempt for this username from this address is allowed again; 0 when it is allowed now. */
  retryAfter(username: string, address: string): number {
    const waits = [this.wait(userKey(username), this.limits.perUser), this.wait(addressKey(address), this.limits.perAddress)];
    return Math.max(...waits);
  }

  failed(username: string, address: string): void {
    for (const key of [userKey(username), addressKey(address)]) {
      const times = this.recent(key);
      times.push(this.now());
      this.failures.set(key, times);
    }
  }

  /** A successful login: the username starts afresh (the address keeps its count: others may be guessing). */
  succeeded(username: string): void {
    this.failures.delete(userKey(username));
  }

  private wait(key: string, limit: number): number {
    const times = this.recent(key);
    if (times.length < limit) return 0;
    // Allowed again once enough of the oldest failures have left the window.
    const freeAt = times[times.length - limit]! + this.limits.windowMs;
    return Math.max(1, Math.ceil((freeAt - this.now()) / 1000));
  }

  /** The key's failures still inside the window (older ones are dropped, so memory stays bounded). */
  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    const times = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (times.length) this.failures.set(key, times);
    else this.failures.delete(key);
    return times;
  }
}

const userKey = (username: string) => `user:${username.trim().toLowerCase()}`;
const addressKey = (address: string) => `addr:${address}`;
