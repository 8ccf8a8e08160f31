/**
 * The registry of margin models. The engine, the service, the OpenAPI document and the CLI read
 * dispatch, validation and help text from this table: adding a model is one folder with its
 * `model.ts` (a `defineMarginModel(…)`) plus one line in `MARGIN_MODELS` (README, "Extending").
 */
import { ValidationError, describeValue } from '../errors/index.js';
import type { MarginModel } from './define.js';
import { SCENARIO_GRID_MODEL } from './grid/model.js';
import { TIERED_MODEL } from './tiered/model.js';
import { VAR_ES_MODEL } from './var-es/model.js';

/** Every margin model, in the order the help text lists them. */
export const MARGIN_MODELS: readonly MarginModel[] = [TIERED_MODEL, SCENARIO_GRID_MODEL, VAR_ES_MODEL];

/** Model names, for enums in help texts and schemas. */
export const MARGIN_MODEL_NAMES: readonly string[] = MARGIN_MODELS.map((m) => m.name);

/**
 * Looks up a model by name.
 * @throws ValidationError naming `field` for an unknown model.
 */
export function marginModel(name: unknown, field = 'options.model'): MarginModel {
  const m = MARGIN_MODELS.find((x) => x.name === name);
  if (!m) throw new ValidationError(field, 'enum', `must be one of ${MARGIN_MODEL_NAMES.map((k) => `'${k}'`).join(', ')}; got ${describeValue(name)}`, name);
  return m;
}
