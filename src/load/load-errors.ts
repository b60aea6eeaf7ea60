/**
 * Redshift's load error codes (Database Developer Guide, "Load error reference") and the
 * `err_reason` texts that STL_LOAD_ERRORS shows for them. Where Redshift's exact reason text is
 * documented or widely quoted it is used verbatim; otherwise the reference's description is used.
 */

/** A value or record that could not be loaded: a Redshift error code and its reason. */
export interface LoadFault {
  readonly code: number;
  readonly reason: string;
}

/** The load error codes this engine reports, named after the reference's descriptions. */
export const LoadErrorCode = {
  /** 1204: input data exceeded the acceptable range for the data type (too long, overflow). */
  outOfRange: 1204,
  /** 1205: date format is not valid. */
  invalidDate: 1205,
  /** 1206: timestamp format is not valid. */
  invalidTimestamp: 1206,
  /** 1207: data contained a value outside of the expected range of 0-9. */
  invalidDigit: 1207,
  /** 1210: BOOLEAN data type format error. */
  invalidBoolean: 1210,
  /** 1216: input line is not valid (malformed JSON, text between objects, bad JSONPath target). */
  invalidLine: 1216,
  /** 1220: string contains invalid or unsupported UTF-8 code points. */
  invalidUtf8: 1220,
} as const;

/** Redshift's type names in `Invalid digit` reasons. */
export type DigitTypeName = 'Short' | 'Integer' | 'Long' | 'Decimal' | 'Float' | 'Double';

/** `Invalid digit, Value 'x', Pos n, Type: Integer` — the character, its 0-based position. */
export function invalidDigit(text: string, type: DigitTypeName): LoadFault {
  let pos: number;
  if (type === 'Short' || type === 'Integer' || type === 'Long') {
    pos = text.startsWith('-') || text.startsWith('+') ? 1 : 0;
    while (pos < text.length && isDigit(text.charCodeAt(pos))) pos++;
  } else {
    pos = firstNonNumericPosition(text);
  }
  const char = text.charAt(Math.min(pos, Math.max(0, text.length - 1)));
  return { code: LoadErrorCode.invalidDigit, reason: `Invalid digit, Value '${char}', Pos ${pos}, Type: ${type}` };
}

/** `Overflow (Integer valid range -2147483648 to 2147483647)`. */
export function overflow(type: 'Short' | 'Integer' | 'Long', min: bigint, max: bigint): LoadFault {
  return { code: LoadErrorCode.outOfRange, reason: `Overflow (${type} valid range ${min} to ${max})` };
}

/** A numeric or float value too large for its column. */
export function numericOverflow(text: string, sqlType: string): LoadFault {
  return { code: LoadErrorCode.outOfRange, reason: `Overflow, Value '${clip(text, 40)}', Type: ${sqlType}` };
}

/** 1204 `String length exceeds DDL length`. */
export const STRING_TOO_LONG: LoadFault = { code: LoadErrorCode.outOfRange, reason: 'String length exceeds DDL length' };

/** 1206 `Invalid timestamp format or value [format]`. */
export function invalidTimestamp(format: string): LoadFault {
  return { code: LoadErrorCode.invalidTimestamp, reason: `Invalid timestamp format or value [${format}]` };
}

/** 1205 for a DATE value that is not `YYYY-MM-DD`. */
export function invalidDate(text: string): LoadFault {
  return text.length < 10
    ? { code: LoadErrorCode.invalidDate, reason: 'Invalid Date Format - length must be 10 or more' }
    : { code: LoadErrorCode.invalidDate, reason: 'Invalid date format - Invalid digit encountered' };
}

/** 1210 for a BOOLEAN value that is none of true/false/t/f/yes/no/y/n/1/0. */
export function invalidBoolean(text: string): LoadFault {
  return { code: LoadErrorCode.invalidBoolean, reason: `BOOLEAN data type format error, Value '${clip(text, 40)}'` };
}

/** 1220 for invalid UTF-8: `... Bad UTF8 hex sequence: a4 (error 3)`. */
export function invalidUtf8(hex: string, error: number): LoadFault {
  return {
    code: LoadErrorCode.invalidUtf8,
    reason: `String contains invalid or unsupported UTF8 codepoints. Bad UTF8 hex sequence: ${hex} (error ${error})`,
  };
}

/** 1220 for a multi-byte character in a CHAR column (CHAR holds single-byte characters only). */
export function multibyteInChar(hex: string): LoadFault {
  return {
    code: LoadErrorCode.invalidUtf8,
    reason: `Multibyte character not supported for CHAR (Hint: Try using VARCHAR). Invalid char: ${hex}`,
  };
}

/** 1216 with a short explanation of what about the input line is not valid. */
export function invalidLine(detail: string): LoadFault {
  return { code: LoadErrorCode.invalidLine, reason: `Input line is not valid: ${detail}` };
}

/** 1216 `Invalid JSONPath format: Member is not an object.` (a path step through a non-object). */
export const MEMBER_NOT_OBJECT: LoadFault = {
  code: LoadErrorCode.invalidLine,
  reason: 'Invalid JSONPath format: Member is not an object.',
};

/** 1216 `Invalid JSONPath format: Not an array or index out of range.` */
export const NOT_AN_ARRAY: LoadFault = {
  code: LoadErrorCode.invalidLine,
  reason: 'Invalid JSONPath format: Not an array or index out of range.',
};

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function firstNonNumericPosition(text: string): number {
  const match = /^[+-]?\d*(\.\d*)?([eE][+-]?\d+)?/.exec(text);
  const length = match?.[0].length ?? 0;
  return length >= text.length ? 0 : length;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}
