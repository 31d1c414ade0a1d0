/**
 * The update rules of torch.optim's SGD (with momentum and Nesterov),
 * Adagrad, RMSprop, Adam and AdamW, as the CPU reference runs them. Every
 * operation is rounded by `round` (Math.fround for float32, identity for
 * float64) in the order optimizer_step in shaders/descent.wgsl performs it;
 * change both together. docs/update-rules.md states each rule.
 */
import type { OptimizerConfig } from './config.ts';

/**
 * Numbers of optimizer state per particle: the two vec4f entries s0 and s1 of
 * the WGSL. momentum, nesterov: s0.xy = momentum buffer. adagrad: s0.xy = sum
 * of squared gradients. rmsprop: s0.xy = square average, s0.zw = gradient
 * average, s1.xy = momentum buffer. adam, adamw: s0.xy = m, s0.zw = v,
 * s1.xy = the bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ, s1.zw = running maximum
 * of v (AMSGrad).
 */
export const STATE_SIZE = 8;

/**
 * One update from position (x, y) and gradient (gx, gy), noise and coupled
 * weight decay included, at update t with learning rate lr. It updates
 * `state` in place and writes the new position to out[0], out[1].
 */
export type OptimizerStep = (x: number, y: number, gx: number, gy: number, lr: number, t: number, state: Float64Array, out: Float64Array) => void;

/** Creates the state of a particle before its first update. */
export function initialState(config: OptimizerConfig, round: (value: number) => number): Float64Array {
  const state = new Float64Array(STATE_SIZE);
  if (config.name === 'adagrad') {
    state[0] = round(config.initialAccumulator);
    state[1] = round(config.initialAccumulator);
  }
  return state;
}

/** Computes AdaGrad's rate at update t, lr / (1 + t · lrDecay), with every operation rounded by `round`. */
export function adagradRate(lr: number, t: number, lrDecay: number, round: (value: number) => number): number {
  return round(lr / round(1 + round(round(t) * lrDecay)));
}

/** Builds the update function of `config` with its hyperparameters rounded once, as the GPU receives them. */
export function createOptimizerStep(config: OptimizerConfig, round: (value: number) => number): OptimizerStep {
  const r = round;
  const momentum = r(config.momentum);
  const oneMinusDampening = r(1 - config.dampening);
  const eps = r(config.eps);
  const lrDecay = r(config.lrDecay);
  const alpha = r(config.alpha);
  const oneMinusAlpha = r(1 - config.alpha);
  const beta1 = r(config.beta1);
  const beta2 = r(config.beta2);
  const oneMinusBeta1 = r(1 - config.beta1);
  const oneMinusBeta2 = r(1 - config.beta2);
  const weightDecay = r(config.weightDecay);
  const nesterov = config.name === 'nesterov';

  switch (config.name) {
    case 'gd':
      return (x, y, gx, gy, lr, _t, _state, out) => {
        out[0] = r(x + r(-lr * gx));
        out[1] = r(y + r(-lr * gy));
      };

    case 'momentum':
    case 'nesterov':
      // torch.optim.SGD copies the gradient into the buffer on the first step,
      // and with μ = 0 keeps no buffer at all, so τ never applies then.
      return (x, y, gx, gy, lr, t, state, out) => {
        if (t === 0 || momentum === 0) {
          state[0] = gx;
          state[1] = gy;
        } else {
          state[0] = r(r(momentum * state[0]) + r(oneMinusDampening * gx));
          state[1] = r(r(momentum * state[1]) + r(oneMinusDampening * gy));
        }
        const dx = nesterov ? r(gx + r(momentum * state[0])) : state[0];
        const dy = nesterov ? r(gy + r(momentum * state[1])) : state[1];
        out[0] = r(x + r(-lr * dx));
        out[1] = r(y + r(-lr * dy));
      };

    case 'adagrad':
      return (x, y, gx, gy, lr, t, state, out) => {
        const decayedLr = adagradRate(lr, t, lrDecay, r);
        state[0] = r(state[0] + r(gx * gx));
        state[1] = r(state[1] + r(gy * gy));
        out[0] = r(x + r(r(-decayedLr * gx) / r(r(Math.sqrt(state[0])) + eps)));
        out[1] = r(y + r(r(-decayedLr * gy) / r(r(Math.sqrt(state[1])) + eps)));
      };

    case 'rmsprop':
      return (x, y, gx, gy, lr, _t, state, out) => {
        state[0] = r(r(alpha * state[0]) + r(r(oneMinusAlpha * gx) * gx));
        state[1] = r(r(alpha * state[1]) + r(r(oneMinusAlpha * gy) * gy));
        let squareX = state[0];
        let squareY = state[1];
        if (config.centered) {
          state[2] = r(r(alpha * state[2]) + r(oneMinusAlpha * gx));
          state[3] = r(r(alpha * state[3]) + r(oneMinusAlpha * gy));
          squareX = r(squareX - r(state[2] * state[2]));
          squareY = r(squareY - r(state[3] * state[3]));
        }
        const scaledX = r(gx / r(r(Math.sqrt(squareX)) + eps));
        const scaledY = r(gy / r(r(Math.sqrt(squareY)) + eps));
        if (momentum > 0) {
          state[4] = r(r(momentum * state[4]) + scaledX);
          state[5] = r(r(momentum * state[5]) + scaledY);
          out[0] = r(x + r(-lr * state[4]));
          out[1] = r(y + r(-lr * state[5]));
        } else {
          out[0] = r(x + r(-lr * scaledX));
          out[1] = r(y + r(-lr * scaledY));
        }
      };

    case 'adam':
    case 'adamw': {
      const decoupled = config.name === 'adamw';
      return (x, y, gx, gy, lr, _t, state, out) => {
        let startX = x;
        let startY = y;
        if (decoupled) {
          const decay = r(lr * weightDecay);
          startX = r(x - r(decay * x));
          startY = r(y - r(decay * y));
        }
        state[0] = r(r(beta1 * state[0]) + r(oneMinusBeta1 * gx));
        state[1] = r(r(beta1 * state[1]) + r(oneMinusBeta1 * gy));
        state[2] = r(r(beta2 * state[2]) + r(r(oneMinusBeta2 * gx) * gx));
        state[3] = r(r(beta2 * state[3]) + r(r(oneMinusBeta2 * gy) * gy));
        // The corrections 1 − βᵗ follow the moments' own recurrence, c ← β c + (1 − β) from c = 0.
        // So a constant gradient gives m̂ = g and v̂ = g² at every t, although the float32 values of
        // β and 1 − β do not sum to 1 (docs/update-rules.md gives the numbers for β₂ = 0.999).
        state[4] = r(r(beta1 * state[4]) + oneMinusBeta1);
        state[5] = r(r(beta2 * state[5]) + oneMinusBeta2);

        const correction1 = state[4];
        const correction2 = state[5];
        const mHatX = r(state[0] / correction1);
        const mHatY = r(state[1] / correction1);
        // AMSGrad keeps the running maximum of the uncorrected v and corrects that, as PyTorch does.
        if (config.amsgrad) {
          state[6] = Math.max(state[6], state[2]);
          state[7] = Math.max(state[7], state[3]);
        }
        const vHatX = r((config.amsgrad ? state[6] : state[2]) / correction2);
        const vHatY = r((config.amsgrad ? state[7] : state[3]) / correction2);
        out[0] = r(startX + r(r(-lr * mHatX) / r(r(Math.sqrt(vHatX)) + eps)));
        out[1] = r(startY + r(r(-lr * mHatY) / r(r(Math.sqrt(vHatY)) + eps)));
      };
    }
  }
}
