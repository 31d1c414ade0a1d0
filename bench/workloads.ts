/**
 * The workloads of the benchmark: surface, optimizer and learning rate, on a
 * square grid of starts over the surface's standard domain.
 */
import { defaultOptimizer, type OptimizerConfig } from '../src/core/config.ts';
import { compileFormula, type CompiledSurface } from '../src/core/expr/index.ts';
import type { GridStarts } from '../src/core/grid.ts';
import { findSurface, type SurfaceDefinition } from '../src/core/surfaces.ts';

export type BenchOptimizer = 'gd' | 'adam';

export interface Workload {
  surfaceName: string;
  optimizerName: BenchOptimizer;
  /**
   * Small enough that almost every particle keeps moving for all the measured
   * updates, so that the product's kernel, which stops updating converged and
   * diverged particles, does the same number of updates as the minimal one.
   */
  lr: number;
}

export const WORKLOADS: readonly Workload[] = [
  { surfaceName: 'quadratic', optimizerName: 'gd', lr: 0.001 },
  { surfaceName: 'quadratic', optimizerName: 'adam', lr: 0.001 },
  { surfaceName: 'rosenbrock', optimizerName: 'gd', lr: 0.0001 },
  { surfaceName: 'rosenbrock', optimizerName: 'adam', lr: 0.001 },
];

/** A workload made concrete: compiled surface, optimizer settings and starts. */
export interface WorkloadSetup {
  workload: Workload;
  definition: SurfaceDefinition;
  surface: CompiledSurface;
  optimizer: OptimizerConfig;
  starts: GridStarts;
}

/** Builds a workload on a side × side grid; `particles` must be a perfect square. */
export function setupWorkload(workload: Workload, particles: number, surface?: CompiledSurface): WorkloadSetup {
  const side = Math.round(Math.sqrt(particles));
  if (side * side !== particles) {
    throw new RangeError(`invalid particle count ${particles}: the benchmark needs a square grid, such as 65536 (256²)`);
  }
  const definition = findSurface(workload.surfaceName);
  if (!definition) {
    throw new RangeError(`unknown surface ${workload.surfaceName}`);
  }
  return {
    workload,
    definition,
    surface: surface ?? compileFormula(definition.formula),
    optimizer: defaultOptimizer(workload.optimizerName, workload.lr),
    starts: { kind: 'grid', nx: side, ny: side, domain: definition.domain },
  };
}

/** Short label such as "adam on rosenbrock". */
export function describeWorkload(workload: Workload): string {
  return `${workload.optimizerName} on ${workload.surfaceName}`;
}
