/**
 * The inspector of the picked particle: its start, position, loss and
 * gradient, and the optimizer's state, written out and drawn as arrows on
 * the surface. One arrow is the negative gradient. The other is the step the
 * optimizer takes: the momentum velocity, or the per-coordinate step after
 * the adaptive denominator of AdaGrad, RMSprop and Adam.
 */
import { FLOAT32_MAX, type CompiledSurface } from '../core/expr/index.ts';
import { STATUS, STATUS_NAMES, type OptimizerConfig } from '../core/config.ts';
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

interface StateView {
  /** Lines describing the state. */
  lines: string[];
  /** The step the optimizer would take next, per coordinate, in surface units; undefined when it has no state. */
  step?: [number, number];
}

/**
 * Reads the optimizer state the way the update rule uses it. For the
 * adaptive methods the step is −η · (update direction) / (√denominator + ε)
 * with the gradient at the current position, so the arrow shows where the
 * next update goes.
 */
export function describeState(optimizer: OptimizerConfig, state: Float32Array, gradient: [number, number]): StateView {
  const [s0x, s0y, s0z, s0w, s1x, s1y, s1z, s1w] = state;
  const lr = optimizer.lr;
  const pair = (x: number, y: number): string => `(${formatValue(x)}, ${formatValue(y)})`;
  switch (optimizer.name) {
    case 'gd':
      return { lines: ['no state: the step is −η ∇f'] };
    case 'momentum':
    case 'nesterov':
      return { lines: [`velocity b ${pair(s0x, s0y)}`], step: [-lr * s0x, -lr * s0y] };
    case 'adagrad': {
      const denominatorX = Math.sqrt(s0x) + optimizer.eps;
      const denominatorY = Math.sqrt(s0y) + optimizer.eps;
      return {
        lines: [`Σg² ${pair(s0x, s0y)}`, `per-coordinate rate η/(√Σg² + ε) ${pair(lr / denominatorX, lr / denominatorY)}`],
        step: [(-lr * gradient[0]) / denominatorX, (-lr * gradient[1]) / denominatorY],
      };
    }
    case 'rmsprop': {
      const varianceX = optimizer.centered ? s0x - s0z * s0z : s0x;
      const varianceY = optimizer.centered ? s0y - s0w * s0w : s0y;
      const lines = [`square average v ${pair(s0x, s0y)}`];
      if (optimizer.centered) {
        lines.push(`gradient average ${pair(s0z, s0w)}`);
      }
      if (optimizer.momentum > 0) {
        lines.push(`momentum buffer ${pair(s1x, s1y)}`);
      }
      return {
        lines,
        step: [(-lr * gradient[0]) / (Math.sqrt(varianceX) + optimizer.eps), (-lr * gradient[1]) / (Math.sqrt(varianceY) + optimizer.eps)],
      };
    }
    case 'adam':
    case 'adamw': {
      const mHatX = s0x / (1 - s1x);
      const mHatY = s0y / (1 - s1x);
      let vHatX = s0z / (1 - s1y);
      let vHatY = s0w / (1 - s1y);
      if (optimizer.amsgrad) {
        vHatX = s1z;
        vHatY = s1w;
      }
      const valid = s1x < 1 && s1y < 1;
      return {
        lines: [`first moment m ${pair(s0x, s0y)}`, `second moment v ${pair(s0z, s0w)}`, `1 − β₁ᵗ ${formatValue(s1x)}, 1 − β₂ᵗ ${formatValue(s1y)}`],
        step: valid ? [(-lr * mHatX) / (Math.sqrt(vHatX) + optimizer.eps), (-lr * mHatY) / (Math.sqrt(vHatY) + optimizer.eps)] : undefined,
      };
    }
  }
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
  show(particle: InspectedParticle, surface: CompiledSurface, optimizer: OptimizerConfig, dims: 1 | 2, arrowLength: number): SurfaceArrow[] {
    const [x, y, loss, status] = particle.point;
    const gradient = new Float64Array(2);
    surface.gradient(x, y, 'f64', gradient);
    const view = describeState(optimizer, particle.state, [gradient[0], gradient[1]]);
    const coordinate = (a: number, b: number): string => (dims === 1 ? formatValue(a) : `(${formatValue(a)}, ${formatValue(b)})`);

    const lines = [
      `particle ${particle.index} · ${describeProgress(status, particle.stepsDone, particle.stopStep)}`,
      `start ${coordinate(...particle.start)}`,
      `position ${coordinate(x, y)}`,
      `loss ${describeLoss(loss, surface.value(x, y, 'f64'))}`,
      `∇f ${coordinate(gradient[0], gradient[1])}${beyondFloat32(gradient[0]) || beyondFloat32(gradient[1]) ? ', beyond float32' : ''}`,
      ...view.lines,
    ];
    if (view.step) {
      lines.push(`next step ${coordinate(view.step[0], view.step[1])}`);
    }

    const arrows: SurfaceArrow[] = [{ dx: -optimizer.lr * gradient[0], dy: -optimizer.lr * gradient[1], color: GRADIENT_ARROW_COLOR }];
    if (view.step) {
      arrows.push({ dx: view.step[0], dy: view.step[1], color: STEP_ARROW_COLOR });
    }
    const longest = Math.max(...arrows.map((arrow) => Math.hypot(arrow.dx, arrow.dy)));
    if (longest > 0 && Number.isFinite(longest)) {
      const scale = arrowLength / longest;
      for (const arrow of arrows) {
        arrow.dx *= scale;
        arrow.dy *= scale;
      }
      lines.push(`arrows: white −η∇f, pink next step, drawn ×${formatValue(scale)}`);
    }
    this.element.textContent = lines.join('\n');
    return arrows;
  }

  clear(): void {
    this.element.textContent = '';
  }
}
