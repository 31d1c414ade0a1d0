/**
 * The Web Worker that reruns a GPU run on the CPU reference for the Verify
 * action, so the page stays responsive: it compiles the formula, runs the
 * checked particles in float32 and float64, and posts progress and the report.
 */
import { compileFormula } from '../core/expr/index.ts';
import { verifyRun, type GpuOutcome, type VerifyReport, type VerifySetup } from '../core/verify.ts';

/** What the page sends: everything of VerifySetup but the compiled surface, which the worker compiles from `formula`. */
export interface VerifyRequest {
  formula: string;
  setup: Omit<VerifySetup, 'surface'>;
  gpu: GpuOutcome;
  adapter: string | null;
  checked: Uint32Array;
}

export type VerifyMessage = { kind: 'progress'; share: number } | { kind: 'report'; report: VerifyReport } | { kind: 'error'; message: string };

const scope = self as unknown as { onmessage: ((event: MessageEvent<VerifyRequest>) => void) | null; postMessage(message: VerifyMessage): void };

scope.onmessage = (event) => {
  const request = event.data;
  try {
    const surface = compileFormula(request.formula);
    const report = verifyRun({ ...request.setup, surface }, request.gpu, request.adapter, request.checked, (share) => scope.postMessage({ kind: 'progress', share }));
    scope.postMessage({ kind: 'report', report });
  } catch (error) {
    scope.postMessage({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
