/**
 * Axes of the 2D and 1D views, drawn as HTML over the canvas: tick marks and
 * labels along the bottom edge (x) and the left edge (y, or the loss in 1D)
 * of the box that particles are drawn in. The view reports where the domain is drawn every frame (see
 * SceneView.axisFrames), and the labels are laid out again only when that
 * changed: a zoom, a pan, a resize, a new surface or view.
 */
import type { AxisFrame, LinearScale } from '../render/viewGeometry.ts';
import { chooseTicks, lossAxisTitle, type AxisTick } from './axisTicks.ts';
import { formatAxisValues } from './format.ts';

/** Space between two neighbouring x labels, in CSS pixels. */
const X_LABEL_GAP = 18;
/** Closest two y or loss labels may come, in CSS pixels. */
const Y_SPACING = 36;
/** Length of a tick mark and the gap between it and its label, in CSS pixels. */
const TICK_LENGTH = 5;
const LABEL_GAP = 3;
/** Height of a label line (11 px text, 1 px padding) and the width of one character of the monospace font, in CSS pixels. */
const LABEL_HEIGHT = 15;
const CHARACTER_WIDTH = 6.7;
/** Space kept free at the room's edges, in CSS pixels, so labels do not touch the panels. */
const EDGE = 4;

export class AxisOverlay {
  readonly element: HTMLDivElement;
  /** The frames last laid out, for the check that skips unchanged frames. */
  private laidOut: AxisFrame[] = [];

  /** Creates the overlay right after `canvas`, so the panels and notices that follow it in the page stay on top. */
  constructor(private readonly canvas: HTMLCanvasElement) {
    this.element = document.createElement('div');
    this.element.className = 'axes';
    this.element.setAttribute('aria-hidden', 'true');
    canvas.after(this.element);
  }

  /** Shows the axes of `frames` (none hides them), laying them out again only if a frame changed. */
  update(frames: readonly AxisFrame[]): void {
    if (sameFrames(frames, this.laidOut)) {
      return;
    }
    this.laidOut = frames.map(copyFrame);
    const parts: HTMLElement[] = [];
    for (const frame of frames) {
      parts.push(...drawFrame(frame));
    }
    this.element.replaceChildren(...parts);
  }

  /**
   * Returns the CSS pixel rows, from the canvas's top, that the frames' drawn
   * boxes and every part of their axes span, with 8 px more on each side.
   * Undefined without axes (the 3D view).
   */
  extent(): { top: number; bottom: number } | undefined {
    if (this.laidOut.length === 0) {
      return undefined;
    }
    const origin = this.canvas.getBoundingClientRect();
    let top = Math.min(...this.laidOut.map((frame) => frame.box.top));
    let bottom = Math.max(...this.laidOut.map((frame) => frame.box.bottom));
    for (const part of this.element.children) {
      const box = part.getBoundingClientRect();
      top = Math.min(top, box.top - origin.top);
      bottom = Math.max(bottom, box.bottom - origin.top);
    }
    return { top: Math.max(0, top - 8), bottom: Math.min(this.canvas.clientHeight, bottom + 8) };
  }

  /**
   * Paints the axes as the page shows them onto `context`, a picture of the
   * canvas from CSS pixel (`originX`, `originY`) on, at `pixelScale` picture
   * pixels per CSS pixel. Each line and label's box gets its background
   * colour, then each label its text in its colour and font.
   */
  paint(context: CanvasRenderingContext2D, originX: number, originY: number, pixelScale: number): void {
    const origin = this.canvas.getBoundingClientRect();
    context.save();
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    for (const part of this.element.children) {
      const box = part.getBoundingClientRect();
      const style = getComputedStyle(part);
      const x = (box.left - origin.left - originX) * pixelScale;
      const y = (box.top - origin.top - originY) * pixelScale;
      const width = box.width * pixelScale;
      const height = box.height * pixelScale;
      context.fillStyle = style.backgroundColor;
      context.fillRect(x, y, width, height);
      const text = part.textContent ?? '';
      if (text !== '') {
        context.fillStyle = style.color;
        context.font = `${Number.parseFloat(style.fontSize) * pixelScale}px ${style.fontFamily}`;
        context.fillText(text, x + width / 2, y + height / 2);
      }
    }
    context.restore();
  }
}

function drawFrame(frame: AxisFrame): HTMLElement[] {
  const { room, box, x, vertical } = frame;
  const parts: HTMLElement[] = [];

  // Each axis runs along an edge of the drawn box, or along the room's edge when the box's edge is out of sight (zoomed in or panned).
  const row = clamp(box.bottom, room.top + EDGE, room.bottom - TICK_LENGTH - LABEL_GAP - LABEL_HEIGHT - EDGE);
  const yTicks = chooseTicks(vertical, Math.max(box.top, room.top + EDGE), row, Y_SPACING);
  // The y labels' width decides how far from the room's left edge the y axis must stay.
  const yLabelWidth = TICK_LENGTH + LABEL_GAP + 4 + CHARACTER_WIDTH * Math.max(1, ...yTicks.map((tick) => tick.label.length));
  const column = clamp(box.left, room.left + yLabelWidth, room.right - EDGE);
  const xEnd = Math.min(box.right, room.right - EDGE);
  const yEnd = Math.max(box.top, room.top + EDGE);
  if (column >= xEnd || row <= yEnd) {
    // The box is out of sight.
    return parts;
  }

  const xSpacing = (a: string, b: string) => (CHARACTER_WIDTH * (a.length + b.length)) / 2 + X_LABEL_GAP;
  const xTicks = chooseTicks(x, column, xEnd, xSpacing);
  parts.push(line('axis-line', column, row, xEnd - column, 1));
  parts.push(line('axis-line', column, yEnd, 1, row - yEnd));
  for (const tick of xTicks) {
    parts.push(line('axis-tick', tick.pixel, row, 1, TICK_LENGTH));
    parts.push(label('x', tick, tick.pixel, row + TICK_LENGTH + LABEL_GAP));
  }
  for (const tick of yTicks) {
    parts.push(line('axis-tick', column - TICK_LENGTH, tick.pixel, TICK_LENGTH, 1));
    parts.push(label('y', tick, column - TICK_LENGTH - LABEL_GAP, tick.pixel));
  }

  // The x title goes right of the axis, or above its end where the room ends there.
  // An axis too short for a tick (a domain many times wider than tall) names its range in its title instead.
  const xTitle = title('axis-title axis-title-x', xTicks.length > 0 ? 'x' : `x ${rangeText(x)}`);
  const titleFits = xEnd + 6 + 2 * CHARACTER_WIDTH <= room.right;
  xTitle.classList.toggle('inside', !titleFits);
  xTitle.style.left = `${titleFits ? xEnd + 6 : xEnd}px`;
  xTitle.style.top = `${titleFits ? row : row - 3}px`;
  let yText = vertical.kind === 'loss' ? lossAxisTitle(vertical) : 'y';
  if (yTicks.length === 0 && vertical.kind === 'linear') {
    yText = `y ${rangeText(vertical)}`;
  }
  const yTitle = title('axis-title axis-title-y', yText);
  // A range title starts at the axis, so that it runs over the map and not under the side column.
  yTitle.classList.toggle('range', yText !== 'y' && vertical.kind === 'linear');
  yTitle.style.left = `${column}px`;
  yTitle.style.top = `${yEnd - 4}px`;
  parts.push(xTitle, yTitle);
  return parts;
}

function line(className: string, left: number, top: number, width: number, height: number): HTMLElement {
  const element = document.createElement('div');
  element.className = className;
  element.style.left = `${left}px`;
  element.style.top = `${top}px`;
  element.style.width = `${Math.max(0, width)}px`;
  element.style.height = `${Math.max(0, height)}px`;
  return element;
}

/** Creates a tick's label: an x label centred below the point (left, top), a y label right-aligned and centred on it. */
function label(axis: 'x' | 'y', tick: AxisTick, left: number, top: number): HTMLElement {
  const element = document.createElement('span');
  element.className = `axis-label axis-label-${axis}`;
  element.textContent = tick.label;
  element.dataset.value = String(tick.value);
  element.style.left = `${left}px`;
  element.style.top = `${top}px`;
  return element;
}

function title(className: string, text: string): HTMLElement {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}

/** Writes a linear axis's range as "from A to B". */
function rangeText(scale: LinearScale): string {
  const [from, to] = formatAxisValues([scale.min, scale.max]);
  return `from ${from} to ${to}`;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

function copyFrame(frame: AxisFrame): AxisFrame {
  return { room: { ...frame.room }, box: { ...frame.box }, x: { ...frame.x }, vertical: { ...frame.vertical } };
}

/** True when both lists hold frames with the same numbers (and the same height map object). */
function sameFrames(a: readonly AxisFrame[], b: readonly AxisFrame[]): boolean {
  return a.length === b.length && a.every((frame, k) => sameFrame(frame, b[k]));
}

function sameFrame(a: AxisFrame, b: AxisFrame): boolean {
  return shallowEqual(a.room, b.room) && shallowEqual(a.box, b.box) && shallowEqual(a.x, b.x) && shallowEqual(a.vertical, b.vertical);
}

function shallowEqual(a: object, b: object): boolean {
  const entriesA = Object.entries(a);
  return entriesA.length === Object.keys(b).length && entriesA.every(([key, value]) => (b as Record<string, unknown>)[key] === value);
}
