/**
 * Link and minima helpers that the WebGPU app (app.ts) and the CPU fallback
 * (fallbackApp.ts) share: the link state of a scene, copying the link, the
 * notice of a link's rejected values, and the notice of the minima found.
 */
import type { AppSettings } from './settings.ts';
import { cloneSettings } from './settings.ts';
import type { CompiledSurface } from '../core/expr/index.ts';
import { undefinedStartsProblem } from '../core/grid.ts';
import type { FoundMinimum } from '../core/minima.ts';
import type { Domain } from '../core/surfaces.ts';
import { formatPoint, formatValue } from './format.ts';
import { NoticeSlot, type Notices } from './notices.ts';
import type { LinkState } from './urlState.ts';

/** Minima named in the notice; the rest are counted. */
const LISTED_MINIMA = 8;

/** Progress of a scene, as its link records it. */
export interface SceneProgress {
  settings: AppSettings;
  /** The update a paused link runs to, while it is on its way there. */
  runTo: number | undefined;
  stepsDone: number;
  pickedIndex: number;
  particleCount: number;
}

/** Returns the link state of a scene: its settings, the update it is paused at, and its picked particle. */
export function sceneLinkState(scene: SceneProgress, camera?: LinkState['camera']): LinkState {
  const state: LinkState = { settings: cloneSettings(scene.settings) };
  if (camera) {
    state.camera = camera;
  }
  if (scene.settings.paused) {
    state.step = scene.runTo ?? scene.stepsDone;
  }
  if (scene.pickedIndex < scene.particleCount) {
    state.pick = scene.pickedIndex;
  }
  return state;
}

/** A scene that a link's picked particle and update count apply to: the app, or its CPU fallback. */
export interface LinkTarget {
  readonly particleCount: number;
  readonly stepsDone: number;
  readonly settings: { readonly paused: boolean };
  pick(index: number): void;
  /** Puts every particle back on its start. */
  reset(): void;
}

/**
 * Applies a link's picked particle, and reports a pick past the last particle
 * to `report`. When the link's paused scene is at another update, resets the
 * particles and returns that update, for the caller to run to.
 */
export function applyLinkPickAndStep(state: LinkState, target: LinkTarget, report: (problem: string) => void): number | undefined {
  if (state.pick !== undefined) {
    if (state.pick < target.particleCount) {
      target.pick(state.pick);
    } else {
      report(`The link's pick=${state.pick} was not applied: this scene has ${target.particleCount} particles (0 to ${target.particleCount - 1}).`);
    }
  }
  if (state.step !== undefined && target.settings.paused && state.step !== target.stepsDone) {
    target.reset();
    return state.step;
  }
  return undefined;
}

/** Copies `link` to the clipboard, or shows it to copy by hand where the browser does not allow it. */
export async function copyLinkToClipboard(link: string, notices: Notices): Promise<void> {
  try {
    await navigator.clipboard.writeText(link);
    notices.show(`Link to this scene copied (${link.length} characters).`, 'info', 4000);
  } catch {
    notices.show(`The browser did not allow copying; the link to this scene is ${link}`, 'info', 30000);
  }
}

/** Shows the values a link could not apply, once per decoded link. */
export class LinkProblemNotices {
  private lastShown: readonly string[] = [];
  private readonly slot: NoticeSlot;

  constructor(notices: Notices) {
    this.slot = new NoticeSlot(notices, 'error', 30000);
  }

  /** Shows the problems of a link that was just applied, in place of those of the link before. */
  show(problems: readonly string[]): void {
    if (problems === this.lastShown) {
      return;
    }
    this.lastShown = problems;
    if (problems.length === 0) {
      this.slot.clear();
      return;
    }
    console.warn(`downhill: link problems: ${problems.join(' ')}`);
    this.slot.show(problems.join(' '));
  }
}

/**
 * Returns a warning when learning rate `lr` is above `limit`, the stability
 * limit of `optimizer` on `surface`. The warning suggests a power of ten
 * below the limit. Returns undefined at or below the limit, or without one.
 */
export function stabilityWarning(surface: string, optimizer: string, lr: number, limit: number | undefined): string | undefined {
  if (limit === undefined || !(lr > limit)) {
    return undefined;
  }
  const suggestion = 10 ** Math.floor(Math.log10(0.99 * limit));
  return (
    `η = ${formatValue(lr)} is above the stability limit η = ${formatValue(limit)} of ${optimizer} on ${surface}, ` +
    `so particles that reach a minimum are thrown out of it again. Try η = ${formatValue(suggestion)}, or sweep the rates. ` +
    'The limit is that of the minima: starts far from them can diverge at smaller rates.'
  );
}

/** Shows the minima that `converged` particles clustered into in `domain`, or why there are none. */
export function showFoundMinima(notices: Notices, found: readonly FoundMinimum[], dims: 1 | 2, domain: Domain, converged: number): void {
  if (found.length === 0) {
    notices.show('No particle has converged yet, so no minimum is known. Let the particles run longer, or raise the learning rate.', 'info');
    return;
  }
  const lines = found.slice(0, LISTED_MINIMA).map(
    (minimum) =>
      `${formatPoint(minimum, dims, domain)}: ` +
      `f = ${formatValue(minimum.value)}, ${minimum.count} particles${minimum.refined ? '' : ', not refined'}`,
  );
  const more = found.length > LISTED_MINIMA ? `; ${found.length - LISTED_MINIMA} more` : '';
  const noun = found.length === 1 ? 'minimum' : 'minima';
  notices.show(`${found.length} ${noun} from ${converged} converged particles: ${lines.join('; ')}${more}.`, 'info', 30000);
}

/**
 * Returns a warning when the surface is undefined at every start checked, so
 * that every particle stops as diverged at its first update, and undefined otherwise.
 */
export function undefinedStartsWarning(surface: CompiledSurface, startPoints: Float32Array): string | undefined {
  const problem = undefinedStartsProblem(surface, startPoints);
  if (problem === undefined) {
    return undefined;
  }
  return (
    `The surface or its gradient is undefined ${problem}. ` +
    'A formula such as x/(y - y) is undefined everywhere, and log(x) where x < 0: check the formula and the domain.'
  );
}

/** Shows the warning of `undefinedStartsWarning` in `slot`, or takes an earlier one off. */
export function showUndefinedStarts(slot: NoticeSlot, surface: CompiledSurface, startPoints: Float32Array): void {
  const warning = undefinedStartsWarning(surface, startPoints);
  if (warning === undefined) {
    slot.clear();
  } else {
    slot.show(warning);
  }
}
