import {
  ACCEPTED_NAMES,
  CONSTANTS,
  FORMULA_FUNCTIONS,
  VARIABLES,
  usedVariables,
  type Expr,
  type FunctionName,
  type NamedConstant,
} from './ast.ts';
import { atCharacter, excerpt, FormulaError } from './errors.ts';
import { FLOAT32_MAX, FLOAT32_MIN_NORMAL } from './float32.ts';
import { tokenize, type Token } from './lexer.ts';

/** Maximum formula length in UTF-16 code units; longer input is rejected before it is read. */
export const MAX_FORMULA_LENGTH = 2000;

/**
 * Maximum nesting of parentheses, function calls, unary signs and powers. The
 * parser checks it before each recursive call, so its stack stays bounded.
 */
export const MAX_NESTING_DEPTH = 100;

const OPERAND_EXPECTED = "a number, a variable, a function call or '('";

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.index];
  }

  private advance(): Token {
    return this.tokens[this.index++];
  }

  private previous(): Token {
    return this.tokens[this.index - 1];
  }

  private isOperator(text: string): boolean {
    const token = this.peek();
    return token.type === 'operator' && token.text === text;
  }

  private enter(depth: number, token: Token): void {
    if (depth > MAX_NESTING_DEPTH) {
      throw new FormulaError(
        `formula nests deeper than ${MAX_NESTING_DEPTH} levels ${atCharacter(token.start)} ` +
          '(parentheses, function calls, unary signs and powers count); simplify the formula',
        token.start,
        token.end,
      );
    }
  }

  /** Parses `product (('+' | '-') product)*`. */
  parseSum(depth: number): Expr {
    return this.parseLeftAssociative(['+', '-'], () => this.parseProduct(depth));
  }

  private parseProduct(depth: number): Expr {
    return this.parseLeftAssociative(['*', '/'], () => this.parseUnary(depth));
  }

  /** Parses `operand (operator operand)*` for operators of one precedence level, grouping to the left. */
  private parseLeftAssociative(operators: readonly ('+' | '-' | '*' | '/')[], parseOperand: () => Expr): Expr {
    let left = parseOperand();
    for (;;) {
      const token = this.peek();
      const operator = operators.find((candidate) => token.type === 'operator' && token.text === candidate);
      if (operator === undefined) return left;

      this.advance();
      const right = parseOperand();
      left = { kind: 'binary', operator, left, right, span: { start: left.span!.start, end: right.span!.end } };
    }
  }

  /** Parses signs; a sign binds looser than `^`, so `-x^2` is `-(x^2)`. */
  private parseUnary(depth: number): Expr {
    if (this.isOperator('-') || this.isOperator('+')) {
      const sign = this.advance();
      this.enter(depth + 1, sign);
      const operand = this.parseUnary(depth + 1);
      if (sign.text === '+') return operand;
      return { kind: 'negate', operand, span: { start: sign.start, end: operand.span!.end } };
    }
    return this.parsePower(depth);
  }

  /** Parses `primary ('^' unary)?`; the exponent may carry a sign, and `^` is right-associative. */
  private parsePower(depth: number): Expr {
    const base = this.parsePrimary(depth);
    if (!this.isOperator('^')) return base;

    const caret = this.advance();
    this.enter(depth + 1, caret);
    const exponent = this.parseUnary(depth + 1);
    return {
      kind: 'binary',
      operator: '^',
      left: base,
      right: exponent,
      span: { start: base.span!.start, end: exponent.span!.end },
    };
  }

  private parsePrimary(depth: number): Expr {
    const token = this.advance();
    const span = { start: token.start, end: token.end };

    if (token.type === 'number') return { kind: 'number', value: parseNumber(token), span };
    if (token.type === 'name') return this.parseName(token, depth);

    if (token.type === 'operator' && token.text === '(') {
      this.enter(depth + 1, token);
      const inner = this.parseSum(depth + 1);
      this.expectClosing(token);
      return inner;
    }

    if (token.type === 'end') {
      // The formula is not blank, so a token precedes the end; the error marks it.
      const last = this.tokens[this.index - 2];
      throw new FormulaError(
        `formula ends after '${excerpt(last.written)}'; expected ${OPERAND_EXPECTED}`,
        last.start,
        last.end,
      );
    }
    // '* *' with a space between is most likely a power written as in Python.
    const previous = this.tokens[this.index - 2];
    const powerHint = token.text === '*' && previous?.text === '*' ? '; write x^2 or x**2 (no space inside **) for powers' : '';
    throw new FormulaError(
      `expected ${OPERAND_EXPECTED} ${atCharacter(token.start)}, found '${excerpt(token.written)}'${powerHint}`,
      token.start,
      token.end,
    );
  }

  private parseName(token: Token, depth: number): Expr {
    const span = { start: token.start, end: token.end };

    const variable = VARIABLES.get(token.text);
    if (variable !== undefined) return { kind: 'variable', name: variable, span };
    if (CONSTANTS.has(token.text)) return { kind: 'constant', name: token.text as NamedConstant, span };

    const arity = FORMULA_FUNCTIONS.get(token.text);
    if (arity === undefined) {
      throw new FormulaError(
        `unknown name '${excerpt(token.text)}' ${atCharacter(token.start)}; accepted names are ${ACCEPTED_NAMES.join(', ')}`,
        token.start,
        token.end,
      );
    }

    const open = this.peek();
    if (!(open.type === 'operator' && open.text === '(')) {
      const example = open.type === 'end' ? '...' : excerpt(open.text);
      throw new FormulaError(
        `function ${token.text} needs its argument in parentheses; write ${token.text}(${example})`,
        token.start,
        token.end,
      );
    }
    this.advance();
    this.enter(depth + 1, open);

    const args: Expr[] = [];
    if (!this.isOperator(')')) {
      args.push(this.parseSum(depth + 1));
      while (this.isOperator(',')) {
        this.advance();
        args.push(this.parseSum(depth + 1));
      }
    }
    const close = this.expectClosing(open);

    if (args.length < arity.min || args.length > arity.max) {
      let accepted = `${arity.min} or more arguments`;
      if (arity.max !== Infinity) accepted = arity.min === 1 ? '1 argument' : `${arity.min} arguments`;
      throw new FormulaError(
        `${token.text} takes ${accepted} ${token.text}${arity.signature}, but got ${args.length}`,
        token.start,
        close.end,
      );
    }
    return { kind: 'call', name: token.text as FunctionName, args, span: { start: token.start, end: close.end } };
  }

  /** Consumes the ')' that matches `open`. */
  private expectClosing(open: Token): Token {
    if (this.isOperator(')')) return this.advance();

    const token = this.peek();
    if (token.type === 'end') {
      throw new FormulaError(`unmatched '(' ${atCharacter(open.start)}; add a ')'`, open.start, open.end);
    }
    return this.rejectAfterOperand(token);
  }

  /** Parses the end of the formula. */
  expectEnd(): void {
    const token = this.peek();
    if (token.type !== 'end') this.rejectAfterOperand(token);
  }

  /** Throws for a token that cannot follow a complete operand. */
  private rejectAfterOperand(token: Token): never {
    if (token.type === 'number' || token.type === 'name' || token.text === '(') {
      const previous = this.previous();
      const before = excerpt(previous.written);
      const after = excerpt(token.written);
      const literal = previous.type === 'number' && previous.end === token.start ? otherNumberNotation(previous.written, token.written) : undefined;
      if (literal !== undefined) {
        throw new FormulaError(
          `${literal.kind} such as ${before}${after} are not accepted ${atCharacter(previous.start)}; write it ${literal.fix}`,
          previous.start,
          token.end,
        );
      }
      throw new FormulaError(
        `missing operator between ${before} and ${after}; write ${before}*${after}`,
        previous.start,
        token.end,
      );
    }
    if (token.text === ')') {
      throw new FormulaError(
        `unmatched ')' ${atCharacter(token.start)}; remove it or add a '(' before it`,
        token.start,
        token.end,
      );
    }
    if (token.text === ',') {
      throw new FormulaError(
        `unexpected ',' ${atCharacter(token.start)}; commas only separate the arguments of min, max, atan2, pow and hypot`,
        token.start,
        token.end,
      );
    }
    throw new FormulaError(`unexpected '${excerpt(token.written)}' ${atCharacter(token.start)}`, token.start, token.end);
  }
}

function parseNumber(token: Token): number {
  // The lexer passes only ASCII digits, '.', 'e', 'E' and signs, so Number() reads exactly this literal.
  const value = Number(token.text);
  if (value > FLOAT32_MAX) {
    throw new FormulaError(
      `number ${excerpt(token.text)} is too large for float32 (largest 3.40e38)`,
      token.start,
      token.end,
    );
  }
  // A literal with a nonzero digit that rounds below the smallest normal
  // float32 becomes 0 or a subnormal, which GPUs may flush to 0.
  const mantissa = token.text.split(/[eE]/)[0];
  const rounded = Math.fround(value);
  if (rounded < FLOAT32_MIN_NORMAL && /[1-9]/.test(mantissa)) {
    const outcome = rounded === 0 ? 'would become 0' : 'may become 0 on the GPU';
    throw new FormulaError(
      `number ${excerpt(token.text)} is too small for float32 (smallest 1.18e-38) and ${outcome}; write 0 if you mean zero`,
      token.start,
      token.end,
    );
  }
  return value;
}

/**
 * Parses a surface formula such as `(1-x)^2 + 100*(y-x^2)^2` into a tree whose
 * nodes carry their spans. Throws FormulaError for input outside the grammar,
 * input longer than MAX_FORMULA_LENGTH, nesting deeper than MAX_NESTING_DEPTH,
 * and formulas that use neither x nor y.
 */
export function parseFormula(text: string): Expr {
  if (text.length > MAX_FORMULA_LENGTH) {
    throw new FormulaError(
      `formula is ${text.length} characters long; the maximum is ${MAX_FORMULA_LENGTH}`,
      MAX_FORMULA_LENGTH,
      text.length,
    );
  }

  const tokens = tokenize(text);
  if (tokens.length === 1) {
    throw new FormulaError('formula is empty; enter an expression in x and y, such as x^2 + y^2', 0, text.length);
  }

  const parser = new Parser(tokens);
  const expr = parser.parseSum(0);
  parser.expectEnd();

  if (usedVariables(expr).size === 0) {
    throw new FormulaError(
      'formula uses neither x nor y; a surface is a function of x, or of x and y',
      0,
      text.length,
    );
  }
  return expr;
}

/**
 * Returns the notation, and how to write it instead, of a number written in a notation
 * the language lacks, which reads as a number followed by a name: 0x10 as 0
 * and x10, 0b101, 0o17, 1_000 as 1 and _000. Undefined for anything else.
 */
function otherNumberNotation(number: string, name: string): { kind: string; fix: string } | undefined {
  const bases: [RegExp, number, string][] = [
    [/^[xX]([0-9a-fA-F]+)$/, 16, 'hexadecimal numbers'],
    [/^[bB]([01]+)$/, 2, 'binary numbers'],
    [/^[oO]([0-7]+)$/, 8, 'octal numbers'],
  ];
  if (number === '0') {
    for (const [pattern, base, kind] of bases) {
      const digits = pattern.exec(name)?.[1];
      if (digits !== undefined) return { kind, fix: `in decimal: ${excerpt(String(Number.parseInt(digits, base)))}` };
    }
  }
  if (/^\d+$/.test(number) && /^(_\d+)+$/.test(name)) {
    return { kind: 'digit separators', fix: `without them: ${excerpt(number + name.replaceAll('_', ''))}` };
  }
  return undefined;
}
