/**
 * Placement of the orthographic views (2D and 1D) on the canvas: the frustum
 * that fits the domain into the room between the panels, and the mapping of
 * projected points to CSS pixels. Pure functions, so that tests can check the
 * numbers that SceneView and the axis labels use.
 */
import type { HeightMap } from './heightMap.ts';

/** Half the side of the square, in world units, that the 2D and 1D views fit into their room: the domain (±1) and a margin. */
export const ORTHOGRAPHIC_HALF = 1.15;

/**
 * Share of the canvas height that the room between the side column and the
 * panel needs for the 2D view to draw in it. In a narrower room it draws under them.
 */
export const MIN_ROOM_SHARE_OF_HEIGHT = 0.4;

/**
 * CSS pixels that the 2D and 1D views keep free around the square for the
 * axes' ticks and labels (axisOverlay.ts): labels of up to five characters
 * on the left, one line below, and the vertical axis's title above.
 */
export const AXIS_MARGIN = { left: 48, bottom: 26, top: 20 };

/** A rectangle of the canvas in CSS pixels, y from the top. */
export interface Viewport {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An orthographic frustum in world units around the camera's axis, and the room it fits the square into. */
export interface OrthographicFit {
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** Left edge and width, in CSS pixels of the viewport, of the room that the square is centred in. */
  roomLeft: number;
  roomWidth: number;
}

/**
 * Fits an orthographic frustum to a viewport of `width` × `height` CSS pixels
 * so that the square [-ORTHOGRAPHIC_HALF, ORTHOGRAPHIC_HALF]² fills the room
 * between `insetLeft` and `insetRight` less AXIS_MARGIN, centred in what is
 * left. Where that room is narrower than MIN_ROOM_SHARE_OF_HEIGHT of the
 * height, the square is fitted to the whole viewport and drawn under the panels.
 */
export function fitOrthographic(width: number, height: number, insetLeft: number, insetRight: number): OrthographicFit {
  let left = insetLeft;
  let right = insetRight;
  // At 1000 × 700 the room is used, and the map (about 250 px) is hidden by nothing.
  if (width - left - right < MIN_ROOM_SHARE_OF_HEIGHT * height) {
    left = 0;
    right = 0;
  }
  const free = Math.max(1, width - left - right);
  const squareWidth = Math.max(1, free - AXIS_MARGIN.left);
  const squareHeight = Math.max(1, height - AXIS_MARGIN.top - AXIS_MARGIN.bottom);
  // Pixels per world unit, so that the square fits both the free width and the height.
  const scale = Math.min(squareWidth, squareHeight) / (2 * ORTHOGRAPHIC_HALF);
  const centreX = left + AXIS_MARGIN.left + squareWidth / 2;
  const centreY = AXIS_MARGIN.top + squareHeight / 2;
  return {
    left: -centreX / scale,
    right: (width - centreX) / scale,
    top: centreY / scale,
    bottom: -(height - centreY) / scale,
    roomLeft: left,
    roomWidth: free,
  };
}

/** Returns the CSS pixel of a point in normalised device coordinates (x and y from -1 to 1, y up) drawn in `viewport`. */
export function ndcToPixel(ndc: { x: number; y: number }, viewport: Viewport): { px: number; py: number } {
  return {
    px: viewport.x + ((ndc.x + 1) / 2) * viewport.width,
    py: viewport.y + ((1 - ndc.y) / 2) * viewport.height,
  };
}

/** A linear axis: the values at its two ends and the CSS pixels (columns or rows of the canvas) where they are drawn. */
export interface LinearScale {
  kind: 'linear';
  min: number;
  max: number;
  pixelMin: number;
  pixelMax: number;
}

/**
 * The loss axis of the 1D view. A loss is drawn at its normalised height in
 * `map` (linear or logarithmic), clipped to NORMALIZED_MIN to NORMALIZED_MAX,
 * and heights 0 and 1 are drawn at the pixel rows given.
 */
export interface LossScale {
  kind: 'loss';
  map: HeightMap;
  pixelAtZero: number;
  pixelAtOne: number;
}

/** A rectangle in CSS pixels of the canvas, y from the top. */
export interface PixelBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The axes of one orthographic viewport, in CSS pixels of the canvas. */
export interface AxisFrame {
  /** The part of the canvas that the view fits the domain into; labels stay inside it. */
  room: PixelBox;
  /**
   * The box that particles are drawn in: the domain and a margin (in 1D, x
   * and the loss heights NORMALIZED_MIN to NORMALIZED_MAX). The axes run
   * along its bottom and left edges, so particles clamped to it do not hide the labels.
   */
  box: PixelBox;
  /** x, from the domain's xMin to its xMax. */
  x: LinearScale;
  /** y in the 2D view (the domain's yMin to yMax), the loss in the 1D view. */
  vertical: LinearScale | LossScale;
}
