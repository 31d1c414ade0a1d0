/**
 * The float32 CPU reference (src/core/reference.ts) on one thread of the
 * CPU, timed on a subsample of the particles because it is far slower than
 * the GPU paths.
 */
import { DEFAULT_CRITERIA } from '../src/core/config.ts';
import { startCount } from '../src/core/grid.ts';
import { ReferenceRun } from '../src/core/reference.ts';
import { measureCpu, type Measurement, type RepetitionPlan } from './measure.ts';
import { setupWorkload, type WorkloadSetup } from './workloads.ts';

export interface ReferencePathResult {
  measurement: Measurement;
  particles: number;
  /** Particle-steps in one repetition. */
  particleSteps: number;
}

/** Times `steps` updates of the CPU reference over `particles` particles of the workload's grid. */
export async function benchReference(setup: WorkloadSetup, particles: number, steps: number, plan: RepetitionPlan): Promise<ReferencePathResult> {
  const subsample = setupWorkload(setup.workload, particles, setup.surface);
  const referenceSetup = { surface: subsample.surface, optimizer: subsample.optimizer, criteria: DEFAULT_CRITERIA, starts: subsample.starts };
  const measurement = await measureCpu(plan, () => {
    const run = new ReferenceRun(referenceSetup, 'f32');
    return () => run.advance(steps);
  });
  const count = startCount(subsample.starts);
  return { measurement, particles: count, particleSteps: count * steps };
}
