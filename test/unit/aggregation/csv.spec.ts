import {
  CsvParser,
  CsvRecord,
  CsvSyntaxError,
  FieldInterner,
  csvField,
  parseCsv,
} from '../../../src/cli/csv';

function fieldsOf(record: CsvRecord): string[] {
  return Array.from({ length: record.length }, (_, i) => record.text(i));
}

/** Records of `text` fed to the parser as UTF-8 in chunks of `size` bytes. */
function parseInChunks(text: string, size: number): Array<{ fields: string[]; line: number }> {
  const records: Array<{ fields: string[]; line: number }> = [];
  const parser = new CsvParser(record =>
    records.push({ fields: fieldsOf(record), line: record.line }),
  );
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) parser.write(bytes.slice(i, i + size));
  parser.end();
  return records;
}

function syntaxErrorOf(text: string): CsvSyntaxError {
  try {
    parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a CsvSyntaxError');
}

describe(CsvParser.name, () => {
  it('reads plain records with their line numbers', () => {
    expect(parseCsv('worker,task,label\nw1,t1,cat\nw2,t1,dog')).toEqual([
      { fields: ['worker', 'task', 'label'], line: 1 },
      { fields: ['w1', 't1', 'cat'], line: 2 },
      { fields: ['w2', 't1', 'dog'], line: 3 },
    ]);
  });

  it.each([
    [
      'reads quoted fields with commas, doubled quotes and line breaks',
      'a,b\n"x, y","say ""hi"""\n"multi\nline",""\nlast,one\n',
      [
        ['a', 'b'],
        ['x, y', 'say "hi"'],
        ['multi\nline', ''],
        ['last', 'one'],
      ],
      // The record after a quoted line break starts on line 5.
      [1, 2, 3, 5],
    ],
    [
      'accepts CRLF and lone CR line ends, a BOM, and skips blank lines',
      '\ufeffa,b\r\n1,2\r\n\r\n3,4\r5,6\r\n',
      [
        ['a', 'b'],
        ['1', '2'],
        ['3', '4'],
        ['5', '6'],
      ],
      [1, 2, 4, 5],
    ],
  ])('%s', (_, text, fields, lines) => {
    const records = parseCsv(text);
    expect(records.map(r => r.fields)).toEqual(fields);
    expect(records.map(r => r.line)).toEqual(lines);
  });

  it('gives the same records whatever the chunk boundaries, even inside a UTF-8 character', () => {
    const text =
      '\ufeffw,t,l\r\n"a,""b""\r\nc",t1,x\r\n\r\nw2,"t""2",\n w3 ,t3,"zé"\r\nlast,ü,""""';
    const whole = parseCsv(text);

    for (const size of [1, 2, 3, 5, 7, 64]) expect(parseInChunks(text, size)).toEqual(whole);
    expect(whole).toEqual([
      { fields: ['w', 't', 'l'], line: 1 },
      { fields: ['a,"b"\r\nc', 't1', 'x'], line: 2 },
      { fields: ['w2', 't"2', ''], line: 5 },
      { fields: [' w3 ', 't3', 'zé'], line: 6 },
      { fields: ['last', 'ü', '"'], line: 7 },
    ]);
  });

  it('names the line of an unterminated quoted field', () => {
    const error = syntaxErrorOf('a,b\n1,2\n3,"open\n4,5\n');

    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^line 3: quoted field is not closed/);
  });

  it('names the line of a quote inside an unquoted field', () => {
    expect(syntaxErrorOf('a,b\n1,2\n3,4\n5,ab"c\n').line).toBe(4);
  });

  it('names the line of text after a closing quote', () => {
    const error = syntaxErrorOf('a,b\n"x\ny"z,1\n');

    expect(error.line).toBe(3);
    expect(error.reason).toMatch(/after a closing quote/);
  });

  it('handles records with more fields than its initial field buffers', () => {
    const wide = Array.from({ length: 40 }, (_, i) => `f${i}`);

    expect(parseCsv(wide.join(',') + '\n')[0].fields).toEqual(wide);
  });
});

describe(FieldInterner.name, () => {
  it('returns one string object per distinct value, quoted or not', () => {
    const sut = new FieldInterner();
    const seen: string[] = [];
    const parser = new CsvParser(record => {
      for (let i = 0; i < record.length; i++) seen.push(sut.intern(record, i));
    });
    const ids = Array.from({ length: 3000 }, (_, i) => `id${i % 1200}`);
    const tail = ['"id5"', '"a""b"', '"a""b"', 'é', '"é"'].join(',');

    parser.write(new TextEncoder().encode(ids.join('\n') + '\n' + tail + '\n'));
    parser.end();

    expect(seen.slice(0, 3000)).toEqual(ids);
    expect(seen.slice(3000)).toEqual(['id5', 'a"b', 'a"b', 'é', 'é']);
    expect(sut.size).toBe(1200 + 2);
  });
});

describe('csvField', () => {
  it('quotes only fields that need it, and round-trips through the parser', () => {
    const values = ['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', ''];
    const line = values.map(csvField).join(',');

    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(parseCsv(line + '\n')[0].fields).toEqual(values);
  });
});
