// Text from the server (a tenant admin's traveler name, an entry comment, a compromised agent's
// report) reaches an MSP admin's terminal. A raw ESC, C1 control or bidi override in it could
// retitle the window, move the cursor, rewrite earlier lines or reorder what is read. Every
// string printed goes through showControlCharacters: each such character becomes a visible
// escape instead ("\x1b" for C0, "\u009b" for DEL, C1, bidi controls and line separators).
//
// The \u form of the second group is also a valid JSON escape, and JSON.stringify already
// escapes C0 itself, so running --json output through this function changes the encoding only:
// a script parses exactly the value the server sent.
// Backslashes stay as they are: a name that literally reads "\x1b" is harmless to a terminal.

/** C0 and C1 controls and DEL (\p{Cc}), bidi controls (U+061C, U+200E/F, U+202A-E, U+2066-9), U+2028/9. */
const CONTROL = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/gu;

function escapeOf(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control character shown as an escape; newlines too (see visibleLines). */
export function showControlCharacters(text: string): string {
  return text.replace(CONTROL, escapeOf);
}

/** For whole blocks of output: the line structure stays, everything else is made visible. */
export function visibleLines(text: string): string {
  return text.split("\n").map(showControlCharacters).join("\n");
}
