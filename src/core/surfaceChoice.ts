/**
 * The surface that a choice of name, typed formula and condition number
 * selects, shared by the app's settings and the CLI. Formulas are compiled
 * once per text and kept in a small cache, because the panel and the
 * settings validation look the same surface up many times.
 */
import { compileFormula, type CompiledSurface } from './expr/index.ts';
import { checkNumber, CONDITION_NUMBER, InvalidSettingError } from './limits.ts';
import { CUSTOM_SURFACE_NAME, customSurface, findSurface, SURFACE_NAMES, type SurfaceDefinition } from './surfaces.ts';

/** Selection of a surface: a built-in name with κ, or 'custom' with a typed formula. */
export interface SurfaceChoice {
  surface: string;
  /** Formula text; read only when `surface` is 'custom'. */
  formula?: string;
  /** Condition number κ; read only by the ill-conditioned quadratic. */
  condition: number;
}

export interface ResolvedSurface {
  definition: SurfaceDefinition;
  compiled: CompiledSurface;
}

/** Compiled formulas kept; the oldest is dropped beyond this many. */
const CACHE_SIZE = 16;
const compiledByText = new Map<string, CompiledSurface>();

/** Compiles a formula, or returns the surface compiled earlier from the same text. Throws FormulaError. */
export function compileCached(formula: string): CompiledSurface {
  const known = compiledByText.get(formula);
  if (known) {
    // Re-inserting moves the entry to the end, so the map is ordered from least to most recently used.
    compiledByText.delete(formula);
    compiledByText.set(formula, known);
    return known;
  }

  const compiled = compileFormula(formula);
  compiledByText.set(formula, compiled);
  if (compiledByText.size > CACHE_SIZE) {
    compiledByText.delete(compiledByText.keys().next().value!);
  }
  return compiled;
}

/**
 * Resolves a choice to its definition and compiled surface. Throws
 * InvalidSettingError for an unknown name, a missing formula or a condition
 * number out of range, and FormulaError (with the span of the fault) for a
 * formula that does not compile.
 */
export function resolveSurface(choice: SurfaceChoice): ResolvedSurface {
  checkNumber('condition number κ', choice.condition, CONDITION_NUMBER.min, CONDITION_NUMBER.max);

  if (choice.surface === CUSTOM_SURFACE_NAME) {
    if (typeof choice.formula !== 'string') {
      throw new InvalidSettingError('formula', choice.formula, 'a formula in x, or in x and y, for the custom surface');
    }
    const compiled = compileCached(choice.formula);
    return { definition: customSurface(choice.formula, compiled.dims), compiled };
  }

  const definition = findSurface(choice.surface, choice.condition);
  if (!definition) {
    throw unknownSurfaceError(choice.surface);
  }
  return { definition, compiled: compileCached(definition.formula) };
}

/** Returns the error for a surface name that is neither a built-in surface nor the custom one. */
export function unknownSurfaceError(name: unknown): InvalidSettingError {
  return new InvalidSettingError('surface', name, `one of ${SURFACE_NAMES.join(', ')} or ${CUSTOM_SURFACE_NAME}`);
}
