/**
 * A CSV reader after RFC 4180, for imports: comma-separated fields, records ended by CRLF or LF, fields in double
 * quotes may hold commas, line breaks and doubled quotes (""). A leading byte-order mark is skipped and a last line
 * without a line break still counts. Malformed quoting is an error naming the line; nothing is guessed.
 */

export interface CsvRecord {
  /** 1-based line of the file the record starts on (the header is line 1). */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/** Every record of the text, in order; blank lines are skipped. Throws CsvSyntaxError on malformed quoting. */
export function* readCsv(text: string): Generator<CsvRecord> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    // One record: fields until an unquoted line break or the end.
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = ++i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q === -1) throw new CsvSyntaxError(start, `a quoted field opened on line ${start} is never closed`);
          for (let k = text.indexOf('\n', i); k !== -1 && k < q; k = text.indexOf('\n', k + 1)) line++;
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            i = from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        fields.push(value);
        const c = text.charCodeAt(i);
        if (i < n && c !== COMMA && c !== LF && c !== CR) throw new CsvSyntaxError(line, 'a closing quote must be followed by a comma or the end of the line');
      } else {
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          if (c === QUOTE) throw new CsvSyntaxError(line, 'a quote inside an unquoted field (quote the whole field and double the quote)');
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === CR) i++;
      if (text.charCodeAt(i) === LF) i++;
      else if (c === CR) throw new CsvSyntaxError(line, 'a carriage return not followed by a line feed');
      line++;
      break;
    }
    if (fields.length === 1 && fields[0] === '') continue;
    yield { line: start, fields };
  }
}
