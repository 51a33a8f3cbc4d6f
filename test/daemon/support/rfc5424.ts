/**
 * A strict RFC 5424 parser for the tests: every header field checked against the ABNF
 * (§6), structured data parsed with its escapes, MSG with an optional BOM.
 */
export interface Parsed5424 {
  pri: number;
  facility: number;
  severity: number;
  version: 1;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: { id: string; params: Record<string, string> }[];
  msg: string;
  bom: boolean;
}

const PRINTUSASCII = /^[\x21-\x7e]+$/;
// FULL-DATE "T" FULL-TIME with TIME-SECFRAC of at most 6 digits and Z or an offset (§6.2.3).
const TIMESTAMP = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const SD_NAME = /^[\x21-\x7e]{1,32}$/;

function field(value: string, max: number, name: string): string {
  if (value === '-') return value;
  if (value.length > max || !PRINTUSASCII.test(value)) throw new Error(`bad ${name}: ${JSON.stringify(value)}`);
  return value;
}

export function parse5424(line: string): Parsed5424 {
  const head = /^<(\d{1,3})>(\d{1,2}) /.exec(line);
  if (!head) throw new Error(`no <PRI>VERSION: ${JSON.stringify(line.slice(0, 40))}`);
  const pri = Number(head[1]);
  if (pri > 191 || (head[1]!.length > 1 && head[1]!.startsWith('0'))) throw new Error(`bad PRI ${head[1]}`);
  if (head[2] !== '1') throw new Error(`VERSION is ${head[2]}, not 1`);
  let rest = line.slice(head[0].length);
  const take = (): string => {
    const sp = rest.indexOf(' ');
    if (sp <= 0) throw new Error(`header ends early: ${JSON.stringify(rest.slice(0, 40))}`);
    const v = rest.slice(0, sp);
    rest = rest.slice(sp + 1);
    return v;
  };
  const timestamp = take();
  if (timestamp !== '-' && !TIMESTAMP.test(timestamp)) throw new Error(`bad TIMESTAMP ${timestamp}`);
  const hostname = field(take(), 255, 'HOSTNAME');
  const appName = field(take(), 48, 'APP-NAME');
  const procId = field(take(), 128, 'PROCID');
  const msgId = field(take(), 32, 'MSGID');

  const sd: Parsed5424['sd'] = [];
  let i = 0;
  if (rest.startsWith('-')) i = 1;
  else {
    if (rest[0] !== '[') throw new Error(`STRUCTURED-DATA must be - or [..]: ${JSON.stringify(rest.slice(0, 40))}`);
    while (rest[i] === '[') {
      i++;
      let id = '';
      while (i < rest.length && rest[i] !== ' ' && rest[i] !== ']') id += rest[i++];
      if (!SD_NAME.test(id) || /[= "\]]/.test(id)) throw new Error(`bad SD-ID ${JSON.stringify(id)}`);
      const params: Record<string, string> = {};
      while (rest[i] === ' ') {
        i++;
        let name = '';
        while (i < rest.length && rest[i] !== '=') name += rest[i++];
        if (!SD_NAME.test(name) || /[= "\]]/.test(name)) throw new Error(`bad PARAM-NAME ${JSON.stringify(name)}`);
        if (rest[i] !== '=' || rest[i + 1] !== '"') throw new Error(`expected ="after ${name}`);
        i += 2;
        let value = '';
        for (;;) {
          const c = rest[i];
          if (c === undefined) throw new Error('unterminated PARAM-VALUE');
          if (c === '\\' && (rest[i + 1] === '"' || rest[i + 1] === '\\' || rest[i + 1] === ']')) {
            value += rest[i + 1];
            i += 2;
            continue;
          }
          if (c === '"') break;
          if (c === ']') throw new Error(`unescaped ] in PARAM-VALUE of ${name}`);
          value += c;
          i++;
        }
        i++; // closing quote
        params[name] = value;
      }
      if (rest[i] !== ']') throw new Error(`SD-ELEMENT ${id} not closed`);
      i++;
      sd.push({ id, params });
    }
  }
  let msg = '';
  if (i < rest.length) {
    if (rest[i] !== ' ') throw new Error(`expected SP before MSG: ${JSON.stringify(rest.slice(i, i + 20))}`);
    msg = rest.slice(i + 1);
  }
  const bom = msg.startsWith('\uFEFF');
  return { pri, facility: pri >> 3, severity: pri & 7, version: 1, timestamp, hostname, appName, procId, msgId, sd, msg: bom ? msg.slice(1) : msg, bom };
}

/** The params of our SD element. */
export function ours(p: Parsed5424, id = 'portkey-doctor@32473'): Record<string, string> {
  const e = p.sd.find((s) => s.id === id);
  if (!e) throw new Error(`no [${id}] element in ${JSON.stringify(p.sd)}`);
  return e.params;
}
