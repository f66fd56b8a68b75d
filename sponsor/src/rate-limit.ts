/**
 * Per-key rate limit: at most `requests` in any `windowMs` (a token bucket refilled evenly).
 * Memory stays bounded: buckets that have refilled completely are dropped on a sweep.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(
    private readonly requests: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(requests > 0) || !(windowMs > 0)) throw new Error("rate limit: requests and window must be positive");
  }

  /** Takes one request of `key`'s allowance; false when it is spent. */
  take(key: string): boolean {
    const now = this.now();
    this.sweep(now);
    const rate = this.requests / this.windowMs; // tokens per ms
    const bucket = this.buckets.get(key) ?? { tokens: this.requests, at: now };
    bucket.tokens = Math.min(this.requests, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return false;
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return true;
  }

  /** How many keys are tracked (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * (this.requests / this.windowMs) >= this.requests)
        this.buckets.delete(key);
    }
  }
}
