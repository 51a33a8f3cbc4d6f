/**
 * A tiny DNS server on 127.0.0.1 (UDP) for resolver tests: answers A/AAAA from a table,
 * NXDOMAIN for unknown names, or behaves as told (`servfail`, `silent` = never answers).
 * Real resolver conditions (not-found, timeout, server failure) without touching the system
 * resolver or any non-loopback address.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';

import { onExit } from './exit.js';

export type DnsMode = 'answer' | 'servfail' | 'silent';

export interface TestDns {
  /** `127.0.0.1:<port>` for `Resolver.setServers`. */
  server: string;
  port: number;
  /** Names asked, in order. */
  readonly queries: string[];
  setMode(mode: DnsMode): void;
  close(): Promise<void>;
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (i < msg.length) {
    const len = msg[i] ?? 0;
    if (len === 0) return { name: labels.join('.'), end: i + 1 };
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  return { name: labels.join('.'), end: i };
}

function ipv6Bytes(addr: string): Buffer {
  const [head = '', tail = ''] = addr.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = addr.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, idx) => out.writeUInt16BE(Number.parseInt(g || '0', 16), idx * 2));
  return out;
}

/** Starts the server. `records` maps lower-case names to addresses (v4 and/or v6). */
export function startTestDns(records: Record<string, string[]> = {}, mode: DnsMode = 'answer'): Promise<TestDns> {
  const socket = createSocket('udp4');
  const queries: string[] = [];
  let current = mode;
  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    if (msg.length < 12) return;
    const { name, end } = readName(msg, 12);
    const qtype = msg.readUInt16BE(end);
    queries.push(name);
    if (current === 'silent') return;
    const question = msg.subarray(12, end + 4);
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2); // id
    const rd = (msg[2] ?? 0) & 0x01;
    const known = records[name.toLowerCase()];
    let rcode = 0;
    if (current === 'servfail') rcode = 2;
    else if (!known) rcode = 3; // NXDOMAIN
    const answers: Buffer[] = [];
    if (rcode === 0 && known) {
      for (const addr of known) {
        const v4 = qtype === 1 && isIPv4(addr);
        const v6 = qtype === 28 && isIPv6(addr);
        if (!v4 && !v6) continue;
        const rdata = v4 ? Buffer.from(addr.split('.').map(Number)) : ipv6Bytes(addr);
        const rr = Buffer.alloc(12);
        rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
        rr.writeUInt16BE(qtype, 2);
        rr.writeUInt16BE(1, 4); // IN
        rr.writeUInt32BE(60, 6);
        rr.writeUInt16BE(rdata.length, 10);
        answers.push(Buffer.concat([rr, rdata]));
      }
    }
    header[2] = 0x80 | rd; // QR, RD echoed
    header[3] = 0x80 | rcode; // RA, rcode
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(Buffer.concat([header, question, ...answers]), rinfo.port, rinfo.address);
  });
  const unhook = onExit(() => socket.close());
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const port = socket.address().port;
      let closing: Promise<void> | undefined;
      resolve({
        server: `127.0.0.1:${port}`,
        port,
        queries,
        setMode(m: DnsMode) {
          current = m;
        },
        close(): Promise<void> {
          closing ??= new Promise<void>((done) => {
            unhook();
            socket.close(() => done());
          });
          return closing;
        },
      });
    });
  });
}
