/**
 * The syslog message: an event as RFC 5424 (`<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD
 * MSG`) with our facts as STRUCTURED-DATA, and the octet-counted framing TCP needs (RFC 6587).
 * Pure: no sockets, no clock but the event's own time.
 */
import { hostname } from 'node:os';
import { FACILITIES, type Facility } from '../config/syslog-target.js';
import { cleanText } from '../core/clean-text.js';
import { VERSION } from '../core/version.js';
import { describeEvent, type DaemonEvent } from './events.js';

export const SEVERITIES = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 } as const;
export type Severity = keyof typeof SEVERITIES;

/**
 * The SD-ID of our structured data. 32473 is the private enterprise number IANA reserves for
 * documentation (RFC 5612); an organisation with its own number changes it here.
 */
export const SD_ID = 'portkey-doctor@32473';

export interface SdElement {
  id: string;
  params: [name: string, value: string][];
}

/** One message, before it is put into a transport's form. */
export interface SyslogMessage {
  facility: number;
  severity: number;
  time: Date;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: SdElement[];
  msg: string;
}

/** PARAM-VALUE escaping (RFC 5424 §6.3.3): `"`, `\` and `]` get a backslash; control characters go (see cleanText). */
export function escapeSdValue(value: string): string {
  return cleanText(value).replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** A header field: printable US-ASCII, at most `max` characters, `-` when empty. */
export function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '-').slice(0, max);
  return clean === '' ? '-' : clean;
}

const BOM = '\uFEFF';

/** Cuts a string to at most `bytes` UTF-8 bytes without splitting a character. */
function cutUtf8(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (used + n > bytes - 3) break;
    out += ch;
    used += n;
  }
  return out + '…';
}

/**
 * Formats an RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG`.
 * MSG starts with a BOM only when it holds non-ASCII text (it is then UTF-8, §6.4). The whole
 * message is kept within `maxBytes` by shortening MSG.
 */
export function formatRfc5424(m: SyslogMessage, maxBytes = 8192): string {
  const pri = m.facility * 8 + m.severity;
  const sd = m.sd.length === 0 ? '-' : m.sd.map((e) => `[${e.id}${e.params.map(([k, v]) => ` ${k}="${escapeSdValue(v)}"`).join('')}]`).join('');
  const head = `<${pri}>1 ${m.time.toISOString()} ${headerField(m.hostname, 255)} ${headerField(m.appName, 48)} ${headerField(m.procId, 128)} ${headerField(m.msgId, 32)} ${sd}`;
  // One message, one line: a newline in a gateway's words must not forge a second syslog line.
  const text = cleanText(m.msg);
  if (text === '') return head;
  const room = maxBytes - Buffer.byteLength(head) - 1;
  const ascii = /^[\x00-\x7f]*$/.test(text);
  const msg = ascii ? cutUtf8(text, room) : BOM + cutUtf8(text, room - 3);
  return `${head} ${msg}`;
}

/** Octet-counting framing for TCP (RFC 6587 §3.4.1): `LEN SP MSG`. */
export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

const SEVERITY_OF: Record<DaemonEvent['type'], Severity> = {
  raised: 'err',
  cleared: 'notice',
  heartbeat: 'info',
  started: 'notice',
  stopped: 'notice',
};

export interface EventMessageOptions {
  facility: Facility;
  appName: string;
  hostname?: string;
}

/**
 * The syslog form of an event: MSGID is the event type, the facts are structured data. The
 * event has passed the output scrub (ReporterSet); nothing here adds a secret.
 */
export function eventToSyslog(e: DaemonEvent, opts: EventMessageOptions): SyslogMessage {
  const params: [string, string][] = [['event', e.type]];
  switch (e.type) {
    case 'raised':
      params.push(['check', e.check], ['status', e.status], ['code', e.code], ['runs', String(e.runs)]);
      if (e.previousCode) params.push(['previousCode', e.previousCode]);
      break;
    case 'cleared':
      params.push(['check', e.check], ['status', e.status], ['code', e.code], ['runs', String(e.runs)], ['since', e.since], ['reason', e.reason]);
      break;
    case 'heartbeat':
      params.push(['runs', String(e.runs)], ['raised', String(e.raised.length)], ['rssBytes', String(e.process.rssBytes)]);
      if (e.lastRunAt) params.push(['lastRunAt', e.lastRunAt]);
      break;
    case 'started':
      params.push(['schedule', e.schedule], ['splaySeconds', String(e.splaySeconds)], ['raised', String(e.raised.length)]);
      break;
    case 'stopped':
      params.push(['reason', e.reason], ['runs', String(e.runs)]);
      if (e.signal) params.push(['signal', e.signal]);
      break;
  }
  return {
    facility: FACILITIES[opts.facility],
    severity: SEVERITIES[SEVERITY_OF[e.type]],
    time: new Date(e.at),
    hostname: opts.hostname ?? hostname(),
    appName: opts.appName,
    procId: String(process.pid),
    msgId: e.type,
    sd: [
      { id: SD_ID, params },
      {
        id: 'origin',
        params: [
          ['software', 'portkey-doctor'],
          ['swVersion', VERSION],
        ],
      },
    ],
    msg: describeEvent(e),
  };
}
