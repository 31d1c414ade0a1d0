// Surface expression compiler: formula text to WGSL and to float32 and float64 CPU evaluators.
export type { Arity, BinaryOperator, Comparison, Expr, FunctionName, NamedConstant, Span, Variable } from './ast.ts';
export { ACCEPTED_NAMES, FORMULA_FUNCTIONS, usedVariables } from './ast.ts';
export { looselyBoundedFunctions } from './program.ts';
export { compileExpression, compileFormula, type CompiledSurface, type SurfaceEvaluator } from './compile.ts';
export { atCharacter, FormulaError } from './errors.ts';
export type { Precision } from './evaluate.ts';
export { FLOAT32_MAX, froundFlushing, reduceAngleFloat32, roundHalfToEven } from './float32.ts';
export { formatExpression } from './format.ts';
export { MAX_FORMULA_LENGTH, MAX_NESTING_DEPTH, parseFormula } from './parser.ts';
export { simplifyExpression } from './simplify.ts';
