/**
 * Offline checks for Amazon States Language definitions (functions/state-machines/*.asl.json):
 *  - `unproducedReads`: every JSONPath a state reads was written by an earlier state on every path to it;
 *  - `runStateMachine`: a small interpreter for the subset the definitions use (Task, Pass, Choice, Wait, Parallel,
 *    Succeed, Fail; Parameters, ResultSelector, ResultPath, Retry; the intrinsics Format, UUID, JsonMerge, Array),
 *    with AWS SDK calls answered by the test and Wait seconds counted on a virtual clock, so Retry, wait loops
 *    and TimeoutSeconds can be exercised without AWS and without waiting.
 * asl-validator checks the schema; neither it nor this file proves what AWS accepts at run time.
 */
import { randomUUID } from "node:crypto";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface States {
  StartAt: string;
  States: Record<string, Json>;
  TimeoutSeconds?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// JSONPath reads and writes

/** "$.a.b[0].c" -> ["a", "b", 0, "c"]. */
export function pathSegments(path: string): (string | number)[] {
  if (!path.startsWith("$")) throw new Error(`not a JSONPath: ${path}`);
  const segments: (string | number)[] = [];
  for (const m of path.slice(1).matchAll(/\.([A-Za-z0-9_]+)|\[(\d+)\]/g)) segments.push(m[1] ?? Number(m[2]));
  return segments;
}

/** JSONPaths in an intrinsic function call or a plain path ("$$." context paths excluded). */
function pathsIn(expression: string): string[] {
  return [...expression.matchAll(/(?<![$\w])\$(?:\.[A-Za-z0-9_]+|\[\d+\])+/g)].map((m) => m[0]);
}

/** JSONPaths a state reads from its input (ResultSelector reads the task's result, not the input). */
function readsOf(state: Json): string[] {
  const reads: string[] = [];
  const fromParameters = (p: Json) => {
    if (!p || typeof p !== "object") return;
    for (const [k, v] of Object.entries(p)) {
      if (k.endsWith(".$") && typeof v === "string") reads.push(...pathsIn(v));
      else fromParameters(v);
    }
  };
  fromParameters(state.Parameters);
  for (const p of [state.InputPath, state.ItemsPath, state.OutputPath]) if (typeof p === "string") reads.push(...pathsIn(p));
  const fromChoice = (rule: Json) => {
    if (typeof rule.Variable === "string") reads.push(...pathsIn(rule.Variable));
    for (const [k, v] of Object.entries<Json>(rule)) if (k.endsWith("Path") && typeof v === "string") reads.push(...pathsIn(v));
    for (const r of [...(rule.And ?? []), ...(rule.Or ?? []), ...(rule.Not ? [rule.Not] : [])]) fromChoice(r);
  };
  for (const c of state.Choices ?? []) fromChoice(c);
  return reads;
}

const isPrefix = (prefix: (string | number)[], path: (string | number)[]) => prefix.length <= path.length && prefix.every((s, i) => path[i] === s);

/**
 * Every JSONPath read by a state must lie under a path that every route from StartAt has written (ResultPath of an
 * earlier Task, Pass or Parallel). Returns problems as readable lines; [] when the definition is sound.
 * States whose output replaces the whole input (no ResultPath) are reported too: after them nothing is known.
 */
export function unproducedReads(definition: States, where = "definition", known: string[] = []): string[] {
  const problems: string[] = [];
  const names = Object.keys(definition.States);
  const into = new Map<string, Set<string> | undefined>(names.map((n) => [n, undefined]));
  into.set(definition.StartAt, new Set(known));
  const successors = (state: Json): { next: string; adds?: string | null }[] => [
    ...(state.Next ? [{ next: state.Next }] : []),
    ...(state.Default ? [{ next: state.Default }] : []),
    ...(state.Choices ?? []).map((c: Json) => ({ next: c.Next })),
    ...(state.Catch ?? []).map((c: Json) => ({ next: c.Next, adds: c.ResultPath ?? null })),
  ];
  const out = (name: string, state: Json, inSet: Set<string>): Set<string> => {
    if (!["Task", "Pass", "Parallel", "Map"].includes(state.Type)) return inSet;
    if (state.ResultPath === null) return inSet;
    if (state.ResultPath === undefined || state.ResultPath === "$") {
      problems.push(`${where}: state "${name}" replaces its whole input (set ResultPath), so later states cannot rely on anything`);
      return new Set();
    }
    return new Set([...inSet, state.ResultPath]);
  };
  // Forward data flow to a fixed point: what is known on entry is what every predecessor guarantees.
  let changed = true;
  while (changed) {
    changed = false;
    for (const name of names) {
      const inSet = into.get(name);
      if (!inSet) continue;
      const state = definition.States[name];
      const outSet = out(name, state, inSet);
      for (const { next, adds } of successors(state)) {
        const offered = adds ? new Set([...inSet, adds]) : outSet;
        const current = into.get(next);
        const merged = current ? new Set([...current].filter((p) => offered.has(p))) : offered;
        if (!current || merged.size !== current.size) {
          into.set(next, merged);
          changed = true;
        }
      }
    }
  }
  problems.length = 0; // reported once below, in state order
  for (const name of names) {
    const state = definition.States[name];
    const inSet = into.get(name);
    if (!inSet) {
      problems.push(`${where}: state "${name}" is unreachable`);
      continue;
    }
    out(name, state, inSet);
    const knownPaths = [...inSet].map(pathSegments);
    for (const read of readsOf(state)) {
      if (!knownPaths.some((k) => isPrefix(k, pathSegments(read))))
        problems.push(
          `${where}: state "${name}" reads ${read}, which no earlier state writes on every path to it (known: ${[...inSet].join(", ") || "nothing"})`,
        );
    }
    for (const [i, branch] of (state.Branches ?? []).entries()) problems.push(...unproducedReads(branch, `${where} > ${name}[${i}]`, [...inSet]));
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Interpreter

export class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly cause_?: string,
  ) {
    super(`${error}${cause_ ? `: ${cause_}` : ""}`);
  }
}

/** An SDK error as the AWS SDK integration reports it ("CloudFront.PreconditionFailedException"). */
export function sdkError(name: string, message = name): StatesError {
  return new StatesError(name, message);
}

/** Answers one SDK integration call: ("cloudfront:getDistribution", {Id}) -> result, or throws sdkError(...). */
export type SdkHandler = (action: string, parameters: Json) => Json;

export interface Execution {
  status: "SUCCEEDED" | "FAILED";
  error?: string;
  cause?: string;
  output?: Json;
  /** Every SDK call, in order. */
  calls: { action: string; parameters: Json }[];
  /** Seconds spent in Wait states and retry intervals. */
  waitedSeconds: number;
}

function get(data: Json, path: string): Json {
  let v = data;
  for (const s of pathSegments(path)) {
    if (v === null || typeof v !== "object" || !(s in v)) throw new StatesError("States.Runtime", `path ${path} does not exist in the input`);
    v = v[s];
  }
  return v;
}

function tryGet(data: Json, path: string): { present: boolean; value?: Json } {
  try {
    return { present: true, value: get(data, path) };
  } catch {
    return { present: false };
  }
}

function withResult(input: Json, resultPath: string | null | undefined, result: Json): Json {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === "$") return result;
  const copy = structuredClone(input);
  const segments = pathSegments(resultPath);
  let target = copy;
  for (const s of segments.slice(0, -1)) target = target[s] ??= {};
  target[segments[segments.length - 1]] = result;
  return copy;
}

/** Evaluates an intrinsic function call or a path against `data`. */
function evaluate(expression: string, data: Json): Json {
  let pos = 0;
  const src = expression.trim();
  const parse = (): Json => {
    while (src[pos] === " ") pos++;
    if (src[pos] === "'") {
      let s = "";
      for (pos++; src[pos] !== "'"; pos++) s += src[pos] === "\\" ? src[++pos] : src[pos];
      pos++;
      return s;
    }
    if (src[pos] === "$") {
      const m = /^\$(?:\.[A-Za-z0-9_]+|\[\d+\])*/.exec(src.slice(pos))!;
      pos += m[0].length;
      return get(data, m[0]);
    }
    const fn = /^States\.([A-Za-z]+)\(/.exec(src.slice(pos));
    if (fn) {
      pos += fn[0].length;
      const args: Json[] = [];
      while (src[pos] !== ")") {
        args.push(parse());
        while (src[pos] === " ") pos++;
        if (src[pos] === ",") pos++;
      }
      pos++;
      return intrinsic(fn[1], args);
    }
    const literal = /^(-?\d+(\.\d+)?|true|false|null)/.exec(src.slice(pos));
    if (!literal) throw new Error(`cannot parse ${src} at ${pos}`);
    pos += literal[0].length;
    return JSON.parse(literal[0]);
  };
  return parse();
}

function intrinsic(name: string, args: Json[]): Json {
  switch (name) {
    case "Format": {
      let i = 1;
      return (args[0] as string).replace(/\{\}/g, () => {
        const a = args[i++];
        return typeof a === "string" ? a : JSON.stringify(a);
      });
    }
    case "UUID":
      return randomUUID();
    case "Array":
      return args;
    case "JsonMerge":
      if (args[2] !== false) throw new StatesError("States.Runtime", "States.JsonMerge supports only a shallow merge (false)");
      return { ...args[0], ...args[1] };
    default:
      throw new Error(`intrinsic States.${name} is not supported by this interpreter`);
  }
}

/** Parameters / ResultSelector: keys ending in ".$" take a path or intrinsic from `data`. */
function shape(template: Json, data: Json): Json {
  if (Array.isArray(template)) return template.map((t) => shape(t, data));
  if (!template || typeof template !== "object") return template;
  return Object.fromEntries(Object.entries(template).map(([k, v]) => (k.endsWith(".$") ? [k.slice(0, -2), evaluate(v as string, data)] : [k, shape(v, data)])));
}

function matches(rule: Json, data: Json): boolean {
  if (rule.And) return rule.And.every((r: Json) => matches(r, data));
  if (rule.Or) return rule.Or.some((r: Json) => matches(r, data));
  if (rule.Not) return !matches(rule.Not, data);
  const v = tryGet(data, rule.Variable);
  if ("IsPresent" in rule) return v.present === rule.IsPresent;
  if (!v.present) throw new StatesError("States.Runtime", `Choice variable ${rule.Variable} does not exist`);
  if ("StringEquals" in rule) return v.value === rule.StringEquals;
  if ("NumericEquals" in rule) return v.value === rule.NumericEquals;
  if ("BooleanEquals" in rule) return v.value === rule.BooleanEquals;
  throw new Error(`choice rule not supported by this interpreter: ${JSON.stringify(rule)}`);
}

const SDK_RESOURCE = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/;

/** Runs a definition; SDK calls go to `sdk`. A Wait or retry interval that passes TimeoutSeconds fails with States.Timeout. */
export function runStateMachine(definition: States, sdk: SdkHandler, input: Json = {}): Execution {
  const calls: Execution["calls"] = [];
  let clock = 0;
  const timeout = definition.TimeoutSeconds ?? Infinity;
  const sleep = (seconds: number) => {
    clock += seconds;
    if (clock > timeout) throw new StatesError("States.Timeout", `execution ran longer than ${timeout} s`);
  };

  const runStates = (machine: States, data: Json): Json => {
    let name = machine.StartAt;
    for (;;) {
      const state = machine.States[name];
      if (!state) throw new Error(`no state ${name}`);
      const attempt = (): Json => {
        switch (state.Type) {
          case "Task": {
            const m = SDK_RESOURCE.exec(state.Resource);
            if (!m) throw new Error(`only AWS SDK integrations are supported, not ${state.Resource}`);
            const parameters = shape(state.Parameters ?? {}, data);
            calls.push({ action: `${m[1]}:${m[2]}`, parameters });
            const result = structuredClone(sdk(`${m[1]}:${m[2]}`, parameters));
            return state.ResultSelector ? shape(state.ResultSelector, result) : result;
          }
          case "Pass":
            return state.Parameters ? shape(state.Parameters, data) : (state.Result ?? data);
          case "Parallel":
            return state.Branches.map((b: States) => runStates(b, data));
          default:
            throw new Error(`unexpected ${state.Type}`);
        }
      };
      switch (state.Type) {
        case "Succeed":
          return data;
        case "Fail":
          throw new StatesError(state.Error, state.Cause);
        case "Wait":
          sleep(state.Seconds);
          name = state.Next;
          continue;
        case "Choice": {
          const choice = (state.Choices as Json[]).find((c) => matches(c, data));
          name = choice ? choice.Next : state.Default;
          if (!name) throw new StatesError("States.NoChoiceMatched");
          continue;
        }
      }
      const attempts = new Map<Json, number>();
      let result: Json;
      for (;;) {
        try {
          result = attempt();
          break;
        } catch (err) {
          if (!(err instanceof StatesError)) throw err;
          const retrier = (state.Retry ?? []).find(
            (r: Json) => r.ErrorEquals.includes(err.error) || (r.ErrorEquals.includes("States.ALL") && err.error !== "States.Timeout"),
          );
          const used = attempts.get(retrier) ?? 0;
          if (!retrier || used >= (retrier.MaxAttempts ?? 3)) throw err;
          attempts.set(retrier, used + 1);
          sleep((retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** used);
        }
      }
      data = withResult(data, state.ResultPath, result);
      if (state.End) return data;
      name = state.Next;
    }
  };

  try {
    const output = runStates(definition, input);
    return { status: "SUCCEEDED", output, calls, waitedSeconds: clock };
  } catch (err) {
    if (!(err instanceof StatesError)) throw err;
    return { status: "FAILED", error: err.error, cause: err.cause_, calls, waitedSeconds: clock };
  }
}
