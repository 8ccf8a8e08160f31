/**
 * Batch jobs of the service: accepted at once (202), run on the engine at most `maxConcurrent` at a
 * time in submission order, and persisted in `resultsDir` as one JSON record per job, written
 * atomically (temporary file + rename) when the job is accepted and when it ends, plus the request
 * body (`<id>.request.json`, `{ operation, request }`) until the job ends. A restarted server
 * therefore serves finished results from disk and runs again the jobs that were accepted but not
 * finished (queued, running at a crash, or requeued at a shutdown deadline).
 *
 * The request is stored as the client sent it (the raw body text when the server has it), never
 * re-serialised: a body of millions of numbers costs hundreds of milliseconds to stringify, on the
 * event loop.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Progress } from '../../engine/index.js';
import { MarginEngineError } from '../../errors/index.js';
import type { ErrorBody } from './http-errors.js';
import { toHttpError } from './http-errors.js';
import { toJson, toPlain } from '../../util/index.js';
import type { Operation } from '../../engine/index.js';

export type BatchStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'requeued';
export const BATCH_STATUSES: readonly BatchStatus[] = ['queued', 'running', 'succeeded', 'failed', 'requeued'];

/** What `GET /v1/batches/:id` returns (and what is stored on disk, plus `request` while unfinished). */
export interface BatchRecord {
  id: string;
  operation: string;
  status: BatchStatus;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Monte Carlo jobs: scenarios done so far; null when the operation does not report progress. */
  progress: Progress | null;
  result?: unknown;
  error?: ErrorBody['error'];
}

interface StoredRecord extends BatchRecord {
  /** Records written by earlier versions carry the request inline; now it is `<id>.request.json`. */
  request?: unknown;
}

/** How a submission's request is kept for a restart. */
export interface SubmitOptions {
  id?: string;
  /** The request as received (before parsing); default: the parsed request. */
  body?: unknown;
  /** The raw JSON text of the whole `{ operation, request }` envelope, stored as it is when given. */
  rawEnvelope?: string;
}

/** The batch queue is full: retry later (HTTP 429). */
export class QueueFullError extends MarginEngineError {
  constructor(limit: number, what = `${limit} jobs waiting`) {
    super('E_QUEUE_FULL', `the batch queue is full (${what}); retry later`);
  }
}

export type BatchRunner = (op: Operation, request: unknown, ctx: { signal: AbortSignal; onProgress: (p: Progress) => void }) => Promise<unknown>;

export interface BatchManagerOptions {
  resultsDir: string;
  /** Jobs running at once (default 2). */
  maxConcurrent?: number;
  /** Jobs waiting beyond the running ones before submissions get 429 (default 10,000). */
  maxQueued?: number;
  /**
   * JSON bytes of the requests of waiting jobs (they are held in memory until they run) before
   * submissions get 429 (default 256 MiB); a single request larger than this is still accepted when
   * nothing is waiting.
   */
  maxQueuedBytes?: number;
  /** A running job is cancelled (status failed, E_ABORTED) after this long (default: no limit). */
  timeoutMs?: number;
  /** Finished records kept in memory; older ones are read back from disk (default 1,000). */
  keepInMemory?: number;
  run: BatchRunner;
  /** Resolves an operation name (records on disk name theirs). */
  operation: (name: string) => Operation;
  onFinish?: (r: BatchRecord, seconds: number) => void;
  log?: { warn: (o: object, msg: string) => void; error: (o: object, msg: string) => void };
}

interface Job {
  record: StoredRecord;
  op: Operation;
  request: unknown;
  /** JSON size of the stored request, counted against maxQueuedBytes while the job waits. */
  bytes: number;
  ctl: AbortController;
  done?: Promise<void>;
}

const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REQUEUE = Symbol('requeue at shutdown');
const TIMEOUT = Symbol('batch timeout');

/** Whether `id` has the shape of a batch id (guards the results directory against path tricks). */
export function isBatchId(id: string): boolean {
  return ID_RE.test(id);
}

let tmpCounter = 0;

/** Writes `text` to `path` atomically: a reader sees the old file or the new one, never a part. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {}); // no stray temporary file after a full disk or a failed rename
    throw e;
  }
}

export class BatchManager {
  private readonly opts: Required<Omit<BatchManagerOptions, 'timeoutMs' | 'onFinish' | 'log'>> & Pick<BatchManagerOptions, 'timeoutMs' | 'onFinish' | 'log'>;
  private readonly waiting: Job[] = [];
  private readonly running = new Map<string, Job>();
  /** Finished records, oldest first (Map keeps insertion order). */
  private readonly finished = new Map<string, BatchRecord>();
  private readonly counts: Record<BatchStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, requeued: 0 };
  private closing = false;
  private ready: Promise<void>;
  /** Submissions past the queue checks whose record is still being written. */
  private submitting = 0;
  /** JSON bytes of the requests of waiting jobs and of submissions in flight. */
  private queuedBytes = 0;

  constructor(opts: BatchManagerOptions) {
    this.opts = { maxConcurrent: 2, maxQueued: 10_000, maxQueuedBytes: 256 * 1024 * 1024, keepInMemory: 1000, ...opts };
    this.ready = mkdir(opts.resultsDir, { recursive: true }).then(() => {});
    // the error surfaces from the first submit or resume; unobserved it would crash the process
    this.ready.catch(() => {});
  }

  /** Jobs by status, for metrics (finished counts are those seen by this instance). */
  jobCounts(): Record<BatchStatus, number> {
    return { ...this.counts, queued: this.waiting.length, running: this.running.size };
  }

  get accepting(): boolean {
    return !this.closing;
  }

  private path(id: string): string {
    return join(this.opts.resultsDir, `${id}.json`);
  }

  private requestPath(id: string): string {
    return join(this.opts.resultsDir, `${id}.request.json`);
  }

  private async persist(r: StoredRecord): Promise<void> {
    await this.ready;
    await writeFileAtomic(this.path(r.id), toJson(r));
  }

  /**
   * Accepts a job (already validated) and persists it before returning its record.
   * @throws QueueFullError when `maxQueued` jobs are waiting; EngineClosed-like 503 when closing.
   */
  async submit(op: Operation, request: unknown, options: SubmitOptions = {}): Promise<BatchRecord> {
    const id = options.id ?? randomUUID();
    if (this.closing) throw new ShuttingDownError();
    // submissions in flight count too: concurrent ones must not all pass the checks before any is queued
    if (this.waiting.length + this.submitting >= this.opts.maxQueued) throw new QueueFullError(this.opts.maxQueued);
    const text = options.rawEnvelope ?? toJson({ operation: op.name, request: options.body ?? request });
    const bytes = text.length;
    if (this.queuedBytes > 0 && this.queuedBytes + bytes > this.opts.maxQueuedBytes) {
      throw new QueueFullError(this.opts.maxQueued, `${this.opts.maxQueuedBytes} bytes of requests waiting`);
    }
    const record: StoredRecord = { id, operation: op.name, status: 'queued', createdAt: new Date().toISOString(), progress: null };
    this.submitting++;
    this.queuedBytes += bytes;
    try {
      await this.ready;
      await writeFileAtomic(this.requestPath(id), text);
      await this.persist(record);
    } catch (e) {
      this.queuedBytes -= bytes;
      throw e;
    } finally {
      this.submitting--;
    }
    this.waiting.push({ record, op, request, bytes, ctl: new AbortController() });
    this.pump();
    return this.view(record);
  }

  /** The record of a job: in memory, else from disk; undefined when unknown. */
  async get(id: string): Promise<BatchRecord | undefined> {
    if (!isBatchId(id)) return undefined;
    const live = this.running.get(id) ?? this.waiting.find((j) => j.record.id === id);
    if (live) return this.view(live.record);
    const fin = this.finished.get(id);
    if (fin) return fin;
    try {
      const { request: _r, ...rec } = JSON.parse(await readFile(this.path(id), 'utf8')) as StoredRecord;
      return rec;
    } catch {
      return undefined;
    }
  }

  private view(r: StoredRecord): BatchRecord {
    const { request: _r, ...rec } = r;
    return { ...rec, progress: rec.progress ? { ...rec.progress } : null };
  }

  private pump(): void {
    while (!this.closing && this.running.size < this.opts.maxConcurrent && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.queuedBytes -= job.bytes;
      this.running.set(job.record.id, job);
      job.done = this.execute(job);
    }
  }

  private async execute(job: Job): Promise<void> {
    const r = job.record;
    r.status = 'running';
    r.startedAt = new Date().toISOString();
    const t0 = performance.now();
    const timer = this.opts.timeoutMs ? setTimeout(() => job.ctl.abort(TIMEOUT), this.opts.timeoutMs) : undefined;
    // the final state becomes visible (GET, metrics) only once it is on disk
    let fin: StoredRecord;
    try {
      const result = await this.opts.run(job.op, job.request, {
        signal: job.ctl.signal,
        onProgress: (p) => {
          r.progress = { done: p.done, total: p.total };
          if (p.iteration !== undefined) r.progress.iteration = p.iteration;
          if (p.gap !== undefined) r.progress.gap = p.gap;
        },
      });
      fin = { ...r, status: 'succeeded', finishedAt: new Date().toISOString(), result: toPlain(result) };
    } catch (e) {
      if (job.ctl.signal.reason === REQUEUE) {
        fin = { ...r, status: 'requeued', progress: null, startedAt: undefined };
      } else {
        const error = job.ctl.signal.reason === TIMEOUT
          ? { code: 'E_TIMEOUT', message: `the job ran longer than ${this.opts.timeoutMs} ms` }
          : toHttpError(e, 0).body.error;
        fin = { ...r, status: 'failed', finishedAt: new Date().toISOString(), error };
      }
    } finally {
      clearTimeout(timer);
    }
    try {
      await this.persist(fin);
      // the request file stays while the job may run again (requeued), and goes once it has ended
      if (fin.status !== 'requeued') await unlink(this.requestPath(r.id)).catch(() => {});
    } catch (e) {
      this.opts.log?.error({ err: e, id: r.id }, 'batch: cannot write the result record');
    }
    Object.assign(r, fin);
    this.running.delete(r.id);
    this.counts[fin.status] += 1;
    if (fin.status !== 'requeued') {
      this.opts.onFinish?.(this.view(r), (performance.now() - t0) / 1000);
      this.remember(this.view(r));
    }
    this.pump();
  }

  private remember(r: BatchRecord): void {
    this.finished.set(r.id, r);
    while (this.finished.size > this.opts.keepInMemory) {
      this.finished.delete(this.finished.keys().next().value as string);
    }
  }

  /**
   * Runs again the jobs a previous instance accepted but did not finish (records on disk with
   * status queued, running or requeued). Returns how many were resumed.
   */
  async resume(): Promise<number> {
    await this.ready;
    const files = (await readdir(this.opts.resultsDir)).filter((f) => f.endsWith('.json') && isBatchId(f.slice(0, -5)));
    const pending: StoredRecord[] = [];
    for (const f of files) {
      try {
        const rec = JSON.parse(await readFile(join(this.opts.resultsDir, f), 'utf8')) as StoredRecord;
        if (rec.status === 'queued' || rec.status === 'running' || rec.status === 'requeued') pending.push(rec);
      } catch {
        /* a foreign or damaged file: leave it */
      }
    }
    pending.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    let n = 0;
    for (const rec of pending) {
      try {
        const op = this.opts.operation(rec.operation);
        let body = rec.request;
        let bytes = 0;
        if (body === undefined) {
          const text = await readFile(this.requestPath(rec.id), 'utf8');
          bytes = text.length;
          body = (JSON.parse(text) as { request?: unknown }).request;
        } else {
          bytes = toJson(body).length;
          await writeFileAtomic(this.requestPath(rec.id), toJson({ operation: op.name, request: body }));
        }
        const request = op.parse(body);
        const record: StoredRecord = { id: rec.id, operation: op.name, status: 'queued', createdAt: rec.createdAt, progress: null };
        this.queuedBytes += bytes;
        this.waiting.push({ record, op, request, bytes, ctl: new AbortController() });
        n++;
      } catch (e) {
        const failed: StoredRecord = { ...rec, request: undefined, status: 'failed', finishedAt: new Date().toISOString(), error: toHttpError(e, 0).body.error };
        await this.persist(failed);
        await unlink(this.requestPath(rec.id)).catch(() => {});
      }
    }
    this.pump();
    return n;
  }

  /**
   * Stops accepting, lets running jobs finish for up to `deadlineMs`, then cancels the rest and
   * stores them (and every job still waiting) as `requeued`, to be resumed by the next instance.
   */
  async close(deadlineMs = 30_000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const waiting = this.waiting.splice(0);
    this.queuedBytes = 0;
    await Promise.all(
      waiting.map((j) => this.persist({ ...j.record, status: 'requeued' }).then(() => {
        this.counts.requeued += 1;
      })),
    );
    const running = [...this.running.values()].map((j) => j.done);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((res) => {
      timer = setTimeout(() => res('deadline'), deadlineMs);
    });
    const outcome = await Promise.race([Promise.allSettled(running).then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'deadline') {
      this.opts.log?.warn({ jobs: this.running.size }, 'batch: shutdown deadline passed; requeueing running jobs');
      for (const j of this.running.values()) j.ctl.abort(REQUEUE);
      await Promise.allSettled(running);
    }
  }
}

/** The service is shutting down and takes no new jobs (HTTP 503). */
export class ShuttingDownError extends MarginEngineError {
  constructor() {
    super('E_SHUTTING_DOWN', 'the service is shutting down; retry on another instance');
  }
}
