/**
 * zod → `ValidationError` bridge for the tiered margin module: the shared `parseInput` of
 * src/schemas (first issue → one typed error naming the dotted field path and the bad value).
 */
export { formatPath, parseInput as parseOrThrow } from '../../schemas/index.js';
