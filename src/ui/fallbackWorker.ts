/**
 * The Web Worker of the CPU fallback. Without WebGPU the particles of every
 * optimizer configuration run here, on the float32 CPU reference
 * (src/core/reference.ts), so that the page stays responsive. The page
 * requests updates, and the worker replies with every particle's position,
 * loss and status, the status counts and the picked particle's path, in
 * transferred buffers.
 */
import { STATUS, type NoiseConfig, type OptimizerConfig, type ScheduleConfig, type StopCriteria } from '../core/config.ts';
import type { GridStarts } from '../core/grid.ts';
import { ReferenceRun, type ReferenceSetup } from '../core/reference.ts';
import { compileCached } from '../core/surfaceChoice.ts';
import type { HistoryEntry, StatsSnapshot } from '../gpu/statsRing.ts';

/** One optimizer configuration of the scene. */
export interface FallbackRunSetup {
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
}

/** The hyperparameters that change without new particles: a retarget keeps positions, state and update count. */
export interface FallbackHyperparameters {
  runs: FallbackRunSetup[];
  noise: NoiseConfig;
  criteria: StopCriteria;
}

export interface FallbackScene extends FallbackHyperparameters {
  /** Formula of the surface, compiled in the worker. */
  formula: string;
  starts: GridStarts;
  /** Index of the picked particle, whose path the worker records. */
  picked: number;
}

/**
 * Request from the page. `generation` numbers the scene: a build or a reset
 * starts a new one, and frames of an older one are dropped by the page.
 */
export type FallbackRequest =
  | { kind: 'build'; generation: number; scene: FallbackScene }
  | { kind: 'retarget'; hyperparameters: FallbackHyperparameters }
  | { kind: 'reset'; generation: number }
  | { kind: 'pick'; index: number }
  | { kind: 'step'; steps: number };

/**
 * One configuration's particles after a step request: every particle, and the
 * status counts, loss range and picked particle of a GPU stats snapshot.
 * `history` has the picked particle after each update of the request.
 */
export interface FallbackRunFrame extends Omit<StatsSnapshot, 'pickedIndex' | 'generation' | 'capturedAt'> {
  /** x, y and loss per particle, float32, as the GPU's point buffer stores them. */
  points: Float32Array;
  /** STATUS code per particle. */
  status: Uint8Array;
  /** Update at which each particle converged or diverged; 0 while it moves. */
  stopSteps: Uint32Array;
}

export type FallbackMessage =
  | {
      kind: 'frame';
      generation: number;
      runs: FallbackRunFrame[];
      steps: number;
      milliseconds: number;
      /** True for the frame that replies to a step request; false for a pick's frame, which the page does not wait for. */
      isStepReply: boolean;
    }
  | { kind: 'error'; generation: number; message: string };

/**
 * Maximum time a step request computes before it replies with the updates done so
 * far, in milliseconds, so that the view gets a frame at least this often.
 */
export const STEP_BUDGET_MS = 40;

const scope = self as unknown as { onmessage: ((event: MessageEvent<FallbackRequest>) => void) | null; postMessage(message: FallbackMessage, transfer: Transferable[]): void };

let scene: FallbackScene | undefined;
let runs: ReferenceRun[] = [];
let generation = 0;

function setupOf(current: FallbackScene, run: FallbackRunSetup): ReferenceSetup {
  return {
    surface: compileCached(current.formula),
    optimizer: run.optimizer,
    schedule: run.schedule,
    noise: current.noise,
    criteria: current.criteria,
    starts: current.starts,
  };
}

function build(current: FallbackScene): void {
  runs = current.runs.map((run) => new ReferenceRun(setupOf(current, run), 'f32'));
}

/** Returns the same particles under new hyperparameters, from where they are now, as the GPU path retargets them. */
function retarget(old: ReferenceRun, setup: ReferenceSetup): ReferenceRun {
  const next = new ReferenceRun(setup, 'f32');
  next.positions.set(old.positions);
  next.loss.set(old.loss);
  next.status.set(old.status);
  next.stopSteps.set(old.stopSteps);
  next.state.set(old.state);
  next.stepsDone = old.stepsDone;
  return next;
}

function historyEntry(run: ReferenceRun, index: number): HistoryEntry {
  return { step: run.stepsDone, x: run.positions[2 * index], y: run.positions[2 * index + 1], loss: run.loss[index] };
}

function frameOf(run: ReferenceRun, picked: number, history: HistoryEntry[]): FallbackRunFrame {
  const count = run.particleCount;
  const points = new Float32Array(3 * count);
  let moving = 0;
  let converged = 0;
  let diverged = 0;
  for (let k = 0; k < count; k++) {
    points[3 * k] = run.positions[2 * k];
    points[3 * k + 1] = run.positions[2 * k + 1];
    points[3 * k + 2] = run.loss[k];
    const status = run.status[k];
    if (status === STATUS.diverged) {
      diverged++;
    } else if (status === STATUS.converged) {
      converged++;
    } else {
      moving++;
    }
  }
  const range = run.lossRange();
  const index = Math.min(picked, count - 1);
  return {
    points,
    status: run.status.slice(),
    stopSteps: run.stopSteps.slice(),
    stepsDone: run.stepsDone,
    moving,
    converged,
    diverged,
    lossMin: range.min,
    lossMax: range.max,
    history,
    pickedPoint: [points[3 * index], points[3 * index + 1], points[3 * index + 2], run.status[index]],
    pickedState: Float32Array.from(run.state.subarray(8 * index, 8 * index + 8)),
    pickedStopStep: run.stopSteps[index] ?? 0,
  };
}

/**
 * Runs up to `steps` updates of every configuration within STEP_BUDGET_MS, one at a time so that
 * the picked path has every update, and posts the frame. `isStepReply` is false for a pick's frame.
 */
function step(steps: number, isStepReply = true): void {
  const current = scene;
  if (!current) {
    return;
  }
  const started = performance.now();
  const histories: HistoryEntry[][] = runs.map(() => []);
  let done = 0;
  while (done < steps && (done === 0 || performance.now() - started < STEP_BUDGET_MS)) {
    runs.forEach((run, k) => {
      run.advance(1);
      histories[k].push(historyEntry(run, current.picked));
    });
    done++;
  }
  const frames = runs.map((run, k) => frameOf(run, current.picked, histories[k]));
  const transfer = frames.flatMap((frame) => [frame.points.buffer, frame.status.buffer, frame.stopSteps.buffer, frame.pickedState.buffer]);
  scope.postMessage({ kind: 'frame', generation, runs: frames, steps: done, milliseconds: performance.now() - started, isStepReply }, transfer);
}

function handle(request: FallbackRequest): void {
  switch (request.kind) {
    case 'build':
      generation = request.generation;
      scene = request.scene;
      build(request.scene);
      // A frame at update 0, so the view shows the starts before the first update.
      step(0);
      return;
    case 'retarget': {
      const current = scene;
      if (!current) {
        return;
      }
      scene = { ...current, ...request.hyperparameters };
      const next = scene;
      runs = runs.map((run, k) => retarget(run, setupOf(next, next.runs[k])));
      return;
    }
    case 'reset':
      generation = request.generation;
      if (scene) {
        build(scene);
        step(0);
      }
      return;
    case 'pick':
      if (scene) {
        scene = { ...scene, picked: request.index };
        // A frame without updates, so that a pick while paused or after every particle stopped shows at once.
        step(0, false);
      }
      return;
    case 'step':
      step(request.steps);
      return;
  }
}

scope.onmessage = (event) => {
  try {
    handle(event.data);
  } catch (error) {
    scope.postMessage({ kind: 'error', generation, message: error instanceof Error ? error.message : String(error) }, []);
  }
};
