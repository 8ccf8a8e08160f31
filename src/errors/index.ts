/**
 * The one errors module: the error classes (./classes.ts), their plain-data records for thread
 * and process boundaries, and the input checks every hand-validated module shares (./checks.ts).
 */
export {
  MarginEngineError, ValidationError, AbortError, WasmUnavailableError, WorkerError, QueueStateLostError, EngineClosedError, SolverError,
  NumericalError,
  toErrorRecord, fromErrorRecord, describeValue, withField, renamingFields, renamingFieldsAsync, withoutPrefix,
} from './classes.js';
export type { ErrorRecord } from './classes.js';
export { firstNonFinite, requireFiniteResult } from './finite-result.js';

export {
  requireArray, requireConfidence, requireFinite, requireFiniteArray, requireId, requireInt, requireInteger, requireMatrix, requireMinorUnits, requireNonNegative, requireOneOf, requireOpenInterval, requireRange, requireSeries, requireSymmetric, requireVector,
} from './checks.js';
export type { Shape } from './checks.js';
