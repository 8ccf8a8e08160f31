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
