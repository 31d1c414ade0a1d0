/**
 * Loss surfaces: the types every layer shares, the lookup of built-in
 * surfaces (catalog in surfaceCatalog.ts) and the definition of a typed
 * formula. Each surface is formula text for the one expression compiler, so
 * the GPU, the float32 reference and the float64 reference all derive from
 * the same text.
 */
import { CONDITION_NUMBER } from './limits.ts';
import { BUILT_IN_SURFACES, illConditionedQuadratic, ILL_CONDITIONED_NAME } from './surfaceCatalog.ts';

/** Axis-aligned rectangle of the (x, y) plane; a 1D surface uses only x. */
export interface Domain {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** A local minimum: location and value (y = 0 on a 1D surface). */
export interface Minimum {
  x: number;
  y: number;
  value: number;
  /** True when no point of the surface is lower. */
  global: boolean;
}

/** A stationary point that is not a minimum, listed where the surface's lesson is about it. */
export interface StationaryPoint {
  x: number;
  y: number;
  value: number;
  /** 'saddle': the Hessian has eigenvalues of both signs; 'degenerate': the Hessian is singular. */
  kind: 'saddle' | 'degenerate';
}

export interface SurfaceDefinition {
  /** Name used by the CLI, the settings and the panel; 'custom' for a typed formula. */
  name: string;
  /** Human-readable formula for labels. */
  label: string;
  /** Formula text for the compiler (x, y, + - * / ^, functions). */
  formula: string;
  dims: 1 | 2;
  /** Standard domain for starts and drawing. */
  domain: Domain;
  /** Known local minima inside `domain`, global ones first; empty for saddles and typed formulas. */
  minima: readonly Minimum[];
  /**
   * True when `minima` lists every local minimum inside `domain`. False for
   * lattices of local minima (Rastrigin, Ackley) and for typed formulas,
   * whose minima come from converged particles (see minima.ts).
   */
  allMinimaListed: boolean;
  /** Saddle points that the surface is about; absent when there are none to show. */
  saddles?: readonly StationaryPoint[];
  /**
   * Eigenvalues of the Hessian, ascending, for quadratic surfaces, whose
   * Hessian is the same everywhere. Plain gradient descent is stable for
   * learning rates below 2 / (largest eigenvalue) when all are positive.
   */
  hessianEigenvalues?: readonly number[];
  /** True when the formula is generated from the condition number κ. */
  usesCondition?: boolean;
  /** The lesson of the surface, in one or two sentences. */
  description: string;
  /** Source of the definition, domain and minima. */
  source: string;
}

/** Name under which a typed formula runs. */
export const CUSTOM_SURFACE_NAME = 'custom';

/** Domain of a typed formula until the user sets one. */
export const CUSTOM_DOMAIN_2D: Domain = { xMin: -3, xMax: 3, yMin: -3, yMax: 3 };
export const CUSTOM_DOMAIN_1D: Domain = { xMin: -3, xMax: 3, yMin: 0, yMax: 0 };

/** The built-in surfaces, the ill-conditioned quadratic at its default condition number. */
export const SURFACES: readonly SurfaceDefinition[] = BUILT_IN_SURFACES;

export const SURFACE_NAMES: readonly string[] = SURFACES.map((surface) => surface.name);

/**
 * Looks a built-in surface up by name; undefined when there is none. The
 * ill-conditioned quadratic is generated for `condition` (κ), which the
 * caller has validated.
 */
export function findSurface(name: string, condition: number = CONDITION_NUMBER.default): SurfaceDefinition | undefined {
  if (name === ILL_CONDITIONED_NAME) {
    return illConditionedQuadratic(condition);
  }
  return SURFACES.find((surface) => surface.name === name);
}

/**
 * Defines the surface of a typed formula, whose text has compiled to a
 * surface of `dims` dimensions. Its minima are unknown until particles
 * converge.
 */
export function customSurface(formula: string, dims: 1 | 2): SurfaceDefinition {
  return {
    name: CUSTOM_SURFACE_NAME,
    label: formula,
    formula,
    dims,
    domain: dims === 1 ? CUSTOM_DOMAIN_1D : CUSTOM_DOMAIN_2D,
    minima: [],
    allMinimaListed: false,
    description: 'A typed formula: its minima are found from the particles that converge.',
    source: 'Typed by the user.',
  };
}
