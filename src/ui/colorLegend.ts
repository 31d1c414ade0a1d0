/**
 * The colour bar beside the view: the surface's colour map from the bottom
 * of the height range to its top, with a tick and a value at every contour
 * level, the scale in the title, and the range below.
 */
import { VIRIDIS_ANCHORS } from '../render/colormap.ts';
import type { SurfaceScale } from '../render/sceneView.ts';
import { formatValue } from './format.ts';

/** Height of the bar in CSS pixels; the stylesheet sets the same. */
const BAR_HEIGHT = 200;

/** Closest two labels may come, in CSS pixels, before the upper one is left out. */
const LABEL_SPACING = 14;

export class ColorLegend {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly ticks: HTMLElement;
  private readonly range: HTMLElement;
  private dims: 1 | 2 = 2;
  /** True while a basin map colours the surface, so loss colours are not shown. */
  private covered = false;

  constructor(parent: HTMLElement) {
    this.element = document.createElement('section');
    this.element.className = 'color-legend';
    this.element.setAttribute('aria-label', 'Loss colour scale and contour levels');
    this.element.hidden = true;

    this.title = document.createElement('div');
    this.title.className = 'color-legend-title';
    const body = document.createElement('div');
    body.className = 'color-legend-body';
    const bar = document.createElement('div');
    bar.className = 'color-legend-bar';
    bar.style.background = `linear-gradient(to top, ${VIRIDIS_ANCHORS.join(', ')})`;
    this.ticks = document.createElement('div');
    this.ticks.className = 'color-legend-ticks';
    this.range = document.createElement('div');
    this.range.className = 'color-legend-range';

    body.append(bar, this.ticks);
    this.element.append(this.title, body, this.range);
    parent.append(this.element);
  }

  /** Shows the scale of a 2D surface; a 1D surface has no colours or contours, so the legend hides. */
  show(scale: SurfaceScale, dims: 1 | 2): void {
    this.dims = dims;
    this.element.hidden = dims === 1 || this.covered;
    const { map, levels } = scale;
    // Log levels are round steps above the minimum, so they are labelled as loss − min unless the minimum is 0.
    const offset = map.kind === 'log' ? map.lossMin : 0;
    if (map.kind === 'linear') {
      this.title.textContent = 'loss';
    } else {
      this.title.textContent = offset === 0 ? 'loss, log scale' : 'loss − min, log scale';
    }
    this.element.dataset.scale = map.kind;
    this.element.dataset.levels = levels.map((level) => level.loss).join(' ');

    this.ticks.replaceChildren();
    let lastLabelled = -Infinity;
    for (const level of levels) {
      const position = level.height * BAR_HEIGHT;
      const tick = document.createElement('span');
      tick.className = 'color-legend-tick';
      tick.style.bottom = `${position}px`;
      if (position - lastLabelled >= LABEL_SPACING) {
        tick.textContent = formatValue(level.loss - offset);
        lastLabelled = position;
      }
      this.ticks.append(tick);
    }

    const top = map.lossMin + map.lossSpan;
    // Two spans, so that a narrow window breaks the line between them and not inside a number.
    const low = document.createElement('span');
    low.textContent = `min ${formatValue(map.lossMin)},`;
    const high = document.createElement('span');
    high.textContent = `top ${formatValue(top)}`;
    this.range.replaceChildren(low, ' ', high);
    this.range.title = 'Height range: the lowest sampled loss to the 99th percentile; higher values are clipped.';
  }

  /**
   * Returns the right inset that keeps the view's map clear of the panel and
   * of this legend. On tall windows the legend sits under the panel and adds
   * nothing; on short ones it sits left of the panel and widens the inset. A
   * hidden panel has an empty box, and then the legend alone sets the inset.
   */
  rightInset(panel: DOMRect, canvasWidth: number): number {
    const inset = panel.width + 16;
    const bar = this.element.getBoundingClientRect();
    if (this.element.hidden || (panel.width > 0 && bar.left >= panel.left)) {
      return inset;
    }
    return Math.max(inset, canvasWidth - bar.left + 8);
  }

  /** Hides the legend while a basin map colours the surface, and shows it again after. */
  setCovered(covered: boolean): void {
    this.covered = covered;
    this.element.hidden = this.dims === 1 || covered;
  }
}
