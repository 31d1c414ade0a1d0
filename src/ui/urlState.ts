/**
 * The scene in the URL fragment, as readable key=value pairs:
 *
 *     #v=1&surface=himmelblau&grid=128&run1.optimizer=adam&run1.lr=0.05&camera=…
 *
 * Only values that differ from the defaults are written, so links stay short
 * and say what is special about the scene. Reading a link never evaluates its
 * text: every value is parsed as a number, a boolean or a name, checked by
 * the same validation as the panel, and a value that fails is left out with a
 * problem naming it, while the rest of the link still applies.
 */
import { defaultOptimizer, DEFAULT_SCHEDULE, OPTIMIZER_NAMES, SCHEDULE_NAMES, type OptimizerConfig, type OptimizerName, type ScheduleConfig, type ScheduleName } from '../core/config.ts';
import { compileFormula, FormulaError } from '../core/expr/index.ts';
import { listNames, OPTIMIZER_FLAGS, OPTIMIZER_SPECS, SCHEDULE_SPECS } from '../core/hyperparameters.ts';
import { describeInterval, formatSettingValue, underflowsToZero } from '../core/limits.ts';
import { resolveSurface, unknownSurfaceError } from '../core/surfaceChoice.ts';
import { CUSTOM_SURFACE_NAME, SURFACE_NAMES, type Domain } from '../core/surfaces.ts';
import { cloneSettings, DEFAULT_SETTINGS, defaultRun, MAX_RUNS, validateSettings, type AppSettings, type RunSettings } from './settings.ts';

/** Format of the fragment; a later format can read this one by its number. */
export const LINK_VERSION = 1;

/** Orbit camera: where it is, the point it looks at, and its zoom (2D views). */
export interface CameraState {
  position: [number, number, number];
  target: [number, number, number];
  zoom: number;
}

/** Everything a link carries. */
export interface LinkState {
  settings: AppSettings;
  camera?: CameraState;
  /** Update count of a paused scene: the link runs to it and stays paused. */
  step?: number;
  /** Index of the picked particle. */
  pick?: number;
}

export interface DecodedLink {
  state: LinkState;
  /** One sentence per value that was not applied, naming the key, the value and why. */
  problems: string[];
  /** A formula that did not compile, so that the formula field can show it with its fault marked. */
  rejectedFormula?: { text: string; error: FormulaError };
}

/** Most characters of a fragment that is read; longer ones are refused whole. */
export const MAX_LINK_LENGTH = 16_384;

/** Most updates a link may ask a paused scene to run to. */
export const MAX_LINK_STEP = 10_000_000;

type Scalar = number | boolean | string | null;

// Flat groups of settings written as `group.key`; their defaults give each value's type.
const GROUPS = ['noise', 'criteria', 'sweep'] as const;

// Top-level settings written under their own names, in this order.
const TOP_KEYS = ['surface', 'formula', 'condition', 'zScale', 'grid', 'stepsPerFrame', 'paused', 'view', 'trails', 'basinView', 'radius', 'restartOnChange', 'active'] as const;

/** Writes `state` as a fragment without the leading '#'. */
export function encodeLink(state: LinkState): string {
  const params = new URLSearchParams();
  params.set('v', String(LINK_VERSION));
  const settings = state.settings;
  for (const key of TOP_KEYS) {
    const value = settings[key] as Scalar | undefined;
    // A link with a formula and no surface runs the formula, so the surface is written beside a formula even when it is the default.
    const surfaceBesideFormula = key === 'surface' && settings.formula !== undefined;
    if (value !== undefined && (surfaceBesideFormula || value !== DEFAULT_SETTINGS[key])) {
      params.set(key, formatScalar(value));
    }
  }
  if (settings.domain) {
    const { xMin, xMax, yMin, yMax } = settings.domain;
    params.set('domain', [xMin, xMax, yMin, yMax].map(formatNumber).join(','));
  }
  for (const group of GROUPS) {
    const values = settings[group] as unknown as Record<string, Scalar>;
    const defaults = DEFAULT_SETTINGS[group] as unknown as Record<string, Scalar>;
    for (const [key, value] of Object.entries(values)) {
      if (value !== defaults[key]) {
        params.set(`${group}.${key}`, formatScalar(value));
      }
    }
  }
  settings.runs.forEach((run, index) => encodeRun(params, `run${index + 1}`, run, index === 0));
  if (state.camera) {
    const { position, target, zoom } = state.camera;
    params.set('camera', [...position, ...target, zoom].map(formatNumber).join(','));
  }
  if (state.step !== undefined) {
    params.set('step', String(state.step));
  }
  if (state.pick !== undefined) {
    params.set('pick', String(state.pick));
  }
  return params.toString();
}

/**
 * Writes run `prefix`. A value that its optimizer or schedule does not read
 * is left out, such as the gamma that the panel keeps after the step
 * schedule became constant, since reading the link would reject it.
 */
function encodeRun(params: URLSearchParams, prefix: string, run: RunSettings, first: boolean): void {
  const optimizer = defaultOptimizer(run.optimizer.name);
  if (!first || run.optimizer.name !== DEFAULT_SETTINGS.runs[0].optimizer.name) {
    params.set(`${prefix}.optimizer`, run.optimizer.name);
  }
  for (const [key, value] of Object.entries(run.optimizer)) {
    // The default run's rate differs from the optimizer's own default; write it whenever it is not the default run's.
    const standard = key === 'lr' ? DEFAULT_SETTINGS.runs[0].optimizer.lr : optimizer[key as keyof OptimizerConfig];
    if (key !== 'name' && value !== standard && optimizersReading(key).includes(run.optimizer.name)) {
      params.set(`${prefix}.${key}`, formatScalar(value));
    }
  }
  if (run.schedule.name !== DEFAULT_SCHEDULE.name) {
    params.set(`${prefix}.schedule`, run.schedule.name);
  }
  for (const [key, value] of Object.entries(run.schedule)) {
    if (key !== 'name' && value !== DEFAULT_SCHEDULE[key as keyof ScheduleConfig] && schedulesReading(key).includes(run.schedule.name)) {
      params.set(`${prefix}.schedule.${key}`, formatScalar(value));
    }
  }
  if (!run.visible) {
    params.set(`${prefix}.visible`, 'false');
  }
}

/** Returns the optimizers that read `field` of OptimizerConfig (other than its name). */
function optimizersReading(field: string): readonly OptimizerName[] {
  return Object.hasOwn(OPTIMIZER_FLAGS, field) ? OPTIMIZER_FLAGS[field as keyof typeof OPTIMIZER_FLAGS].optimizers : OPTIMIZER_SPECS[field as keyof typeof OPTIMIZER_SPECS].optimizers;
}

/** Returns the schedules that read `field` of ScheduleConfig (other than its name). */
function schedulesReading(field: string): readonly ScheduleName[] {
  return SCHEDULE_SPECS[field as keyof typeof SCHEDULE_SPECS].schedules;
}

function formatScalar(value: Scalar): string {
  if (value === null) {
    return 'auto';
  }
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

/** Shortest text that reads back as the same double. */
function formatNumber(value: number): string {
  return String(value);
}

/** Camera values rounded to 5 significant digits: enough to see the same view, short in a link. */
export function roundCamera(camera: CameraState): CameraState {
  const round = (value: number): number => Number(value.toPrecision(5));
  return {
    position: camera.position.map(round) as [number, number, number],
    target: camera.target.map(round) as [number, number, number],
    zoom: round(camera.zoom),
  };
}

/** A decimal number as people type it: no hex, no 'Infinity', no trailing garbage. */
const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

class ValueError extends Error {}

function parseNumberText(text: string): number {
  if (!NUMBER_PATTERN.test(text)) {
    throw new ValueError('expected a decimal number');
  }
  if (underflowsToZero(text)) {
    throw new ValueError('too small for a number and was not read as 0');
  }
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new ValueError('expected a finite number');
  }
  return value;
}

/** Parses `text` as a value of the same type as `template`. */
function parseLike(template: Scalar, text: string, nullable: boolean): Scalar {
  if (nullable && text === 'auto') {
    return null;
  }
  if (typeof template === 'number' || (nullable && template === null)) {
    return parseNumberText(text);
  }
  if (typeof template === 'boolean') {
    if (text === 'true') {
      return true;
    }
    if (text === 'false') {
      return false;
    }
    throw new ValueError('expected true or false');
  }
  return text;
}

/** One key of a link: where it goes, applied to settings being assembled. */
interface Assignment {
  key: string;
  text: string;
  apply(settings: AppSettings): void;
  /** For a key of run k: k, and a check that the run's optimizer or schedule reads the key. */
  run?: { index: number; unread(run: RunSettings): UnreadKey | undefined };
}

/** A run key that the run's optimizer or schedule does not read, with the reason in the command line's words. */
interface UnreadKey {
  by: 'optimizer' | 'schedule';
  reason: string;
}

/** The optimizer and schedule names that a link gives run k. */
type RunNames = Map<number, { optimizer?: string; schedule?: string }>;

/**
 * Reads a fragment (with or without '#'). Values that cannot be read or fail
 * validation are listed in `problems`, and so is every unknown key. Such a
 * value is left at its default, or, given `current` (the scene that runs when
 * a link is typed into its address bar), at the value it has there.
 */
export function decodeLink(fragment: string, current?: LinkState): DecodedLink {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  const problems: string[] = [];
  const state: LinkState = { settings: cloneSettings(DEFAULT_SETTINGS) };
  if (text.length > MAX_LINK_LENGTH) {
    problems.push(`The link is ${text.length} characters long; at most ${MAX_LINK_LENGTH} are read, so it was ignored.`);
    return { state, problems };
  }
  // The app's links begin with v= and are form-encoded, where '+' stands for a space. A link
  // typed without v= is read as typed, so that the '+' of x^2+y^2 stays a plus sign.
  const typed = !/(^|&)v=/.test(text);
  // URLSearchParams reads a broken %-escape as U+FFFD, so such a part is named and left out instead.
  const parts = text.split('&').filter((part) => {
    try {
      decodeURIComponent(part);
      return true;
    } catch {
      problems.push(`The link's part "${shorten(part)}" was ignored: it has a % that is not a valid escape (write a % sign as %25).`);
      return false;
    }
  });
  const readable = parts.join('&');
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(typed ? readable.replace(/\+/g, '%2B') : readable);
  } catch {
    problems.push('The link could not be read as key=value pairs, so it was ignored.');
    return { state, problems };
  }
  // In a v= link a formula's + is a space, so a fault there may be a plus sign that was meant.
  const plusAsSpace = !typed && /(^|&)formula=[^&]*\+/.test(readable);
  const formulaProblem = (text: string, error: FormulaError): string => {
    const problem = describeProblem('formula', text, error);
    return plusAsSpace ? `${problem} In a link that begins with v=, + stands for a space: write %2B for a plus sign.` : problem;
  };
  const seen = new Set<string>();
  // Keys whose value was not applied, with the index of the problem that names each.
  const rejected = new Map<string, number>();
  const reject = (key: string, problem: string): void => {
    rejected.set(key, problems.length);
    problems.push(problem);
  };
  const assignments: Assignment[] = [];
  // Run k's optimizer and schedule names come first: they choose which fields that run has.
  const runNames: RunNames = new Map();
  // Keys of runs past MAX_RUNS, named in one problem per run.
  const extraRuns = new Map<number, string[]>();
  for (const [key, value] of params) {
    if (seen.has(key)) {
      problems.push(`The link repeats "${key}"; the first value was used.`);
      continue;
    }
    seen.add(key);
    const runIndex = Number(RUN_KEY.exec(key)?.[1] ?? 0);
    if (runIndex > MAX_RUNS) {
      extraRuns.set(runIndex, [...(extraRuns.get(runIndex) ?? []), `${key}=${shorten(value)}`]);
      continue;
    }
    try {
      const assignment = readKey(key, value, state, runNames);
      if (assignment) {
        assignments.push(assignment);
      }
    } catch (error) {
      reject(key, describeProblem(key, value, error));
    }
  }
  for (const keys of extraRuns.values()) {
    problems.push(`The link's ${listNames(keys)} ${keys.length === 1 ? 'was' : 'were'} not applied: at most ${MAX_RUNS} configurations run side by side.`);
  }

  // A typed formula and the choice of it are one setting: the formula's own fault names the formula.
  // An invalid surface name is reported on its own, and the formula is then read as if no surface were named.
  const formula = assignments.find((assignment) => assignment.key === 'formula');
  const named = assignments.find((assignment) => assignment.key === 'surface');
  const surface = named && (named.text === CUSTOM_SURFACE_NAME || SURFACE_NAMES.includes(named.text)) ? named : undefined;
  if (named && !surface && formula) {
    // Otherwise the formula's choice of the custom surface would silently replace the invalid name.
    assignments.splice(assignments.indexOf(named), 1);
    reject('surface', describeProblem('surface', named.text, unknownSurfaceError(named.text)));
  }
  if (named?.text === CUSTOM_SURFACE_NAME && !formula) {
    assignments.splice(assignments.indexOf(named), 1);
    reject('surface', describeProblem('surface', named.text, 'the custom surface needs formula= beside it, a formula in x, or in x and y'));
  }
  if (formula && !surface && (typed || named)) {
    // A formula without a surface selects the custom surface, as --formula does on the command line.
    // Links that the app wrote before it named the surface beside every formula (with v= and without
    // surface=) meant the default surface, and keep that meaning.
    const applyFormula = formula.apply;
    formula.apply = (settings) => {
      settings.surface = CUSTOM_SURFACE_NAME;
      applyFormula(settings);
    };
  }
  if (formula && surface) {
    assignments.splice(assignments.indexOf(surface), 1);
    const applyFormula = formula.apply;
    formula.apply = (settings) => {
      surface.apply(settings);
      applyFormula(settings);
    };
  }

  state.settings.runs = readRuns(runNames, assignments, problems, current?.settings);
  let rejectedFormula: DecodedLink['rejectedFormula'];

  // Everything at once first. When that fails, key by key, keeping each key
  // that validates. Two passes let in keys that are checked against each
  // other, such as the two ends of a range.
  const all = cloneSettings(state.settings);
  const applied = assignments.filter((assignment) => tryApply(assignment, all, reject));
  try {
    state.settings = validateSettings(applyAll(state.settings, applied));
  } catch {
    let current = validateOrDefault(state.settings, problems);
    let pending = applied;
    for (let pass = 0; pass < 2; pass++) {
      const failed: { assignment: Assignment; error: unknown }[] = [];
      for (const assignment of pending) {
        const candidate = cloneSettings(current);
        try {
          assignment.apply(candidate);
          current = validateSettings(candidate);
        } catch (error) {
          failed.push({ assignment, error });
        }
      }
      pending = failed.map((entry) => entry.assignment);
      if (pass === 1) {
        for (const { assignment, error } of failed) {
          if (assignment.key === 'formula' && error instanceof FormulaError) {
            reject('formula', formulaProblem(assignment.text, error));
            rejectedFormula = { text: assignment.text, error };
          } else if (assignment.key === 'domain' && assignment.text.split(',').length === 2 && resolveSurface(current).definition.dims === 2) {
            // Two numbers are x bounds alone, which a 2D surface cannot take: this message replaces the general range.
            reject(
              'domain',
              `The link's domain=${shorten(assignment.text)} was not applied: it gives x bounds only, and ${surfaceSubject(current)} is a function of x and y; write 4 numbers: x min, x max, y min, y max.`,
            );
          } else {
            reject(assignment.key, describeProblem(assignment.key, assignment.text, error));
          }
        }
      }
    }
    state.settings = current;
  }
  if (current) {
    state.settings = keepCurrentValues(state.settings, current, rejected, problems, assignments);
  }
  if (state.settings.active >= state.settings.runs.length) {
    state.settings.active = 0;
  }
  // A formula kept beside a built-in surface does not run now, but it is checked as if it did.
  const keptFormula = state.settings.formula;
  if (formula && keptFormula !== undefined && state.settings.surface !== CUSTOM_SURFACE_NAME) {
    try {
      compileFormula(keptFormula);
      if (!named) {
        problems.push(`The link's formula=${shorten(formula.text)} is kept but does not run: a link that begins with v= runs its formula only with surface=custom.`);
      }
    } catch (error) {
      if (!(error instanceof FormulaError)) {
        throw error;
      }
      problems.push(formulaProblem(formula.text, error));
      delete state.settings.formula;
    }
  }
  // A 1D surface takes the domain's x bounds only; y bounds other than 0 are named, not dropped unsaid.
  const domain = assignments.find((assignment) => assignment.key === 'domain');
  const region = state.settings.domain;
  if (domain && region && region.yMin === 0 && region.yMax === 0 && resolveSurface(state.settings).definition.dims === 1) {
    const [, , yMin = 0, yMax = 0] = domain.text.split(',').map(parseNumberText);
    if (yMin !== 0 || yMax !== 0) {
      problems.push(`The link's domain=${shorten(domain.text)} gives y bounds, which were not applied: ${surfaceSubject(state.settings)} is a function of x alone.`);
    }
  }
  // keepCurrentValues empties the problems of values that applied after all.
  const remaining = problems.filter((problem) => problem !== '');
  return rejectedFormula ? { state, problems: remaining, rejectedFormula } : { state, problems: remaining };
}

/**
 * Builds the runs that the link names, each with its optimizer's and
 * schedule's defaults, and removes from `assignments` the run keys that
 * their optimizer or schedule does not read. A run whose optimizer or
 * schedule name is missing or invalid keeps its place with the default, in
 * one problem that also names the keys left out because the default does not
 * read them. The other runs keep their numbers, as the panel shows them.
 */
function readRuns(runNames: RunNames, assignments: Assignment[], problems: string[], current?: AppSettings): RunSettings[] {
  const runCount = Math.max(1, ...runNames.keys());
  const runs: RunSettings[] = [];
  // Problems with a run's optimizer or schedule name, keyed `run${k}.optimizer` or `run${k}.schedule`. Each
  // message starts with `lead` and ends with the name the run takes instead (`fromRunningScene` where it is the
  // running scene's, else the default) and the keys that this name leaves unread.
  const nameProblems = new Map<string, { lead: string; run: string; fallback: string; fromRunningScene: boolean; leftOut: string[] }>();
  for (let k = 1; k <= runCount; k++) {
    const names = runNames.get(k);
    const run = defaultRun();
    // A name typed wrong into the running scene's address keeps the name that run k has there.
    const running = current?.runs[k - 1];
    const optimizer = names?.optimizer;
    const optimizerProblem = (lead: string, fromRunningScene = false) =>
      nameProblems.set(`run${k}.optimizer`, { lead, run: `run${k}`, fallback: run.optimizer.name, fromRunningScene, leftOut: [] });
    if (optimizer !== undefined && (OPTIMIZER_NAMES as readonly string[]).includes(optimizer)) {
      run.optimizer = defaultOptimizer(optimizer as OptimizerName, run.optimizer.lr);
    } else if (optimizer !== undefined) {
      if (running) {
        run.optimizer = defaultOptimizer(running.optimizer.name, run.optimizer.lr);
      }
      optimizerProblem(`The link's run${k}.optimizer=${shorten(optimizer)} was not applied: ${unknownName('optimizer', optimizer, OPTIMIZER_NAMES)} `, running !== undefined);
    } else if (k > 1) {
      // The app writes the optimizer of every run after the first, so a link without one was edited. Such a run
      // takes the default optimizer, as the first run does.
      optimizerProblem(names === undefined ? `The link sets run${runCount} but not run${k}, so ` : `The link sets run${k} without run${k}.optimizer, so `);
    }
    const schedule = names?.schedule;
    if (schedule !== undefined && (SCHEDULE_NAMES as readonly string[]).includes(schedule)) {
      run.schedule = { ...DEFAULT_SCHEDULE, name: schedule as ScheduleName };
    } else if (schedule !== undefined) {
      if (running) {
        run.schedule = { ...DEFAULT_SCHEDULE, name: running.schedule.name };
      }
      const lead = `The link's run${k}.schedule=${shorten(schedule)} was not applied: ${unknownName('schedule', schedule, SCHEDULE_NAMES)} `;
      nameProblems.set(`run${k}.schedule`, { lead, run: `run${k}`, fallback: run.schedule.name, fromRunningScene: running !== undefined, leftOut: [] });
    }
    runs.push(run);
  }

  const unreadProblems: string[] = [];
  for (const assignment of [...assignments]) {
    const unread = assignment.run?.unread(runs[assignment.run.index - 1]);
    if (!assignment.run || !unread) {
      continue;
    }
    assignments.splice(assignments.indexOf(assignment), 1);
    const nameProblem = nameProblems.get(`run${assignment.run.index}.${unread.by}`);
    if (nameProblem) {
      nameProblem.leftOut.push(`${assignment.key}=${shorten(assignment.text)}`);
    } else {
      unreadProblems.push(describeProblem(assignment.key, assignment.text, unread.reason));
    }
  }

  for (const [key, { lead, run, fallback, fromRunningScene, leftOut }] of nameProblems) {
    const kind = key.endsWith('.optimizer') ? 'optimizer' : 'schedule';
    const without = leftOut.length === 0 ? '' : `, without ${listNames(leftOut)}, which ${fallback} does not read`;
    const instead = fromRunningScene ? `keeps ${fallback}, its current ${kind}` : `runs ${fallback}, the default ${kind}`;
    problems.push(`${lead}${run} ${instead}${without}.`);
  }
  problems.push(...unreadProblems);
  return runs;
}

/** Returns the reason for a name that is not one of `names`, with a hint where it differs from one of them only in case. */
function unknownName(kind: string, value: string, names: readonly string[]): string {
  const match = names.find((name) => name.toLowerCase() === value.toLowerCase());
  const hint = match === undefined ? '.' : `. Did you mean ${match}?`;
  return `unknown ${kind} ${formatSettingValue(value)}: expected one of ${names.join(', ')}${hint}`;
}

function applyAll(settings: AppSettings, assignments: Assignment[]): AppSettings {
  const next = cloneSettings(settings);
  for (const assignment of assignments) {
    assignment.apply(next);
  }
  return next;
}

/** Applies one assignment to a scratch copy to catch type errors early; returns whether it applies. */
function tryApply(assignment: Assignment, scratch: AppSettings, reject: (key: string, problem: string) => void): boolean {
  try {
    assignment.apply(scratch);
    return true;
  } catch (error) {
    reject(assignment.key, describeProblem(assignment.key, assignment.text, error));
    return false;
  }
}

/**
 * Puts back the value that each rejected key has in `current`, where
 * `settings` still reads that key and takes the value, and adds that value
 * to the key's problem. A key that `current` leaves at its default stays at it.
 * A rejected surface or formula puts back the running surface first. Keys
 * that failed only against the link's fallback surface, such as a 1D domain,
 * then get their own value from `assignments` where it fits the running
 * surface, and their problems are emptied.
 */
function keepCurrentValues(settings: AppSettings, current: LinkState, rejected: Map<string, number>, problems: string[], assignments: readonly Assignment[]): AppSettings {
  const currentValues = new URLSearchParams(encodeLink(current));
  let merged = settings;
  // A surface and its formula are one choice: a fault in either keeps the running surface. The formula
  // field still shows a rejected formula with its fault marked.
  const surfaceProblems = ['surface', 'formula'].flatMap((key) => (rejected.has(key) ? [rejected.get(key)!] : []));
  let surfaceKept = false;
  if (surfaceProblems.length > 0) {
    const running = current.settings;
    // A valid condition number in the link applies to the running surface, as it would to the link's own.
    const linkCondition = assignments.some((assignment) => assignment.key === 'condition') && !rejected.has('condition');
    try {
      merged = validateSettings({ ...cloneSettings(merged), surface: running.surface, formula: running.formula, condition: linkCondition ? merged.condition : running.condition });
      surfaceKept = true;
      const subject = running.surface === CUSTOM_SURFACE_NAME ? `the formula ${shorten(running.formula ?? '')}` : running.surface;
      for (const problem of surfaceProblems) {
        problems[problem] += ` The running surface, ${subject}, stays.`;
      }
    } catch {
      // The link's domain does not fit the running surface, so the link's fallback stays.
    }
  }
  const sameSurface = merged.surface === current.settings.surface && merged.formula === current.settings.formula;
  for (const [key, problem] of rejected) {
    if (key === 'surface' || key === 'formula') {
      continue;
    }
    // Checked against the link's fallback surface, the link's own value may fit the running one.
    const own = surfaceKept ? assignments.find((assignment) => assignment.key === key) : undefined;
    if (own) {
      try {
        merged = validateSettings(applyAll(merged, [own]));
        problems[problem] = '';
        continue;
      } catch {
        // The link's value does not fit the running surface either: the running value is tried below.
      }
    }
    const value = currentValues.get(key);
    // A domain belongs to its surface: it is kept only where the link keeps the surface too.
    if (value === null || (key === 'domain' && !sameSurface)) {
      continue;
    }
    try {
      const assignment = readKey(key, value, { settings: cloneSettings(merged) }, new Map());
      const run = assignment?.run;
      if (!assignment || (run && (!merged.runs[run.index - 1] || run.unread(merged.runs[run.index - 1])))) {
        continue;
      }
      merged = validateSettings(applyAll(merged, [assignment]));
      problems[problem] += ` It keeps its current value, ${shorten(value)}.`;
    } catch {
      // The current value does not fit the rest of the link, which keeps the default.
    }
  }
  return merged;
}

/** The settings with the link's runs, or the defaults if even those fail. */
function validateOrDefault(settings: AppSettings, problems: string[]): AppSettings {
  try {
    return validateSettings(settings);
  } catch (error) {
    problems.push(`The link's runs were not applied: ${error instanceof Error ? error.message : String(error)}.`);
    return cloneSettings(DEFAULT_SETTINGS);
  }
}

function describeProblem(key: string, value: string, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `The link's ${key}=${shorten(value)} was not applied: ${reason}.`;
}

/** Returns the surface of `settings` as a problem names it: its name, or "the formula". */
function surfaceSubject(settings: AppSettings): string {
  return settings.surface === CUSTOM_SURFACE_NAME ? 'the formula' : settings.surface;
}

/** Shortens a value that a problem repeats to its first 60 characters. */
function shorten(value: string): string {
  return value.length > 60 ? `${value.slice(0, 60)}…` : value;
}

const RUN_KEY = /^run([1-9]\d*)\.(.+)$/;

/** Reads one key; returns what it sets in the settings, or undefined for keys kept in `state` itself. */
function readKey(key: string, value: string, state: LinkState, runNames: RunNames): Assignment | undefined {
  if (key === 'v') {
    if (value !== String(LINK_VERSION)) {
      throw new ValueError(`expected version ${LINK_VERSION}; the rest of the link is read as version ${LINK_VERSION}`);
    }
    return undefined;
  }
  if (key === 'camera') {
    const numbers = value.split(',').map(parseNumberText);
    if (numbers.length !== 7 || !(numbers[6] > 0)) {
      throw new ValueError('expected 7 numbers: position x, y, z, target x, y, z and a positive zoom');
    }
    state.camera = { position: [numbers[0], numbers[1], numbers[2]], target: [numbers[3], numbers[4], numbers[5]], zoom: numbers[6] };
    return undefined;
  }
  if (key === 'step' || key === 'pick') {
    const number = parseNumberText(value);
    const limit = key === 'step' ? MAX_LINK_STEP : 2 ** 32 - 1;
    if (!Number.isInteger(number) || number < 0 || number > limit) {
      // The scene's particle count is not known here, so a pick past the last particle is reported once the scene is built.
      throw new ValueError(key === 'step' ? `expected ${describeInterval({ min: 0, max: limit, integer: true })}` : 'expected a particle index, an integer from 0 to the particle count minus 1');
    }
    state[key] = number;
    return undefined;
  }
  if (key === 'domain') {
    const numbers = value.split(',').map(parseNumberText);
    if (numbers.length !== 4 && numbers.length !== 2) {
      throw new ValueError('expected 4 numbers: x min, x max, y min, y max (2 for a 1D surface: x min, x max)');
    }
    // Two numbers are a 1D surface's x bounds, as the command line's --domain takes them; a 2D surface rejects them below.
    const [xMin, xMax, yMin = 0, yMax = 0] = numbers;
    const domain: Domain = { xMin, xMax, yMin, yMax };
    return { key, text: value, apply: (settings) => (settings.domain = { ...domain }) };
  }
  if ((TOP_KEYS as readonly string[]).includes(key)) {
    const name = key as (typeof TOP_KEYS)[number];
    const template = key === 'formula' ? '' : (DEFAULT_SETTINGS[name] as Scalar);
    const parsed = parseLike(template, value, key === 'radius');
    return { key, text: value, apply: (settings) => ((settings as unknown as Record<string, Scalar>)[name] = parsed) };
  }
  const dot = key.indexOf('.');
  const group = key.slice(0, dot) as (typeof GROUPS)[number];
  if (dot > 0 && (GROUPS as readonly string[]).includes(group)) {
    const field = key.slice(dot + 1);
    const defaults = DEFAULT_SETTINGS[group] as unknown as Record<string, Scalar>;
    if (!Object.hasOwn(defaults, field)) {
      throw new ValueError(`${group} has no setting "${field}" (expected one of ${Object.keys(defaults).join(', ')})`);
    }
    const parsed = parseLike(defaults[field], value, false);
    return { key, text: value, apply: (settings) => ((settings[group] as unknown as Record<string, Scalar>)[field] = parsed) };
  }
  const run = RUN_KEY.exec(key);
  if (run) {
    return readRunKey(key, value, Number(run[1]), run[2], runNames);
  }
  throw new ValueError('not a setting of downhill; ignored');
}

/** Reads a key of run `index` (at most MAX_RUNS, which decodeLink checks). */
function readRunKey(key: string, value: string, index: number, field: string, runNames: RunNames): Assignment | undefined {
  const names = runNames.get(index) ?? {};
  runNames.set(index, names);
  if (field === 'optimizer') {
    names.optimizer = value;
    return undefined;
  }
  if (field === 'schedule') {
    names.schedule = value;
    return undefined;
  }
  const at = (settings: AppSettings): RunSettings => {
    const run = settings.runs[index - 1];
    if (!run) {
      throw new ValueError(`run${index} is not in the link`);
    }
    return run;
  };
  if (field === 'visible') {
    const parsed = parseLike(true, value, false) as boolean;
    return { key, text: value, apply: (settings) => (at(settings).visible = parsed) };
  }
  if (field.startsWith('schedule.')) {
    const name = field.slice('schedule.'.length);
    if (name === 'name' || !Object.hasOwn(DEFAULT_SCHEDULE, name)) {
      throw new ValueError(`a schedule has no setting "${name}"`);
    }
    const parsed = parseLike(DEFAULT_SCHEDULE[name as keyof ScheduleConfig] as Scalar, value, false);
    const schedules = schedulesReading(name);
    // As the command line words it: "--gamma applies to --schedule step and exponential, not constant".
    const unread = (run: RunSettings): UnreadKey | undefined =>
      schedules.includes(run.schedule.name) ? undefined : { by: 'schedule', reason: `${name} applies to schedule ${listNames(schedules)}, not ${run.schedule.name}` };
    return { key, text: value, apply: (settings) => ((at(settings).schedule as unknown as Record<string, Scalar>)[name] = parsed), run: { index, unread } };
  }
  const template = defaultOptimizer('gd');
  if (field === 'name' || !Object.hasOwn(template, field)) {
    throw new ValueError(`an optimizer has no setting "${field}"`);
  }
  const parsed = parseLike(template[field as keyof OptimizerConfig] as Scalar, value, false);
  const optimizers = optimizersReading(field);
  // As the command line words it: "--beta1 applies to adam and adamw, not gd".
  const unread = (run: RunSettings): UnreadKey | undefined =>
    optimizers.includes(run.optimizer.name) ? undefined : { by: 'optimizer', reason: `${field} applies to ${listNames(optimizers)}, not ${run.optimizer.name}` };
  return { key, text: value, apply: (settings) => ((at(settings).optimizer as unknown as Record<string, Scalar>)[field] = parsed), run: { index, unread } };
}
