// Reads the *-num.csv files byte by byte. A tiny parser rather than a CSV library: every field is
// a decimal, a two-letter code or (last on an ASN row) an organisation's name, quoted only when
// it holds a comma or a quote, with "" for a quote, and never spanning lines. Numbers are read
// straight from the bytes and only the names become strings, so ~1.1 million rows load in about
// two seconds of CPU without a million short-lived strings.

export class GeoDataError extends Error {
  override readonly name = "GeoDataError";
}

const NEWLINE = 10;
const RETURN = 13;
const COMMA = 44;
const QUOTE = 34;
const ZERO = 48;
const CAPITAL_A = 65;
const DIGITS_SAFE_IN_A_NUMBER = 15;

/** One line's fields, read left to right; each reader says what it expected when a field is wrong. */
export class CsvLine {
  private position = 0;
  private end = 0;
  private next = 0;
  private lineNumber = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly file: string,
  ) {}

  /** Moves to the next non-empty line; false at the end of the file. */
  advance(): boolean {
    while (this.next < this.bytes.length) {
      const newline = this.bytes.indexOf(NEWLINE, this.next);
      this.position = this.next;
      this.end = newline < 0 ? this.bytes.length : newline;
      this.next = this.end + 1;
      this.lineNumber++;
      if (this.end > this.position && this.bytes[this.end - 1] === RETURN) this.end--;
      if (this.end > this.position) return true;
    }
    return false;
  }

  fail(message: string): never {
    throw new GeoDataError(`${this.file} line ${this.lineNumber}: ${message}`);
  }

  /** A field's end (its comma, or the line's end), having checked whether it must be the last. */
  private fieldEnd(last: boolean, what: string): number {
    const comma = this.bytes.indexOf(COMMA, this.position);
    const end = comma < 0 || comma > this.end ? this.end : comma;
    if (last !== (end === this.end)) this.fail(last ? `more fields after ${what}` : `the line ends before ${what}`);
    return end;
  }

  /** An unsigned decimal of up to 15 digits, as a number (exact). */
  smallDecimal(what: string, last = false): number {
    const end = this.fieldEnd(last, what);
    if (end - this.position > DIGITS_SAFE_IN_A_NUMBER) this.fail(`${what} has more digits than expected`);
    const value = this.digitsValue(end, what);
    this.position = end + 1;
    return value;
  }

  /** An unsigned decimal of up to 39 digits (128 bits), as a bigint. */
  decimal(what: string, last = false): bigint {
    const end = this.fieldEnd(last, what);
    if (end - this.position > 39) this.fail(`${what} has more digits than expected`);
    const small = this.digitsValue(end, what);
    const value = end - this.position <= DIGITS_SAFE_IN_A_NUMBER ? BigInt(small) : BigInt(this.bytes.toString("latin1", this.position, end));
    this.position = end + 1;
    return value;
  }

  /** The digits up to `end` as a number (exact up to 15 digits), refusing anything else. */
  private digitsValue(end: number, what: string): number {
    if (end === this.position) this.fail(`${what} is empty`);
    let value = 0;
    for (let i = this.position; i < end; i++) {
      const digit = this.bytes[i]! - ZERO;
      if (digit < 0 || digit > 9) this.fail(`${what} is not a decimal number`);
      value = value * 10 + digit;
    }
    return value;
  }

  /** Two capital letters (ISO 3166-1 alpha-2), as the number 0..675 (AA..ZZ), read without making a string. */
  countryCode(what: string, last = false): number {
    const end = this.fieldEnd(last, what);
    const first = this.bytes[this.position]! - CAPITAL_A;
    const second = this.bytes[this.position + 1]! - CAPITAL_A;
    if (end - this.position !== 2 || !(first >= 0 && first < 26 && second >= 0 && second < 26)) {
      this.fail(`${what} ${JSON.stringify(this.bytes.toString("latin1", this.position, end))} is not a two-letter country code`);
    }
    this.position = end + 1;
    return first * 26 + second;
  }

  /** Whether the rest of the line is byte for byte `bytes` (the previous row's, to skip decoding it again). */
  restIs(bytes: Buffer): boolean {
    return this.bytes.subarray(this.position, this.end).equals(bytes);
  }

  /** The rest of the line's bytes (a view, not a copy). */
  rest(): Buffer {
    return this.bytes.subarray(this.position, this.end);
  }

  /** The rest of the line as one text field, unquoted when it is quoted. */
  lastText(what: string): string {
    if (this.bytes[this.position] !== QUOTE) {
      const text = this.bytes.toString("utf8", this.position, this.end);
      if (text.includes('"') || text.includes(",")) this.fail(`${what} has a comma or a quote but is not quoted`);
      return text;
    }
    if (this.end - this.position < 2 || this.bytes[this.end - 1] !== QUOTE) this.fail(`${what} opens a quote it does not close`);
    const inner = this.bytes.toString("utf8", this.position + 1, this.end - 1);
    if (inner.replaceAll('""', "").includes('"')) this.fail(`${what} has a lone quote inside its quotes`);
    return inner.replaceAll('""', '"');
  }
}
