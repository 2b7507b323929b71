import fc from 'fast-check';

/**
 * Random filter expressions over a small payload shape, with a plain-JS reference evaluation, so CEL's
 * answers can be compared with what the expression obviously means.
 */

/** Numeric payload fields (integers when present). */
export const NUMBER_FIELDS = ['amount', 'count'] as const;
/** String payload fields. */
export const STRING_FIELDS = ['currency', 'region'] as const;
const STRINGS = ['EUR', 'USD', 'GBP', 'eu', 'us'];

type NumberField = (typeof NUMBER_FIELDS)[number];
type StringField = (typeof STRING_FIELDS)[number];
type Comparison = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** An expression tree the generator builds. */
export type Expression =
  | { kind: 'compare'; field: NumberField; op: Comparison; value: number }
  | { kind: 'equals'; field: StringField; negated: boolean; value: string }
  | { kind: 'in'; field: NumberField | StringField; values: (number | string)[] }
  | { kind: 'type'; value: string }
  | { kind: 'and' | 'or'; left: Expression; right: Expression }
  | { kind: 'not'; operand: Expression };

/** A payload of the shape: each field present or missing. */
export type Payload = Partial<Record<NumberField, number> & Record<StringField, string>>;

const number = fc.integer({ min: -5, max: 5 });
const string = fc.constantFrom(...STRINGS);

const leaf: fc.Arbitrary<Expression> = fc.oneof(
  fc.record({ kind: fc.constant('compare' as const), field: fc.constantFrom(...NUMBER_FIELDS), op: fc.constantFrom<Comparison>('==', '!=', '<', '<=', '>', '>='), value: number }),
  fc.record({ kind: fc.constant('equals' as const), field: fc.constantFrom(...STRING_FIELDS), negated: fc.boolean(), value: string }),
  fc.constantFrom(...NUMBER_FIELDS).chain((field) => fc.record({ kind: fc.constant('in' as const), field: fc.constant(field), values: fc.array(number, { maxLength: 4 }) })),
  fc.constantFrom(...STRING_FIELDS).chain((field) => fc.record({ kind: fc.constant('in' as const), field: fc.constant(field), values: fc.array(string, { maxLength: 4 }) })),
  fc.record({ kind: fc.constant('type' as const), value: fc.constantFrom('order.created', 'order.paid') }),
);

/** Random expressions up to a few levels deep. */
export const expressionArbitrary: fc.Arbitrary<Expression> = fc.letrec<{ expr: Expression }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('expr'), right: tie('expr') }),
    fc.record({ kind: fc.constant('not' as const), operand: tie('expr') }),
  ),
})).expr;

/** Random payloads: every field may be missing. */
export const payloadArbitrary: fc.Arbitrary<Payload> = fc.record(
  { amount: number, count: number, currency: string, region: string },
  { requiredKeys: [] },
);

const literal = (value: number | string): string => (typeof value === 'number' ? String(value) : JSON.stringify(value));

/** The expression in CEL. */
export function toCel(expr: Expression): string {
  switch (expr.kind) {
    case 'compare':
      return `data.${expr.field} ${expr.op} ${expr.value}`;
    case 'equals':
      return `data.${expr.field} ${expr.negated ? '!=' : '=='} ${literal(expr.value)}`;
    case 'in':
      return `data.${expr.field} in [${expr.values.map(literal).join(', ')}]`;
    case 'type':
      return `type == ${literal(expr.value)}`;
    case 'and':
      return `(${toCel(expr.left)} && ${toCel(expr.right)})`;
    case 'or':
      return `(${toCel(expr.left)} || ${toCel(expr.right)})`;
    case 'not':
      return `!(${toCel(expr.operand)})`;
  }
}

const ERROR = Symbol('error');
type Outcome = boolean | typeof ERROR;

/**
 * The expression's value in plain JS: a missing field is an error, which `&&`/`||` absorb when the other
 * side decides (CEL's commutative logic), and which makes the whole filter false.
 */
export function evaluateReference(expr: Expression, type: string, data: Payload): Outcome {
  switch (expr.kind) {
    case 'compare': {
      const value = data[expr.field];
      if (value === undefined) return ERROR;
      const ops: Record<Comparison, boolean> = {
        '==': value === expr.value,
        '!=': value !== expr.value,
        '<': value < expr.value,
        '<=': value <= expr.value,
        '>': value > expr.value,
        '>=': value >= expr.value,
      };
      return ops[expr.op];
    }
    case 'equals': {
      const value = data[expr.field];
      if (value === undefined) return ERROR;
      return (value === expr.value) !== expr.negated;
    }
    case 'in': {
      const value = data[expr.field];
      return value === undefined ? ERROR : expr.values.includes(value);
    }
    case 'type':
      return type === expr.value;
    case 'and': {
      const [l, r] = [evaluateReference(expr.left, type, data), evaluateReference(expr.right, type, data)];
      if (l === false || r === false) return false;
      return l === ERROR || r === ERROR ? ERROR : true;
    }
    case 'or': {
      const [l, r] = [evaluateReference(expr.left, type, data), evaluateReference(expr.right, type, data)];
      if (l === true || r === true) return true;
      return l === ERROR || r === ERROR ? ERROR : false;
    }
    case 'not': {
      const value = evaluateReference(expr.operand, type, data);
      return value === ERROR ? ERROR : !value;
    }
  }
}

/** Whether a message passes the filter: only a plain `true` does. */
export function referenceMatches(expr: Expression, type: string, data: Payload): boolean {
  return evaluateReference(expr, type, data) === true;
}
