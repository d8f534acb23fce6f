import type { Config } from '../config.js';
import { TokenBucket } from '../limits/token-bucket.js';

/** A refused stretch ends when no frame was refused for this long; the next refusal starts a new one. */
const STRETCH_GAP_MS = 1000;

export type FrameRateVerdict = 'ok' | 'close' | { notify: boolean; retryAfterSeconds: number };

/**
 * Inbound frame rate of one connection (PROTOCOL §6): a token bucket of WS_FRAME_BURST frames refilled at
 * WS_FRAME_RATE_PER_SECOND. Frames over it are dropped with one `RATE_LIMITED` error per stretch of refusals; a
 * client still over it WS_FRAME_RATE_CLOSE_AFTER_MS after the stretch began is closed with 4029.
 */
export class FrameRateGuard {
  private readonly bucket: TokenBucket;
  private stretchStartedAt: number | null = null;
  private lastRefusedAt = 0;

  constructor(
    private readonly config: Pick<Config, 'wsFrameRatePerSecond' | 'wsFrameBurst' | 'wsFrameRateCloseAfterMs'>,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.bucket = new TokenBucket(config.wsFrameRatePerSecond, config.wsFrameBurst, now);
  }

  admit(): FrameRateVerdict {
    const now = this.now();
    if (this.stretchStartedAt !== null && now - this.lastRefusedAt > STRETCH_GAP_MS) this.stretchStartedAt = null;
    if (this.bucket.take()) return 'ok';
    this.lastRefusedAt = now;
    if (this.stretchStartedAt === null) {
      this.stretchStartedAt = now;
      return { notify: true, retryAfterSeconds: this.bucket.retryAfterSeconds };
    }
    if (now - this.stretchStartedAt >= this.config.wsFrameRateCloseAfterMs) return 'close';
    return { notify: false, retryAfterSeconds: this.bucket.retryAfterSeconds };
  }
}
