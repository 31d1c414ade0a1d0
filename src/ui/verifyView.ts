/**
 * The Verify panel in the side column: a progress bar with a cancel button
 * while the CPU reruns the particles in a Web Worker, then the report with
 * the three-way comparison explained, and a link to download it as JSON.
 */
import type { NoiseConfig, OptimizerConfig, ScheduleConfig, StopCriteria } from '../core/config.ts';
import type { Domain } from '../core/surfaces.ts';
import type { SweepAxes } from '../core/sweep.ts';
import { formatVerifyReport, type VerifyReport } from '../core/verify.ts';

/** The scene a report checked, written into its download beside the comparisons. */
export interface VerifiedScene {
  surface: string;
  formula: string;
  domain: Domain;
  grid: number;
  optimizer: OptimizerConfig;
  schedule: ScheduleConfig;
  noise: NoiseConfig;
  criteria: StopCriteria;
  /** The learning rates (and second axis) of a sweep, or null. */
  sweep: SweepAxes | null;
  /** A link that opens the scene: settings, camera, picked particle and, when paused, the update. */
  link: string;
}

const EARLIER = 'This report is for an earlier scene; its marks are gone. Verify again to check the current one.';

export class VerifyView {
  private readonly progress: HTMLProgressElement;
  private readonly cancelButton: HTMLButtonElement;
  private readonly text: HTMLElement;
  private readonly explanation: HTMLDetailsElement;
  private readonly explanationSummary: HTMLElement;
  private readonly download: HTMLAnchorElement;
  /** Button that picks the particle behind the largest difference, where the report names one beyond float32's own cost. */
  private readonly pickLargest: HTMLButtonElement;
  private largestIndex = 0;
  private downloadUrl: string | undefined;

  constructor(
    private readonly element: HTMLElement,
    onCancel: () => void,
    onClose: () => void,
    onPick: (index: number) => void,
  ) {
    const title = document.createElement('div');
    title.className = 'title';
    title.textContent = 'Verify: GPU against the CPU reference';
    this.progress = document.createElement('progress');
    this.progress.max = 1;
    this.cancelButton = document.createElement('button');
    this.cancelButton.type = 'button';
    this.cancelButton.textContent = 'cancel';
    this.cancelButton.addEventListener('click', onCancel);
    this.text = document.createElement('pre');
    this.text.className = 'verify-text';
    // The explanation is long, so it stays folded and the figures stay in sight beside the basin legend.
    this.explanation = document.createElement('details');
    this.explanation.className = 'verify-explanation';
    this.explanationSummary = document.createElement('summary');
    this.explanationSummary.textContent = 'what the comparisons mean';
    this.explanation.append(this.explanationSummary);
    this.pickLargest = document.createElement('button');
    this.pickLargest.type = 'button';
    this.pickLargest.className = 'verify-pick';
    this.pickLargest.addEventListener('click', () => onPick(this.largestIndex));
    this.download = document.createElement('a');
    this.download.textContent = 'download the report (JSON)';
    this.download.download = 'downhill-verify.json';
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'verify-close';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Close the report');
    close.addEventListener('click', () => {
      this.hide();
      onClose();
    });
    this.element.append(close, title, this.progress, this.cancelButton, this.text, this.pickLargest, this.explanation, this.download);
    this.hide();
  }

  /** Shows the progress bar, empty, while the GPU repeats `steps` updates from the starts. */
  preparing(steps: number): void {
    this.showProgress(0);
    this.text.textContent = `A fresh GPU run of ${steps.toLocaleString('en-US')} update${steps === 1 ? '' : 's'} from the starts, then the CPU reruns it…`;
  }

  /** Shows the progress bar at `share` (0 to 1) of the CPU rerun of `checked` particles. */
  running(share: number, checked: number, sampled: boolean): void {
    this.showProgress(share);
    this.text.textContent = `The CPU reruns ${checked.toLocaleString('en-US')} particles${sampled ? ' (a uniform sample)' : ''} in float32 and float64…`;
  }

  private showProgress(share: number): void {
    this.element.hidden = false;
    this.progress.hidden = false;
    this.cancelButton.hidden = false;
    this.explanation.hidden = true;
    this.pickLargest.hidden = true;
    this.download.hidden = true;
    this.progress.value = share;
  }

  /**
   * Shows a finished report, and offers it for download with `scene`: what
   * was checked, and its link. `marked` is true when the basin map shows the
   * report's marks, which it cannot do during a sweep.
   */
  report(report: VerifyReport, scene: VerifiedScene, marked: boolean): void {
    this.element.hidden = false;
    this.progress.hidden = true;
    this.cancelButton.hidden = true;
    const disagreeing = report.gpuVsF32.disagreeing.length;
    const unresolved = report.f32VsF64.unresolved.length;
    const starts = (count: number): string => (count === 1 ? '1 start' : `${count} starts`);
    const marks = marked
      ? `On the map: ${starts(disagreeing)} where GPU and CPU float32 disagree ${disagreeing === 1 ? 'is' : 'are'} marked magenta; ` +
        `${starts(unresolved)} that float32 and float64 decide differently ${unresolved === 1 ? 'is' : 'are'} greyed out as unresolved. Closing the report removes the marks.`
      : `${starts(disagreeing)} where GPU and CPU float32 disagree, ${unresolved} that float32 and float64 decide differently (unresolved). ` +
        'The basin map does not show a sweep, so they are not marked; the downloaded report lists their particle indices.';
    this.text.textContent = [formatVerifyReport(report), '', marks].join('\n');
    const paragraphs = report.explanation.map((line) => {
      const paragraph = document.createElement('p');
      paragraph.textContent = line;
      return paragraph;
    });
    this.explanation.replaceChildren(this.explanationSummary, ...paragraphs);
    this.explanation.hidden = false;
    // The conclusion names this particle where the GPU differs by more than float32 costs, and one click picks it.
    const largest = report.gpuVsF32.largest;
    const beyond = largest !== null && report.f32VsF64.maxRelError !== null && largest.relativeError > report.f32VsF64.maxRelError;
    this.pickLargest.hidden = !beyond;
    if (largest && beyond) {
      this.largestIndex = largest.index;
      this.pickLargest.textContent = `pick particle ${largest.index}, the largest difference`;
      this.pickLargest.title = `The report gives its end point after ${report.steps.toLocaleString('en-US')} updates; in a scene left running it has moved on since.`;
    }
    if (this.downloadUrl) {
      URL.revokeObjectURL(this.downloadUrl);
    }
    this.downloadUrl = URL.createObjectURL(new Blob([JSON.stringify({ scene, ...report }, null, 2)], { type: 'application/json' }));
    this.download.href = this.downloadUrl;
    // A name per scene, so that reports of several scenes do not overwrite one another.
    const name = scene.surface === 'custom' ? 'custom' : scene.surface;
    this.download.download = `downhill-verify-${name}-${scene.optimizer.name}-${report.steps}.json`;
    this.download.hidden = false;
    this.scrollIntoColumn();
  }

  /**
   * Scrolls the side column (not the page) to the report, and further up to
   * the basin legend above it where both fit, so that the legend's verify
   * entries stay in sight beside the figures.
   */
  scrollIntoColumn(): void {
    const column = this.element.closest<HTMLElement>('.side');
    if (!column || this.element.hidden) {
      return;
    }
    const margin = 8;
    const top = (element: HTMLElement): number => element.getBoundingClientRect().top - column.getBoundingClientRect().top + column.scrollTop;
    const reportTop = top(this.element);
    const reportBottom = reportTop + this.element.offsetHeight;
    // The sticky status line covers the column's bottom.
    const status = column.querySelector<HTMLElement>('.status');
    const room = column.clientHeight - (status?.offsetHeight ?? 0) - 2 * margin;
    const legend = column.querySelector<HTMLElement>('.basin-legend');
    const legendTop = legend && legend.offsetHeight > 0 ? top(legend) : reportTop;
    column.scrollTop = Math.max(0, (reportBottom - legendTop <= room ? legendTop : reportTop) - margin);
  }

  /** Notes on a shown report that the scene it checked has been replaced. */
  markEarlier(): void {
    if (this.element.hidden || !this.progress.hidden || this.text.textContent?.startsWith(EARLIER)) {
      return;
    }
    this.text.textContent = `${EARLIER}\n\n${this.text.textContent ?? ''}`;
    // The index belongs to the scene that was checked.
    this.pickLargest.hidden = true;
  }

  failed(message: string): void {
    this.element.hidden = false;
    this.progress.hidden = true;
    this.cancelButton.hidden = true;
    this.explanation.hidden = true;
    this.pickLargest.hidden = true;
    this.download.hidden = true;
    this.text.textContent = `Verification failed: ${message}`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
