/**
 * Reading untrusted XML (the body of POST /auth/xades-signature) before anything looks inside:
 * UTF-8 only (21217 otherwise — KSeF's "send UTF-8"), no DTD at all (no internal entities, no
 * external ones, no billion laughs), only characters XML 1.0 allows, and a well-formed document
 * (21001 "Nieczytelna treść."). The size cap is applied earlier, on the HTTP body.
 */
import { DOMParser } from '@xmldom/xmldom';

export type XmlReadResult =
  | { ok: true; doc: Document; text: string }
  | { ok: false; code: 21001 | 21217; detail: string };

const DECLARATION = /^<\?xml\s[^?]*\?>/;
const ENCODING = /\bencoding\s*=\s*["']([^"']*)["']/;
/** XML 1.0 §2.2 Char: no C0 controls except tab/LF/CR, no U+FFFE/U+FFFF, no lone surrogates. */
function hasForbiddenChar(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
    if (c === 0xfffe || c === 0xffff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i += 1;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return true;
    }
  }
  return false;
}

export function readXml(bytes: Uint8Array): XmlReadResult {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, code: 21217, detail: 'Dokument jest zakodowany w UTF-16; wymagane jest UTF-8.' };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, code: 21217, detail: 'Treść nie jest poprawnym tekstem UTF-8.' };
  }
  const declaration = DECLARATION.exec(text)?.[0];
  const encoding = declaration ? ENCODING.exec(declaration)?.[1] : undefined;
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    return {
      ok: false,
      code: 21217,
      detail: `Deklarowane kodowanie '${encoding}' nie jest obsługiwane; wymagane jest UTF-8.`,
    };
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    return { ok: false, code: 21001, detail: 'Deklaracje DTD i encje nie są dozwolone.' };
  }
  if (hasForbiddenChar(text)) {
    return { ok: false, code: 21001, detail: 'Dokument zawiera znaki niedozwolone w XML.' };
  }
  const problems: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({
      errorHandler: (level: string, message: unknown) => {
        if (level !== 'warning') problems.push(String(message).split('\n')[0] ?? 'error');
      },
    }).parseFromString(text, 'text/xml') as unknown as Document;
  } catch (e) {
    return { ok: false, code: 21001, detail: e instanceof Error ? e.message : 'niepoprawny XML' };
  }
  if (problems.length > 0 || !doc?.documentElement) {
    return { ok: false, code: 21001, detail: problems[0] ?? 'Brak elementu głównego.' };
  }
  return { ok: true, doc, text };
}

/** Child elements only (text, comments and processing instructions skipped). */
export function childElements(node: Node): Element[] {
  const out: Element[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 1) out.push(child as Element);
  }
  return out;
}

/** Non-whitespace character data directly inside an element (element-only content must have none). */
export function hasTextContent(node: Node): boolean {
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if ((child.nodeType === 3 || child.nodeType === 4) && /\S/.test(child.nodeValue ?? '')) return true;
  }
  return false;
}
