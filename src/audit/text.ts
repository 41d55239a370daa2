/**
 * Checks on text that will be signed or parsed as a key. No Node built-ins here: the browser console imports this
 * file (through `note-key.ts`) as well as the server.
 */

/** True when the string has no lone UTF-16 surrogate, i.e. it has a UTF-8 encoding. */
export function isWellFormedText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** True when the text has an ASCII control character (below U+0020) other than newline. */
export function hasControlCharacterOtherThanNewline(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 && unit !== 0x0a) return true;
  }
  return false;
}
