/**
 * A throw-away PKI for TLS tests, made with the openssl CLI into a temp dir at test time
 * (nothing is checked in, nothing outlives the process). EC P-256 keys: fast to generate.
 *
 * - `root` (Doctor Test Root CA) issues `leaf` (localhost, 127.0.0.1, ::1), `expired`
 *   (validity in 2020), `wrongHost` (wrong.example only) and `intermediate`, which issues
 *   `leafViaIntermediate`.
 * - `selfSigned`: a leaf that is its own issuer.
 * - `corpRoot` (Corp Inspection Root, a second private root) issues `intercepted`, a leaf for
 *   the public-looking `api.portkey.ai`: what a TLS-inspecting proxy presents. Node trusts
 *   neither root, so "interception" is detectable as "root not in tls.rootCertificates".
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { onExit } from './exit.js';

const run = promisify(execFile);

/** A certificate and its key (PEM). `chain` is what a server should send: leaf + intermediates (+ root when it sends one). */
export interface KeyPair {
  cert: string;
  key: string;
  chain: string;
}

export interface TestPki {
  dir: string;
  root: KeyPair;
  leaf: KeyPair;
  selfSigned: KeyPair;
  expired: KeyPair;
  wrongHost: KeyPair;
  intermediate: KeyPair;
  leafViaIntermediate: KeyPair;
  corpRoot: KeyPair;
  /** Leaf for api.portkey.ai by Corp Inspection Root; `chain` includes the corp root, as inspecting proxies send it. */
  intercepted: KeyPair;
  cleanup(): void;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

async function openssl(dir: string, args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

function read(dir: string, name: string): string {
  return readFileSync(join(dir, name), 'utf8');
}

async function makeRoot(dir: string, name: string, subject: string): Promise<KeyPair> {
  await openssl(dir, [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '30',
    '-subj',
    subject,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const cert = read(dir, `${name}.pem`);
  return { cert, key: read(dir, `${name}.key`), chain: cert };
}

async function makeIssued(
  dir: string,
  name: string,
  subject: string,
  issuer: string,
  ext: string,
  extra: { days?: number; chainWith?: string[] } = {},
): Promise<KeyPair> {
  writeFileSync(join(dir, `${name}.ext`), `[ext]\n${ext}\n`);
  await openssl(dir, ['req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${issuer}.pem`,
    '-CAkey',
    `${issuer}.key`,
    '-set_serial',
    `0x${Math.floor(Math.random() * 2 ** 40).toString(16)}`,
    '-days',
    String(extra.days ?? 30),
    '-out',
    `${name}.pem`,
    '-extfile',
    `${name}.ext`,
    '-extensions',
    'ext',
    '-sha256',
  ]);
  const cert = read(dir, `${name}.pem`);
  return { cert, key: read(dir, `${name}.key`), chain: [cert, ...(extra.chainWith ?? [])].join('') };
}

/** `x509 -req` in OpenSSL 3.0 cannot back-date; `openssl ca` can, with a minimal CA database. */
async function makeExpired(dir: string, name: string, issuer: string, ext: string): Promise<KeyPair> {
  mkdirSync(join(dir, 'newcerts'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = d',
      '[d]',
      'database = index.txt',
      'new_certs_dir = newcerts',
      'serial = serial',
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '[ext]',
      ext,
      '',
    ].join('\n'),
  );
  await openssl(dir, ['req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost']);
  await openssl(dir, [
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    `${issuer}.pem`,
    '-keyfile',
    `${issuer}.key`,
    '-in',
    `${name}.csr`,
    '-out',
    `${name}.pem`,
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200201000000Z',
    '-extensions',
    'ext',
    '-notext',
  ]);
  const cert = read(dir, `${name}.pem`);
  return { cert, key: read(dir, `${name}.key`), chain: cert };
}

const LEAF_EXT = (san: string): string =>
  [`subjectAltName=${san}`, 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth'].join('\n');
const LOCAL_SAN = 'DNS:localhost,IP:127.0.0.1,IP:::1';

let shared: Promise<TestPki> | undefined;

/** Generates the PKI (once per process; every test file runs in its own process). */
export function testPki(): Promise<TestPki> {
  shared ??= generate();
  return shared;
}

async function generate(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-pki-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  onExit(cleanup);
  const root = await makeRoot(dir, 'root', '/O=Portkey Doctor Tests/CN=Doctor Test Root CA');
  const corpRoot = await makeRoot(dir, 'corp-root', '/O=Corp/CN=Corp Inspection Root');
  const [leaf, wrongHost, intermediate, expired, intercepted] = await Promise.all([
    makeIssued(dir, 'leaf', '/CN=localhost', 'root', LEAF_EXT(LOCAL_SAN)),
    makeIssued(dir, 'wrong-host', '/CN=wrong.example', 'root', LEAF_EXT('DNS:wrong.example')),
    makeIssued(
      dir,
      'intermediate',
      '/O=Portkey Doctor Tests/CN=Doctor Test Intermediate CA',
      'root',
      'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign',
    ),
    makeExpired(dir, 'expired', 'root', LEAF_EXT(LOCAL_SAN)),
    makeIssued(dir, 'intercepted', '/CN=api.portkey.ai', 'corp-root', LEAF_EXT('DNS:api.portkey.ai'), { chainWith: [corpRoot.cert] }),
  ]);
  const leafViaIntermediate = await makeIssued(dir, 'leaf-int', '/CN=localhost', 'intermediate', LEAF_EXT(LOCAL_SAN), { chainWith: [intermediate.cert] });
  await openssl(dir, [
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'self.key',
    '-out',
    'self.pem',
    '-days',
    '30',
    '-subj',
    '/CN=localhost',
    '-addext',
    `subjectAltName=${LOCAL_SAN}`,
    '-addext',
    'basicConstraints=critical,CA:FALSE',
  ]);
  const selfCert = read(dir, 'self.pem');
  const selfSigned = { cert: selfCert, key: read(dir, 'self.key'), chain: selfCert };
  return { dir, root, leaf, selfSigned, expired, wrongHost, intermediate, leafViaIntermediate, corpRoot, intercepted, cleanup };
}
