import { celEnv, CelScalar, isCelError, objectType, parse, plan } from '@bufbuild/cel';
import { TimestampSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';

/** Longest filter expression, in characters. */
export const FILTER_MAX_LENGTH = 2_000;
/** Most nodes (literals, names, operators, calls) a filter's syntax tree may have. */
export const FILTER_MAX_NODES = 200;
/** Deepest nesting a filter's syntax tree may have. */
export const FILTER_MAX_DEPTH = 24;

/** What a filter sees of a message. */
export interface FilterInput {
  /** The message's event type. */
  type: string;
  /** The payload. */
  data: Record<string, unknown>;
  /** When the message was accepted. */
  timestamp: Date;
}

/** A filter's verdict on one message: `error` is set (and `matches` false) when evaluation failed. */
export interface FilterVerdict {
  matches: boolean;
  error?: string;
}

/** A filter that cannot be compiled; `position` is the 1-based column of the offending token. */
export class FilterSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`filter is not a valid expression at column ${position}: ${reason}`);
    this.name = 'FilterSyntaxError';
  }
}

type Parsed = ReturnType<typeof parse>;
type Expr = Parsed['expr'];

const VARIABLES = new Set(['type', 'data', 'timestamp']);
// Operators the evaluator implements itself rather than as functions of its environment.
const SPECIAL_FORMS = new Set(['_&&_', '_||_', '_?_:_', '_[_]', '@not_strictly_false']);

type Program = (bindings: { type: string; data: never; timestamp: ReturnType<typeof timestampFromDate> }) => unknown;

const env = celEnv({ variables: { type: CelScalar.STRING, data: CelScalar.DYN, timestamp: objectType(TimestampSchema) } });

/** A compiled filter: evaluating it never throws. */
export class CelFilter {
  private constructor(
    readonly source: string,
    private readonly program: Program,
  ) {}

  /**
   * Parses and checks `source`: at most {@link FILTER_MAX_LENGTH} characters, {@link FILTER_MAX_NODES}
   * nodes and {@link FILTER_MAX_DEPTH} levels; only the variables `type`, `data` and `timestamp` and the
   * functions of CEL's standard library; no comprehension (`all`, `exists`, `map`, `filter`) inside
   * another, so one evaluation costs at most the payload's size times the expression's.
   * @throws FilterSyntaxError with the column of the problem.
   */
  static compile(source: string): CelFilter {
    if (source.length > FILTER_MAX_LENGTH) throw new FilterSyntaxError(`longer than ${FILTER_MAX_LENGTH} characters`, FILTER_MAX_LENGTH + 1);
    if (source.trim() === '') throw new FilterSyntaxError('empty expression', 1);
    let parsed: Parsed;
    try {
      parsed = parse(source);
    } catch (error) {
      throw syntaxErrorOf(error);
    }
    new Checker(parsed).check();
    return new CelFilter(source, plan(env, parsed));
  }

  /** True when the expression yields `true` for this message; anything else (an error, a non-boolean) is false. */
  evaluate(input: FilterInput): FilterVerdict {
    let result: unknown;
    try {
      result = this.program({ type: input.type, data: input.data as never, timestamp: timestampFromDate(input.timestamp) });
    } catch (error) {
      return { matches: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (isCelError(result)) return { matches: false, error: result.message };
    if (typeof result !== 'boolean') return { matches: false, error: 'the expression did not yield a boolean' };
    return { matches: result };
  }
}

function syntaxErrorOf(error: unknown): FilterSyntaxError {
  const message = error instanceof Error ? error.message : String(error);
  // The parser reports "<input>:line:column: reason"; filters are one logical line, columns count from 1.
  const found = /^<input>:(\d+):(\d+): (.*)$/s.exec(message);
  if (!found) return new FilterSyntaxError(message, 1);
  return new FilterSyntaxError(found[3], Number(found[2]));
}

/** Walks a parsed filter once, refusing what would fail on every message or cost too much. */
class Checker {
  private nodes = 0;
  private readonly positions: Record<string, number>;

  constructor(private readonly parsed: Parsed) {
    this.positions = Object.fromEntries(Object.entries(parsed.sourceInfo?.positions ?? {}).map(([k, v]) => [k, Number(v)]));
  }

  check(): void {
    this.visit(this.parsed.expr, 1, new Set(), false);
  }

  private fail(expr: Expr, reason: string): never {
    throw new FilterSyntaxError(reason, (this.positions[String(expr.id)] ?? 0) + 1);
  }

  private visit(expr: Expr, depth: number, locals: ReadonlySet<string>, inComprehension: boolean): void {
    if (++this.nodes > FILTER_MAX_NODES) this.fail(expr, `more than ${FILTER_MAX_NODES} terms`);
    if (depth > FILTER_MAX_DEPTH) this.fail(expr, `nested deeper than ${FILTER_MAX_DEPTH} levels`);
    const next = (child: Expr | undefined, scope = locals, nested = inComprehension): void => {
      if (child) this.visit(child, depth + 1, scope, nested);
    };
    const kind = expr.exprKind;
    switch (kind.case) {
      case 'identExpr':
        if (!VARIABLES.has(kind.value.name) && !locals.has(kind.value.name)) {
          this.fail(expr, `undeclared reference to '${kind.value.name}' (the variables are type, data and timestamp)`);
        }
        // A body that could read the whole payload would cost the payload's size once per element:
        // `data.xs.all(x, x in data.xs)` is quadratic. Bodies see their own element only.
        if (inComprehension && !locals.has(kind.value.name)) {
          this.fail(expr, `inside all, exists, exists_one, map or filter only the element variable can be named, not '${kind.value.name}'`);
        }
        return;
      case 'selectExpr':
        return next(kind.value.operand);
      case 'callExpr':
        if (!SPECIAL_FORMS.has(kind.value.function) && env.funcs.find(kind.value.function) === undefined) {
          this.fail(expr, `undeclared function '${kind.value.function}'`);
        }
        next(kind.value.target);
        for (const arg of kind.value.args) next(arg);
        return;
      case 'listExpr':
        for (const element of kind.value.elements) next(element);
        return;
      case 'structExpr':
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') next(entry.keyKind.value);
          next(entry.value);
        }
        return;
      case 'comprehensionExpr': {
        const c = kind.value;
        if (inComprehension) this.fail(expr, 'a comprehension (all, exists, exists_one, map, filter) inside another is not allowed');
        next(c.iterRange);
        const inner = new Set([...locals, c.iterVar, c.iterVar2, c.accuVar].filter((name) => name !== ''));
        next(c.accuInit, inner, true);
        next(c.loopCondition, inner, true);
        next(c.loopStep, inner, true);
        next(c.result, inner, true);
        return;
      }
      default:
        return;
    }
  }
}
