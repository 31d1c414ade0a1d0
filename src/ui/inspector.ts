/**
 * The inspector of the picked particle: its start, position, loss and
 * gradient, the optimizer's state, and its next update, written out and
 * drawn as arrows on the surface. One arrow is the plain gradient step at the
 * update's rate. The other is the step the update makes, computed by the CPU
 * reference's arithmetic from the particle's state.
 */
import { FLOAT32_MAX } from '../core/expr/index.ts';
import { STATUS, STATUS_NAMES, type OptimizerConfig } from '../core/config.ts';
import { adagradRate } from '../core/optimizers.ts';
import { UpdateRule, type UpdateSetup } from '../core/reference.ts';
import type { CellHyperparameters } from '../core/sweep.ts';
import type { SurfaceArrow } from '../render/sceneView.ts';
import { formatValue } from './format.ts';

/** Colours of the inspector's arrows. */
export const GRADIENT_ARROW_COLOR = '#ffffff';
export const STEP_ARROW_COLOR = '#f72585';

/**
 * Describes how far a particle got: "moving · N updates" while it moves, or
 * the update at which it stopped, which the scene's count has passed since.
 */
export function describeProgress(status: number, stepsDone: number, stopStep: number): string {
  const name = STATUS_NAMES[status] ?? 'unknown';
  const updates = (count: number): string => `${count} ${count === 1 ? 'update' : 'updates'}`;
  if (status === STATUS.converged && stopStep > 0) {
    return `converged after ${updates(stopStep)}`;
  }
  if (status === STATUS.diverged && stopStep > 0) {
    return `diverged at update ${stopStep}`;
  }
  return `${name} · ${updates(stepsDone)}`;
}

export interface InspectedParticle {
  index: number;
  start: [number, number];
  /** x, y, loss, status code, as the GPU last reported them. */
  point: [number, number, number, number];
  /** The s0 and s1 state entries of the WGSL. */
  state: Float32Array;
  /** Updates of the scene so far. */
  stepsDone: number;
  /** The update at which the particle converged or diverged; 0 while it moves. */
  stopStep: number;
}

/**
 * Lists the optimizer state of a particle as the update rule names it: the
 * s0 and s1 entries of the WGSL, read per optimizer.
 */
export function describeState(optimizer: OptimizerConfig, state: ArrayLike<number>): string[] {
  const [s0x, s0y, s0z, s0w, s1x, s1y, s1z, s1w] = Array.from(state);
  const pair = (x: number, y: number): string => `(${formatValue(x)}, ${formatValue(y)})`;
  switch (optimizer.name) {
    case 'gd':
      return ['no state: the step is −ηₜ ∇f'];
    case 'momentum':
    case 'nesterov':
      return [`momentum buffer b ${pair(s0x, s0y)}`];
    case 'adagrad':
      return [`Σg² ${pair(s0x, s0y)}`];
    case 'rmsprop': {
      const lines = [`square average v ${pair(s0x, s0y)}`];
      if (optimizer.centered) {
        lines.push(`gradient average ${pair(s0z, s0w)}`);
      }
      if (optimizer.momentum > 0) {
        lines.push(`momentum buffer ${pair(s1x, s1y)}`);
      }
      return lines;
    }
    case 'adam':
    case 'adamw': {
      const lines = [`first moment m ${pair(s0x, s0y)}`, `second moment v ${pair(s0z, s0w)}`, `1 − β₁ᵗ ${formatValue(s1x)}, 1 − β₂ᵗ ${formatValue(s1y)}`];
      if (optimizer.amsgrad) {
        lines.push(`largest v so far ${pair(s1z, s1w)}`);
      }
      return lines;
    }
  }
}

/** The update that a particle makes next, as the GPU computes it. */
export interface NextUpdate {
  /** The rate γₜ of the update, schedule included. */
  lr: number;
  /** AdaGrad's rate γₜ / (1 + t · lr_decay), undefined for the other optimizers. */
  decayedLr?: number;
  /** The change of position, per coordinate. */
  step: [number, number];
}

/**
 * Computes update t of particle `particle` from (x, y) with its optimizer
 * state, by the float32 arithmetic of the CPU reference, which is the GPU's:
 * the schedule, gradient noise, weight decay and the cell's hyperparameters
 * included. Returns undefined where the gradient is undefined, where the
 * particle stops as diverged instead.
 */
export function nextUpdate(setup: UpdateSetup, cell: CellHyperparameters, particle: number, x: number, y: number, t: number, state: ArrayLike<number>): NextUpdate | undefined {
  const rule = new UpdateRule(setup, cell, 'f32');
  // Criteria that stop the particle only where the update is undefined or not finite.
  const criteria = { gradTol: 0, stepTol: 0, divergeBound: Number.POSITIVE_INFINITY };
  if (rule.advance(particle, Float64Array.of(x, y), 0, t, t + 1, Float64Array.from(state), criteria) === STATUS.diverged) {
    return undefined;
  }
  const step: [number, number] = [rule.next[0] - x, rule.next[1] - y];
  if (setup.optimizer.name === 'adagrad') {
    return { lr: rule.lr, decayedLr: adagradRate(rule.lr, t, Math.fround(setup.optimizer.lrDecay), Math.fround), step };
  }
  return { lr: rule.lr, step };
}

/** Returns whether a finite float64 value is too large in magnitude for float32. */
function beyondFloat32(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) > FLOAT32_MAX;
}

/**
 * Describes the loss that the GPU stored. Where it stored none (float32 overflowed, or the loss is
 * 3e38 or more), the float64 loss is given if it exists, and "undefined" otherwise.
 */
export function describeLoss(stored: number, exact: number): string {
  if (!Number.isNaN(stored)) {
    return formatValue(stored);
  }
  return Number.isFinite(exact) ? `${formatValue(exact)} in float64, none in float32` : 'undefined';
}

export class Inspector {
  constructor(private readonly element: HTMLElement) {}

  /**
   * Shows the picked particle and returns the arrows to draw at its
   * position: −η∇f (where plain descent would step) and the optimizer's own
   * step, both scaled by one factor so that the longer is `arrowLength`
   * surface units.
   */
  show(particle: InspectedParticle, setup: UpdateSetup, cell: CellHyperparameters, dims: 1 | 2, arrowLength: number): SurfaceArrow[] {
    const [x, y, loss, status] = particle.point;
    const surface = setup.surface;
    const gradient = new Float64Array(2);
    surface.gradient(x, y, 'f64', gradient);
    const coordinate = (a: number, b: number): string => (dims === 1 ? formatValue(a) : `(${formatValue(a)}, ${formatValue(b)})`);
    // A stopped particle makes no further update.
    const next = status === STATUS.moving ? nextUpdate(setup, cell, particle.index, x, y, particle.stepsDone, particle.state) : undefined;

    const lines = [
      `particle ${particle.index} · ${describeProgress(status, particle.stepsDone, particle.stopStep)}`,
      `start ${coordinate(...particle.start)}`,
      `position ${coordinate(x, y)}`,
      `loss ${describeLoss(loss, surface.value(x, y, 'f64'))}`,
      `∇f ${coordinate(gradient[0], gradient[1])}${beyondFloat32(gradient[0]) || beyondFloat32(gradient[1]) ? ', beyond float32' : ''}`,
      ...describeState(setup.optimizer, particle.state),
    ];
    const arrows: SurfaceArrow[] = [];
    if (next) {
      const decayed = next.decayedLr === undefined ? '' : `, ${formatValue(next.decayedLr)} after AdaGrad's decay`;
      // Counted from 1 as the status line counts updates, with the t of the update rules (t = 0 first) beside it.
      // The step has a line of its own, so that neither wraps in the side column.
      lines.push(`update ${particle.stepsDone + 1} (t = ${particle.stepsDone}): rate ηₜ ${formatValue(next.lr)}${decayed}`, `step ${coordinate(next.step[0], next.step[1])}`);
      arrows.push({ dx: -next.lr * gradient[0], dy: -next.lr * gradient[1], color: GRADIENT_ARROW_COLOR });
      arrows.push({ dx: next.step[0], dy: next.step[1], color: STEP_ARROW_COLOR });
    }
    const longest = Math.max(...arrows.map((arrow) => Math.hypot(arrow.dx, arrow.dy)));
    if (longest > 0 && Number.isFinite(longest)) {
      const scale = arrowLength / longest;
      for (const arrow of arrows) {
        arrow.dx *= scale;
        arrow.dy *= scale;
      }
      lines.push(`arrows: white −ηₜ∇f, pink the step, drawn ×${formatValue(scale)}`);
    }
    this.element.textContent = lines.join('\n');
    return arrows;
  }

  clear(): void {
    this.element.textContent = '';
  }
}
