// Per-user request budget on one replica: a token bucket per user name, no session needed, bounded memory.

/** Why: more distinct users than this in one window and the idlest bucket is forgotten (it refills anyway). */
const MAX_USERS = 10_000;

/** Why: `perMinute` requests a minute per user, bursts up to the same number; 0 turns it off. */
export class UserRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request from the user's budget: 0 when allowed, else the seconds until one is available. */
  take(user: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(user) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.buckets.delete(user);
    this.buckets.set(user, b);
    if (this.buckets.size > MAX_USERS) this.buckets.delete(this.buckets.keys().next().value as string);
    if (b.tokens < 1) return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
    b.tokens -= 1;
    return 0;
  }
}
