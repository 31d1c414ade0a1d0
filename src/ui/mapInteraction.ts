/**
 * Pointer gestures on the basin map: hovering a start shows where its
 * particle went, a click picks it, and a shift-drag selects a rectangle to
 * re-grid at full resolution.
 */

export interface MapPoint {
  x: number;
  y: number;
  /** Half of a side-by-side view the point is in (0 or 1). */
  half: number;
}

export interface MapCallbacks {
  /** The surface point under a canvas pixel (CSS pixels), if any. */
  pointAt(px: number, py: number): MapPoint | undefined;
  /** Text for the start under `point`, or undefined outside the grid. */
  describe(point: MapPoint): Promise<string | undefined>;
  pick(point: MapPoint): void;
  /** Zooms into the rectangle between two surface points. */
  zoom(a: MapPoint, b: MapPoint): void;
  /** Turns the orbit controls off during a drag, on after it. */
  setControlsEnabled(enabled: boolean): void;
}

/** Hover updates at most this often, in milliseconds; each one reads a few numbers back from the GPU. */
const HOVER_INTERVAL = 80;
/** A pointer that moves less than this many CSS pixels between press and release is a click. */
const CLICK_SLOP = 4;

export class MapInteraction {
  enabled = false;
  private readonly tooltip: HTMLElement;
  private readonly band: HTMLElement;
  private dragStart: { px: number; py: number; zoom: boolean } | undefined;
  private hoverAt: { px: number; py: number } | undefined;
  private hoverTimer: number | undefined;
  private hoverRequest = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    container: HTMLElement,
    private readonly callbacks: MapCallbacks,
  ) {
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'map-tooltip';
    this.tooltip.hidden = true;
    this.band = document.createElement('div');
    this.band.className = 'zoom-band';
    this.band.hidden = true;
    container.append(this.tooltip, this.band);

    canvas.addEventListener('pointerdown', (event) => this.down(event), { capture: true });
    canvas.addEventListener('pointermove', (event) => this.move(event));
    canvas.addEventListener('pointerup', (event) => this.up(event));
    canvas.addEventListener('pointerleave', () => {
      this.hoverAt = undefined;
      this.tooltip.hidden = true;
    });
  }

  private local(event: PointerEvent): { px: number; py: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { px: event.clientX - rect.left, py: event.clientY - rect.top };
  }

  private down(event: PointerEvent): void {
    if (!this.enabled) {
      return;
    }
    const { px, py } = this.local(event);
    this.dragStart = { px, py, zoom: event.shiftKey };
    if (event.shiftKey) {
      // The rectangle owns this drag, not the orbit controls; the hover text of the old region goes.
      this.callbacks.setControlsEnabled(false);
      event.stopImmediatePropagation();
      this.hideTooltip();
    }
  }

  /** Hides the hover text, and drops any that is still being read back. */
  hideTooltip(): void {
    this.hoverRequest++;
    this.hoverAt = undefined;
    this.tooltip.hidden = true;
  }

  private move(event: PointerEvent): void {
    if (!this.enabled) {
      return;
    }
    const { px, py } = this.local(event);
    if (this.dragStart?.zoom) {
      const left = Math.min(px, this.dragStart.px);
      const top = Math.min(py, this.dragStart.py);
      Object.assign(this.band.style, {
        left: `${left}px`,
        top: `${top}px`,
        width: `${Math.abs(px - this.dragStart.px)}px`,
        height: `${Math.abs(py - this.dragStart.py)}px`,
      });
      this.band.hidden = false;
      return;
    }
    if (event.buttons !== 0) {
      return;
    }
    // Throttled, but the latest position always gets its turn.
    this.hoverAt = { px, py };
    if (this.hoverTimer === undefined) {
      this.hoverTimer = window.setTimeout(() => {
        this.hoverTimer = undefined;
        if (this.hoverAt) {
          this.hover(this.hoverAt.px, this.hoverAt.py);
        }
      }, HOVER_INTERVAL);
    }
  }

  private hover(px: number, py: number): void {
    const point = this.callbacks.pointAt(px, py);
    if (!point) {
      this.tooltip.hidden = true;
      return;
    }
    // Readbacks can finish out of order; only the latest request may show.
    const request = ++this.hoverRequest;
    void this.callbacks.describe(point).then((text) => {
      if (request !== this.hoverRequest) {
        return;
      }
      if (text === undefined) {
        this.tooltip.hidden = true;
        return;
      }
      this.tooltip.textContent = text;
      this.tooltip.style.left = `${px + 14}px`;
      this.tooltip.style.top = `${py + 14}px`;
      this.tooltip.hidden = false;
    });
  }

  private up(event: PointerEvent): void {
    const start = this.dragStart;
    this.dragStart = undefined;
    this.band.hidden = true;
    if (!this.enabled || !start) {
      return;
    }
    const { px, py } = this.local(event);
    if (start.zoom) {
      this.callbacks.setControlsEnabled(true);
      const a = this.callbacks.pointAt(start.px, start.py);
      const b = this.callbacks.pointAt(px, py);
      if (a && b && Math.abs(px - start.px) > CLICK_SLOP && Math.abs(py - start.py) > CLICK_SLOP) {
        this.callbacks.zoom(a, b);
      }
      return;
    }
    if (Math.hypot(px - start.px, py - start.py) <= CLICK_SLOP) {
      const point = this.callbacks.pointAt(px, py);
      if (point) {
        this.callbacks.pick(point);
      }
    }
  }
}
