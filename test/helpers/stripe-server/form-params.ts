import { parse as parseQueryString } from 'qs';
import { invalidParam, missingParam, unknownParam } from './stripe-errors';

/**
 * Request parameters as stripe-node sends them: `application/x-www-form-urlencoded` with
 * bracketed keys (`metadata[foo]=bar`, `line_items[0][price_data][currency]=usd`,
 * `expand[0]=data.source`), in the body of a POST or the query string of a GET. Every leaf is a
 * string; numbers and booleans are parsed by the endpoint, as Stripe does.
 */
export type FormValue = string | FormValue[] | FormObject;

/** A nested group of form parameters (`metadata`, `controller[fees]`, ...). */
export interface FormObject {
  [key: string]: FormValue;
}

/**
 * Parses a form-encoded string with qs, the parser express uses. Array limit and depth are raised
 * because stripe-node encodes arrays with explicit indexes (`expand[0]`, `line_items[37]`), and qs
 * turns indexes above its default `arrayLimit` of 20 into object keys.
 */
export function parseFormParams(encoded: string): FormObject {
  return parseQueryString(encoded, {
    depth: 12,
    arrayLimit: 1000,
    parameterLimit: 10_000,
    allowPrototypes: false,
  }) as FormObject;
}

/**
 * Reads and validates one endpoint's parameters. Methods throw the `StripeApiError` Stripe would
 * answer with (`parameter_missing`, `parameter_invalid_integer`, ...), so endpoint code reads
 * like the API reference. Parameter paths in errors use Stripe's bracket notation.
 */
export class ParamReader {
  constructor(
    readonly params: FormObject,
    private readonly prefix = '',
  ) {}

  /** Rejects top-level parameters not in `allowed` (plus `expand`), as Stripe does. */
  allowOnly(allowed: readonly string[]): this {
    for (const key of Object.keys(this.params)) {
      if (key !== 'expand' && !allowed.includes(key)) throw unknownParam(this.path(key));
    }
    return this;
  }

  has(key: string): boolean {
    return this.params[key] !== undefined;
  }

  optionalString(key: string, maxLength = 5000): string | undefined {
    const value = this.params[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw invalidParam(this.path(key), `Invalid string: ${key}`);
    if (value.length > maxLength) {
      throw invalidParam(
        this.path(key),
        `Invalid string: ${value.slice(0, 20)}...; must be at most ${maxLength} characters`,
      );
    }
    return value;
  }

  requiredString(key: string, maxLength?: number): string {
    const value = this.optionalString(key, maxLength);
    if (value === undefined || value === '') throw missingParam(this.path(key));
    return value;
  }

  /** One of `choices`; Stripe lists them in the message. */
  optionalEnum<T extends string>(key: string, choices: readonly T[]): T | undefined {
    const value = this.optionalString(key);
    if (value === undefined) return undefined;
    if (!(choices as readonly string[]).includes(value)) {
      throw invalidParam(
        this.path(key),
        `Invalid ${key}: must be one of ${choices.join(', ')}`,
        'parameter_invalid_string',
      );
    }
    return value as T;
  }

  requiredEnum<T extends string>(key: string, choices: readonly T[]): T {
    const value = this.optionalEnum(key, choices);
    if (value === undefined) throw missingParam(this.path(key));
    return value;
  }

  /** A non-negative integer written in decimal, as Stripe amounts are (minor units). */
  optionalInteger(key: string, { min = 0, max = 99_999_999 } = {}): number | undefined {
    const value = this.params[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
      throw invalidParam(
        this.path(key),
        `Invalid integer: ${String(value)}`,
        'parameter_invalid_integer',
      );
    }
    const parsed = Number(value);
    if (parsed < min) {
      throw invalidParam(
        this.path(key),
        `This value must be greater than or equal to ${min}.`,
        'parameter_invalid_integer',
      );
    }
    if (parsed > max) {
      throw invalidParam(
        this.path(key),
        `This value must be less than or equal to ${max}.`,
        'parameter_invalid_integer',
      );
    }
    return parsed;
  }

  requiredInteger(key: string, bounds?: { min?: number; max?: number }): number {
    const value = this.optionalInteger(key, bounds);
    if (value === undefined) throw missingParam(this.path(key));
    return value;
  }

  optionalBoolean(key: string): boolean | undefined {
    const value = this.params[key];
    if (value === undefined) return undefined;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw invalidParam(
      this.path(key),
      `Invalid boolean: ${String(value)}`,
      'parameter_invalid_boolean',
    );
  }

  /** A three-letter ISO currency code, lower-cased as Stripe returns it. */
  requiredCurrency(key = 'currency'): string {
    const value = this.requiredString(key).toLowerCase();
    if (!/^[a-z]{3}$/.test(value)) {
      throw invalidParam(this.path(key), `Invalid currency: ${value}.`, 'parameter_invalid_string');
    }
    return value;
  }

  optionalObject(key: string): ParamReader | undefined {
    const value = this.params[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw invalidParam(this.path(key), `Invalid object`, 'parameter_invalid_string');
    }
    return new ParamReader(value, this.path(key));
  }

  requiredObject(key: string): ParamReader {
    const value = this.optionalObject(key);
    if (value === undefined) throw missingParam(this.path(key));
    return value;
  }

  /**
   * The items of an array parameter, which the form encoding delivers as an array or as an
   * object keyed by index: undefined when absent, null when the value is a single scalar.
   */
  private arrayItems(key: string): FormValue[] | null | undefined {
    const value = this.params[key];
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value;
    return typeof value === 'object' ? Object.values(value) : null;
  }

  /** An array of objects (`line_items`). */
  optionalObjectArray(key: string): ParamReader[] | undefined {
    const items = this.arrayItems(key);
    if (items === undefined) return undefined;
    if (!items) throw invalidParam(this.path(key), `Invalid array`, 'parameter_invalid_array');
    return items.map((item, index) => {
      if (typeof item !== 'object' || Array.isArray(item)) {
        throw invalidParam(`${this.path(key)}[${index}]`, `Invalid object`);
      }
      return new ParamReader(item, `${this.path(key)}[${index}]`);
    });
  }

  /** An array of strings (`expand`, `payment_method_types`, `types`). */
  optionalStringArray(key: string): string[] | undefined {
    const items = this.arrayItems(key);
    if (items === undefined) return undefined;
    // A single value is a one-item list.
    return (items ?? [this.params[key]]).map((item, index) => {
      if (typeof item !== 'string') {
        throw invalidParam(
          `${this.path(key)}[${index}]`,
          `Invalid string`,
          'parameter_invalid_string',
        );
      }
      return item;
    });
  }

  /**
   * Stripe metadata: at most 50 keys, keys up to 40 characters, values up to 500. An empty
   * string deletes a key on update, so this returns `current` with the parameters applied.
   */
  metadata(current: Record<string, string> = {}): Record<string, string> {
    const value = this.params.metadata;
    if (value === undefined) return { ...current };
    if (value === '') return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw invalidParam(this.path('metadata'), 'Invalid object');
    }
    const merged: Record<string, string> = { ...current };
    for (const [key, entry] of Object.entries(value)) {
      const param = `${this.path('metadata')}[${key}]`;
      if (typeof entry !== 'string') throw invalidParam(param, 'Invalid string');
      if (key.length > 40) {
        throw invalidParam(param, 'Metadata keys can have a maximum length of 40 characters.');
      }
      if (entry.length > 500) {
        throw invalidParam(param, 'Metadata values can have a maximum length of 500 characters.');
      }
      if (entry === '') delete merged[key];
      else merged[key] = entry;
    }
    if (Object.keys(merged).length > 50) {
      throw invalidParam(this.path('metadata'), 'Metadata can have a maximum of 50 keys.');
    }
    return merged;
  }

  /** `expand[]`, at the top level only. */
  expand(): string[] {
    return this.optionalStringArray('expand') ?? [];
  }

  /** Stripe's bracket path of `key` under this reader (`controller[fees][payer]`). */
  path(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }
}

/**
 * A canonical string for comparing two requests' parameters: keys sorted at every level, so the
 * same parameters sent in another order compare equal, as they do at Stripe.
 */
export function canonicalParams(value: FormValue | undefined): string {
  if (value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalParams).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map(key => `${JSON.stringify(key)}:${canonicalParams(value[key])}`).join(',')}}`;
}
