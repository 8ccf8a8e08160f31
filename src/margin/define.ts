/**
 * What a margin model is (see ./registry.ts): a name, a one-line summary, the request schema
 * (`{ portfolio, market, options: { model } }`), a work estimate and the function that computes
 * the margin.
 */
import type { z } from 'zod';
import { parseInput } from '../schemas/index.js';
import type { WorkEstimate } from '../schemas/index.js';

/** What every margin request carries: the model name in `options.model`. */
export interface MarginRequestBase {
  portfolio: unknown;
  market: unknown;
  options: { model: string };
}

/** How a model is written (typed in its own request and result). */
export interface MarginModelDef<Req extends MarginRequestBase, Res extends object> {
  readonly name: string;
  readonly summary: string;
  /** The whole request; parsing it is the validation (errors name `portfolio.…`, `market.…`, `options.…`). */
  readonly schema: z.ZodType<Req>;
  /** Work estimate for the service's limits. */
  work(req: Req): WorkEstimate;
  /** Computes the margin; runs in a pool worker. */
  run(req: Req): Res;
}

/** A validated request, ready to be sent to a worker (plain data). */
export interface ParsedMarginRequest {
  readonly model: string;
  readonly request: unknown;
  readonly work: WorkEstimate;
}

/** A registered model, its request type erased so the table can hold every model. */
export interface MarginModel {
  readonly name: string;
  readonly summary: string;
  readonly schema: z.ZodType;
  /** Validates a request (on the calling thread); `root` prefixes the field names. */
  parse(raw: unknown, root?: string): ParsedMarginRequest;
  /**
   * Computes the margin of a request that `parse` accepted (in a worker). The request is parsed
   * again here: it may have crossed a process boundary, and parsing is what types it.
   */
  run(request: unknown): object;
}

/** Registers a model: the typed definition behind the erased {@link MarginModel} surface. */
export function defineMarginModel<Req extends MarginRequestBase, Res extends object>(def: MarginModelDef<Req, Res>): MarginModel {
  return {
    name: def.name,
    summary: def.summary,
    schema: def.schema,
    parse(raw, root = '') {
      const req = parseInput(def.schema, raw, root);
      return { model: def.name, request: req, work: def.work(req) };
    },
    run: (request) => def.run(parseInput(def.schema, request, 'request')),
  };
}

