/**
 * Learning-rate schedules as closed forms of the update index t (t = 0 for
 * the first update). Every schedule is affine in the base rate η:
 * lr_t = a_t · η + b_t. The coefficients are computed here in float64, once,
 * and both the GPU (through a per-dispatch table) and the CPU reference use
 * the same float32 values, so the schedule never makes them disagree.
 */
import type { OptimizerConfig, ScheduleConfig } from './config.ts';
import { adagradRate } from './optimizers.ts';

/** Coefficients (a, b) of lr_t = a · η + b at update t. */
export function scheduleCoefficients(schedule: ScheduleConfig, t: number): [number, number] {
  let a: number;
  let b = 0;

  switch (schedule.name) {
    case 'constant':
      a = 1;
      break;
    case 'step':
      a = schedule.gamma ** Math.floor(t / schedule.stepSize);
      break;
    case 'exponential':
      a = schedule.gamma ** t;
      break;
    case 'cosine': {
      // m + (η − m)(1 + cos(π · min(t, T) / T)) / 2 = c · η + (1 − c) · m.
      const c = (1 + Math.cos((Math.PI * Math.min(t, schedule.tMax)) / schedule.tMax)) / 2;
      a = c;
      b = (1 - c) * schedule.lrMin;
      break;
    }
    case 'cyclic': {
      // PyTorch's CyclicLR, mode "triangular": from lrMin up to η over stepSize
      // updates and back down, starting at lrMin.
      const cycle = Math.floor(1 + t / (2 * schedule.stepSize));
      const x = Math.abs(t / schedule.stepSize - 2 * cycle + 1);
      const c = Math.max(0, 1 - x);
      a = c;
      b = (1 - c) * schedule.lrMin;
      break;
    }
  }

  if (schedule.warmup > 0) {
    const factor = Math.min(1, (t + 1) / schedule.warmup);
    a *= factor;
    b *= factor;
  }
  return [a, b];
}

/** Computes the learning rate at update t for base rate η, in float64. */
export function learningRateAt(schedule: ScheduleConfig, lr: number, t: number): number {
  const [a, b] = scheduleCoefficients(schedule, t);
  return a * lr + b;
}

/**
 * Computes the rate of update t in float64 as the optimizer applies it: the
 * schedule's rate, which AdaGrad divides further by 1 + t · lr_decay.
 */
export function updateRateAt(optimizer: OptimizerConfig, schedule: ScheduleConfig, t: number): number {
  const rate = learningRateAt(schedule, optimizer.lr, t);
  return optimizer.name === 'adagrad' ? adagradRate(rate, t, optimizer.lrDecay, (value) => value) : rate;
}

/** True when the rate of `optimizer` changes from update to update: a schedule, a warm-up, or AdaGrad's lr_decay. */
export function rateChanges(optimizer: OptimizerConfig, schedule: ScheduleConfig): boolean {
  return schedule.name !== 'constant' || schedule.warmup > 0 || (optimizer.name === 'adagrad' && optimizer.lrDecay > 0);
}

/**
 * Returns how many updates show the shape of `schedule`. That is five steps of
 * a step schedule, an exponential decay down to 1% of the base rate, a cosine
 * to a quarter past T max, or three cycles of a cyclic schedule. It is at
 * least twice the warm-up and at least 20 updates, and 400 where nothing else
 * decides.
 */
export function scheduleSpan(schedule: ScheduleConfig): number {
  let span = 400;
  switch (schedule.name) {
    case 'step':
      span = 5 * schedule.stepSize;
      break;
    case 'exponential':
      if (schedule.gamma < 1) {
        span = Math.ceil(Math.log(0.01) / Math.log(schedule.gamma));
      }
      break;
    case 'cosine':
      span = Math.ceil(1.25 * schedule.tMax);
      break;
    case 'cyclic':
      span = 6 * schedule.stepSize;
      break;
    case 'constant':
      break;
  }
  return Math.max(20, span, 2 * schedule.warmup);
}

/** Writes the float32 coefficients of updates stepStart … stepStart + count − 1 into `out` (a, b pairs). */
export function fillScheduleTable(schedule: ScheduleConfig, stepStart: number, count: number, out: Float32Array): void {
  for (let k = 0; k < count; k++) {
    const [a, b] = scheduleCoefficients(schedule, stepStart + k);
    out[2 * k] = a;
    out[2 * k + 1] = b;
  }
}
