/**
 * Piscina worker: loads the task registries named in `workerData.taskModules` (each module
 * exports `TASKS`, an array of task definitions), keeps one WASM instance per thread, and runs
 * each envelope through the kind's registered function. Every failure becomes a typed reply
 * (the thread stays alive); the pool turns it back into the same error class on the caller.
 */
import { threadId, workerData } from 'node:worker_threads';
import { toErrorRecord } from '../errors/index.js';
import { WasmCore } from '../wasm/index.js';
import type { WasmBuildChoice } from '../wasm/index.js';
import { PING } from './task.js';
import type { AnyTaskDef, TaskDef, TaskEnvelope, TaskReply } from './task.js';

const cores = new Map<WasmBuildChoice, Promise<WasmCore>>();

/** This thread's instance of a build (one per build; 'auto' for envelopes that name none). */
function getCore(choice: WasmBuildChoice): Promise<WasmCore> {
  let core = cores.get(choice);
  if (!core) {
    core = WasmCore.create(choice);
    core.catch(() => cores.delete(choice));
    cores.set(choice, core);
  }
  return core;
}

async function loadRegistry(modules: readonly string[]): Promise<Map<string, AnyTaskDef>> {
  const table = new Map<string, AnyTaskDef>();
  for (const url of modules) {
    const mod: { TASKS?: readonly AnyTaskDef[] } = await import(url);
    if (!Array.isArray(mod.TASKS)) throw new TypeError(`task module ${url} exports no TASKS array`);
    for (const def of mod.TASKS) {
      if (table.has(def.kind)) throw new TypeError(`task kind '${def.kind}' registered twice (${url})`);
      table.set(def.kind, def);
    }
  }
  return table;
}

const data = workerData as { taskModules?: unknown } | undefined;
const modules = Array.isArray(data?.taskModules) ? data.taskModules.filter((m): m is string => typeof m === 'string') : [];
const registry = loadRegistry(modules);
registry.catch(() => {}); // reported per task below

export default async function run(env: TaskEnvelope): Promise<TaskReply> {
  try {
    if (env.kind === PING) {
      await registry;
      const c = env.wasm ? await getCore(env.build ?? 'auto') : null;
      return { ok: true, value: { threadId, wasm: env.wasm, build: c?.build ?? null } };
    }
    const def = (await registry).get(env.kind);
    if (!def) throw new TypeError(`unknown task kind '${env.kind}'`);
    const c = env.wasm ? await getCore(env.build ?? 'auto') : null;
    // The registry holds definitions of many input types; the envelope's input is the one its kind expects.
    const progress = env.progress instanceof SharedArrayBuffer ? new Float64Array(env.progress) : null;
    const value = await (def as TaskDef<unknown, unknown>).run(env.input, { core: c, progress });
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: toErrorRecord(e) };
  }
}
