/**
 * Task files → import items, with every bad line reported (line number, field, reason) instead
 * of failing the whole file. Pure: no DOM, no network; the import panel sends the good items in
 * batches.
 *
 * CSV (RFC 4180: quoted fields may hold commas, quotes doubled, line breaks): a header row;
 * `external_id` is required (imports are idempotent on it, which is what lets a broken upload
 * resume); `gold_label` (single choice) or `gold_labels` (multi-label, keys joined by `|`) mark
 * gold tasks; every other column becomes a payload field of the same name.
 *
 * JSONL: one object per line, `{ "externalId": "…", "payload": {…}, "goldLabel": "…" }` or
 * `goldLabels: […]`; blank lines are ignored.
 *
 * Structured kinds (spans, boxes, rating, pairwise): the gold answer is `goldAnswer` (JSONL) or
 * a `gold_answer` column holding its JSON (CSV), in the kind's answer shape; in CSV the columns
 * the kind reads as numbers or lists (`width`, `height`, a `tokens` list) hold JSON. Every item
 * goes through the kind's checks (kind-form.ts, the server's own), so a task workers could not
 * answer, or a gold answer the server would refuse, is reported on its line.
 */
import { checkKindItem, isChoiceKind } from './kind-form';

/** One task ready for `importTasks`. */
export interface ImportItem {
  externalId: string;
  payload: Record<string, unknown>;
  goldLabel?: string;
  goldLabels?: string[];
  goldAnswer?: Record<string, unknown>;
}

/** Why one line of the file cannot be imported. */
export interface LineError {
  readonly line: number;
  readonly field: string;
  readonly reason: string;
}

/** The good items of a file and the errors of the bad lines. */
export interface ParsedImport {
  readonly items: ImportItem[];
  readonly errors: LineError[];
}

/** What the parser checks items against. */
export interface ImportSchema {
  readonly kind: string;
  readonly keys: readonly string[];
  /** The kind's parsed settings (`LabelSchema.settings`); absent for the choice kinds. */
  readonly settings?: Readonly<Record<string, unknown>> | null;
}

/** The CSV columns a structured kind reads as JSON (numbers, token lists), by its settings. */
function jsonColumns(schema: ImportSchema): string[] {
  const settings = schema.settings ?? {};
  const name = (key: string, fallback: string) =>
    typeof settings[key] === 'string' ? (settings[key] as string) : fallback;
  if (schema.kind === 'BOUNDING_BOXES') {
    return [name('widthField', 'width'), name('heightField', 'height')];
  }
  if (schema.kind === 'TEXT_SPANS' && settings.tokenization === 'PAYLOAD') {
    return [name('tokensField', 'tokens')];
  }
  return [];
}

/** A CSV cell as JSON, or the text itself when it is not JSON. */
function jsonCell(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Longest external id the API accepts. */
const MAX_EXTERNAL_ID = 255;

/** Splits CSV text into records of fields, each with the line number it starts on. */
export function csvRecords(text: string): Array<{ line: number; fields: string[] }> {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let touched = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      touched = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      touched = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (touched || field !== '') records.push({ line: start, fields: [...fields, field] });
      fields = [];
      field = '';
      touched = false;
      line++;
      start = line;
    } else {
      field += c;
      touched = true;
    }
  }
  if (touched || field !== '') records.push({ line: start, fields: [...fields, field] });
  return records;
}

/** Parses a CSV task file (see the file header). */
export function parseCsvImport(text: string, schema: ImportSchema): ParsedImport {
  const [header, ...rows] = csvRecords(text.replace(/^\uFEFF/, ''));
  const errors: LineError[] = [];
  const items: ImportItem[] = [];
  const lines: number[] = [];
  if (!header) return { items, errors: [{ line: 1, field: '', reason: 'The file is empty' }] };
  const names = header.fields.map(name => name.trim());
  const json = jsonColumns(schema);
  const idColumn = names.indexOf('external_id');
  if (idColumn < 0) {
    return { items, errors: [{ line: 1, field: 'external_id', reason: 'Missing column' }] };
  }
  for (const row of rows) {
    if (row.fields.length !== names.length) {
      errors.push({
        line: row.line,
        field: '',
        reason: `Expected ${names.length} fields, found ${row.fields.length}`,
      });
      continue;
    }
    const payload: Record<string, unknown> = {};
    let gold: string[] | undefined;
    let goldAnswer: unknown;
    names.forEach((name, index) => {
      const value = row.fields[index]!;
      if (name === 'gold_label' || name === 'gold_labels') {
        if (value !== '') gold = name === 'gold_label' ? [value] : value.split('|');
      } else if (name === 'gold_answer') {
        if (value !== '') goldAnswer = jsonCell(value);
      } else if (name !== 'external_id') {
        payload[name] = json.includes(name) ? jsonCell(value) : value;
      }
    });
    const item = checkItem(row.fields[idColumn]!, {
      line: row.line,
      payload,
      gold,
      goldAnswer,
      schema,
      errors,
    });
    if (item) {
      items.push(item);
      lines.push(row.line);
    }
  }
  return withoutRepeats(items, lines, errors);
}

/** Parses a JSONL task file (see the file header). */
export function parseJsonlImport(text: string, schema: ImportSchema): ParsedImport {
  const errors: LineError[] = [];
  const items: ImportItem[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((source, index) => {
    const line = index + 1;
    if (source.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch {
      errors.push({ line, field: '', reason: 'Not valid JSON' });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ line, field: '', reason: 'Not a JSON object' });
      return;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.payload !== 'object' || record.payload === null) {
      errors.push({ line, field: 'payload', reason: 'Missing or not an object' });
      return;
    }
    const gold =
      typeof record.goldLabel === 'string'
        ? [record.goldLabel]
        : Array.isArray(record.goldLabels)
          ? record.goldLabels.map(String)
          : undefined;
    const item = checkItem(typeof record.externalId === 'string' ? record.externalId : '', {
      line,
      payload: record.payload as Record<string, unknown>,
      gold,
      goldAnswer: record.goldAnswer ?? undefined,
      schema,
      errors,
    });
    if (item) {
      items.push(item);
      lines.push(line);
    }
  });
  return withoutRepeats(items, lines, errors);
}

/** Picks the parser by file name: `.jsonl`/`.ndjson` → JSONL, anything else → CSV. */
export function parseImportFile(name: string, text: string, schema: ImportSchema): ParsedImport {
  return /\.(jsonl|ndjson)$/i.test(name)
    ? parseJsonlImport(text, schema)
    : parseCsvImport(text, schema);
}

/** The errors as a CSV file a requester can download (line,field,reason). */
export function lineErrorsToCsv(errors: readonly LineError[]): string {
  const quote = (value: string) =>
    /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
  return ['line,field,reason', ...errors.map(e => `${e.line},${quote(e.field)},${quote(e.reason)}`)]
    .join('\n')
    .concat('\n');
}

/** Splits items into batches of at most `size`. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** Records why line `line` is refused (its `field` and the reason) and refuses it. */
function refuse(errors: LineError[], line: number, field: string, reason: string): null {
  errors.push({ line, field, reason });
  return null;
}

/** One line's item as read (CSV row or JSONL record), with where its refusals go. */
interface ReadLine {
  readonly line: number;
  readonly payload: Record<string, unknown>;
  readonly gold: string[] | undefined;
  readonly goldAnswer?: unknown;
  readonly schema: ImportSchema;
  readonly errors: LineError[];
}

/** The line's item, or null with the reason in `errors`: the server's checks, line by line. */
function checkItem(rawId: string, read: ReadLine): ImportItem | null {
  const { line, payload, gold, goldAnswer, schema, errors } = read;
  const externalId = rawId.trim();
  if (externalId === '') {
    return refuse(errors, line, 'external_id', 'Required (it makes uploads resumable)');
  }
  if (externalId.length > MAX_EXTERNAL_ID) {
    return refuse(errors, line, 'external_id', `Longer than ${MAX_EXTERNAL_ID} characters`);
  }
  if (!isChoiceKind(schema.kind)) return checkStructured(externalId, read);
  if (goldAnswer !== undefined) {
    return refuse(errors, line, 'goldAnswer', 'A choice project takes gold labels');
  }
  if (gold) {
    const unknown = gold.find(key => !schema.keys.includes(key));
    if (unknown !== undefined) {
      return refuse(errors, line, 'gold_label', `Unknown label key "${unknown}"`);
    }
    if (schema.kind === 'SINGLE_CHOICE' && gold.length !== 1) {
      return refuse(errors, line, 'gold_label', 'Single choice takes exactly one label');
    }
  }
  const item: ImportItem = { externalId, payload };
  if (gold && schema.kind === 'SINGLE_CHOICE') item.goldLabel = gold[0];
  else if (gold) item.goldLabels = gold;
  return item;
}

/** An item of a structured kind: the kind's payload and gold-answer checks, as the server's. */
function checkStructured(externalId: string, read: ReadLine): ImportItem | null {
  const { line, payload, gold, goldAnswer, schema, errors } = read;
  if (gold) {
    return refuse(errors, line, 'gold_label', `A ${schema.kind} project's gold is gold_answer`);
  }
  const issue = checkKindItem(schema.kind, schema.settings ?? {}, payload, goldAnswer);
  if (issue) {
    // The server's path under the item: `answer.spans[0]` of a gold answer is `goldAnswer.spans[0]`.
    const field = issue.field.replace(/^answer/, 'goldAnswer');
    errors.push({ line, field, reason: `${issue.code}: ${issue.reason}` });
    return null;
  }
  const item: ImportItem = { externalId, payload };
  if (goldAnswer !== undefined) item.goldAnswer = goldAnswer as Record<string, unknown>;
  return item;
}

/** Drops repeated external ids (the first one wins), reporting each repeat on its own line. */
function withoutRepeats(items: ImportItem[], lines: number[], errors: LineError[]): ParsedImport {
  const seen = new Map<string, number>();
  const kept: ImportItem[] = [];
  items.forEach((item, index) => {
    const first = seen.get(item.externalId);
    if (first !== undefined) {
      errors.push({
        line: lines[index]!,
        field: 'external_id',
        reason: `Repeats the id of line ${first}`,
      });
    } else {
      seen.set(item.externalId, lines[index]!);
      kept.push(item);
    }
  });
  return { items: kept, errors: errors.sort((a, b) => a.line - b.line) };
}
