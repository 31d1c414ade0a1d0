/**
 * The catalog of built-in loss surfaces. Each is a formula for the one
 * expression compiler, so the GPU, the float32 reference and the float64
 * reference all derive from the same text.
 */

/** Axis-aligned rectangle of the (x, y) plane; a 1D surface uses only x. */
export interface Domain {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** A known local or global minimum: location and value. */
export interface Minimum {
  x: number;
  y: number;
  value: number;
}

export interface SurfaceDefinition {
  /** Name used by the CLI, the URL and the panel. */
  name: string;
  /** Human-readable formula for labels. */
  label: string;
  /** Formula text for the compiler (x, y, + - * / ^, functions). */
  formula: string;
  dims: 1 | 2;
  /** Standard domain for starts and drawing. */
  domain: Domain;
  minima: Minimum[];
  /** The lesson of the surface, in one sentence. */
  description: string;
  /** Source of the definition, domain and minima. */
  source: string;
}

const square2 = (half: number): Domain => ({ xMin: -half, xMax: half, yMin: -half, yMax: half });

export const SURFACES: readonly SurfaceDefinition[] = [
  {
    name: 'parabola',
    label: 'x²',
    formula: 'x^2',
    dims: 1,
    domain: { xMin: -2, xMax: 2, yMin: 0, yMax: 0 },
    minima: [{ x: 0, y: 0, value: 0 }],
    description: 'One dimension, one minimum: plain descent multiplies x by (1 − 2η) every step, so it converges for 0 < η < 1.',
    source: 'The textbook first example of gradient descent.',
  },
  {
    name: 'quadratic',
    label: 'x² + 2y²',
    formula: 'x^2 + 2*y^2',
    dims: 2,
    domain: square2(2),
    minima: [{ x: 0, y: 0, value: 0 }],
    description: 'A convex bowl with curvatures 2 and 4: y contracts by (1 − 4η) and x by (1 − 2η), so descent is stable for η < 0.5.',
    source: 'Quadratic model f(x) = ½ xᵀAx with A = diag(2, 4).',
  },
  {
    name: 'rosenbrock',
    label: '(1 − x)² + 100(y − x²)²',
    formula: '(1 - x)^2 + 100*(y - x^2)^2',
    dims: 2,
    domain: { xMin: -2, xMax: 2, yMin: -1, yMax: 3 },
    minima: [{ x: 1, y: 1, value: 0 }],
    description: 'A narrow curved valley: particles reach the valley floor quickly and then crawl along it towards (1, 1).',
    source: 'H. H. Rosenbrock, "An automatic method for finding the greatest or least value of a function", The Computer Journal 3(3), 1960 (a = 1, b = 100).',
  },
  {
    name: 'himmelblau',
    label: '(x² + y − 11)² + (x + y² − 7)²',
    formula: '(x^2 + y - 11)^2 + (x + y^2 - 7)^2',
    dims: 2,
    domain: square2(5),
    minima: [
      { x: 3, y: 2, value: 0 },
      { x: -2.805118086952745, y: 3.131312518250573, value: 0 },
      { x: -3.779310253377747, y: -3.283185991286170, value: 0 },
      { x: 3.584428340330492, y: -1.848126526964404, value: 0 },
    ],
    description: 'Four minima of equal value: every start falls into one of four basins.',
    source: 'D. M. Himmelblau, Applied Nonlinear Programming, McGraw-Hill, 1972; minima locations to 15 digits (the tests check that each is a stationary point).',
  },
  {
    name: 'rastrigin',
    label: '20 + x² − 10cos 2πx + y² − 10cos 2πy',
    formula: '20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)',
    dims: 2,
    domain: square2(5.12),
    minima: [{ x: 0, y: 0, value: 0 }],
    description: 'A lattice of local minima around one global minimum: small steps get trapped near their start.',
    source: 'L. A. Rastrigin, Systems of Extremal Control, 1974; n = 2, A = 10, standard domain [−5.12, 5.12]².',
  },
];

/** Looks a built-in surface up by name; undefined when there is none. */
export function findSurface(name: string): SurfaceDefinition | undefined {
  return SURFACES.find((surface) => surface.name === name);
}

export const SURFACE_NAMES: readonly string[] = SURFACES.map((surface) => surface.name);
