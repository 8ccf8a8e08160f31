/** Redis connection options for BullMQ from a `redis://[user:pass@]host:port[/db]` URL. */
import type { ConnectionOptions } from 'bullmq';
import { ValidationError, describeValue } from '../../errors/index.js';

/**
 * Parses a queue URL. BullMQ creates (and closes) its own connections from these options.
 * @throws ValidationError naming `field` for anything but a redis:// or rediss:// URL.
 */
export function redisConnection(url: string, field = 'queue'): ConnectionOptions & { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValidationError(field, 'url', `must be a redis://host:port URL; got ${describeValue(url)}`, url);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new ValidationError(field, 'url', `must use redis:// or rediss://; got ${describeValue(url)}`, url);
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new ValidationError(field, 'url', `database must be a non-negative integer; got ${describeValue(u.pathname)}`, url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // workers block on Redis; BullMQ requires unlimited retries on their connections
    maxRetriesPerRequest: null,
  };
}

export const DEFAULT_QUEUE_NAME = 'margin-engine-mc';

/** What a bounded close needs of an ioredis client. */
export interface RedisClientLike {
  readonly status: string;
  disconnect(): void;
}

/** True while the client has a usable connection (not while it connects, reconnects or has closed). */
export function isUp(c: RedisClientLike): boolean {
  return c.status === 'ready';
}

/**
 * Waits for `closing` (a BullMQ close) while Redis answers. BullMQ connections retry forever and
 * queue commands while reconnecting, so its graceful QUIT waits for a Redis that may never come
 * back: once any client has been down for `graceMs`, every client is disconnected, which fails
 * the queued commands and lets the close finish. Never rejects.
 */
export async function closeBounded(closing: Promise<unknown>, clients: readonly RedisClientLike[], graceMs: number): Promise<void> {
  const settled = closing.then(() => 'closed' as const, () => 'closed' as const);
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<'forced'>((resolve) => {
    let downSince: number | undefined;
    const tick = (): void => {
      // 'end' is a client that has closed (normally, by this close): not a reason to force
      const down = clients.some((c) => !isUp(c) && c.status !== 'end' && c.status !== 'wait');
      if (!down) downSince = undefined;
      else if ((downSince ??= Date.now()) + graceMs <= Date.now()) return resolve('forced');
      timer = setTimeout(tick, 100);
    };
    tick();
  });
  const outcome = await Promise.race([settled, forced]);
  clearTimeout(timer);
  if (outcome === 'closed') return;
  for (const c of clients) c.disconnect();
  // the disconnect fails BullMQ's pending QUIT, so its close settles at once; never wait long for it
  await Promise.race([settled, new Promise<void>((r) => setTimeout(r, 1000).unref())]);
}
