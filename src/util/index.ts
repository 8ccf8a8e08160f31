/** Small helpers shared by every room: where the package and its build live. */
export { packageRoot, buildPath } from './paths.js';
export { toJson, toPlain } from './json.js';
export { LIMITS, formatLimit } from './limits.js';
export { SpareSharedBuffer } from './spare-buffer.js';
