/**
 * Network path: which road the app would take to the gateway — its own proxy settings
 * (`egressProxyPacUrl`, `egressProxyUrl`), else the OS proxy settings (PAC, manual, auto-detect),
 * else (Linux without desktop settings) the environment, else direct — decided once per run and
 * handed to every network and gateway probe, so they test that road (docs/network-path.md). What
 * the environment (HTTPS_PROXY, NO_PROXY) would choose is reported beside it: when it differs,
 * tools that follow it (Claude Code in a terminal) take another road than the app.
 */
import { fileURLToPath } from 'node:url';

import { appEgress } from '../app/egress-proxy.js';
import { type KnownLine, knownLines, lastSession, parseLogEntries } from '../app/app-log.js';
import { Secret } from '../core/secret.js';
import { renderUrl } from '../core/url-render.js';
import { type CheckContext, type CodeOf, type CodeTable, defineCheck, type Finding, findings, ok, problem, type Outcome } from '../contract/check.js';
import type { PacEvaluation } from '../contract/io.js';
import { gatewayUrl, bareHostname, defaultPort, probeTimeout } from '../gateway/endpoint.js';
import {
  describeDecision,
  envDiffers,
  environmentDecision,
  type NetworkPath,
  type PacEntry,
  pacPath,
  parsePacResult,
  planPath,
} from '../gateway/network-path.js';
import baseUrl from './base-url.js';

/** PAC text longer than this is refused (real ones are a few KB). */
const MAX_PAC_BYTES = 1024 * 1024;

const codes = {
  NETWORK_PATH_ENV_DIFFERS: {
    title:
      'The environment (HTTPS_PROXY/NO_PROXY) takes another road to the gateway than the app: tools that follow it (Claude Code in a terminal) may work where the app does not, or the reverse',
    fix: 'Make them agree: set HTTPS_PROXY/NO_PROXY to what the app uses (shown in the details), or give the app the proxy the environment names.',
  },
  APP_PROXY_SOCKS: {
    title: 'egressProxyUrl names a SOCKS proxy: the app accepts only http:// and https:// proxies',
    fix: 'Set egressProxyUrl to the http:// (or https://) address of the proxy, or remove it.',
  },
  APP_PROXY_CREDENTIALS: {
    title: 'egressProxyUrl carries credentials: the app does not accept credentials in the URL (it authenticates with the OS login)',
    fix: 'Remove the user and password from egressProxyUrl; have the proxy accept the OS login (Kerberos/NTLM) or allow the gateway host.',
  },
  APP_PROXY_INVALID: {
    title: 'egressProxyUrl (or egressProxyPacUrl) is not a usable URL',
    fix: 'Set egressProxyUrl to http://host:port (or https://), and egressProxyPacUrl to the http(s):// address of the PAC file.',
  },
  PAC_FETCH_FAILED: {
    title: 'The PAC file could not be fetched',
    fix: 'Check the PAC URL (open it in a browser on this machine); ask IT whether it moved.',
  },
  PAC_INVALID: {
    title: 'The PAC file is not valid JavaScript with a FindProxyForURL function',
    fix: 'Ask whoever publishes the PAC file to fix it (the error is in the details).',
  },
  PAC_THROWS: {
    title: 'The PAC file’s FindProxyForURL throws an error for the gateway URL',
    fix: 'Ask whoever publishes the PAC file to fix it (the error is in the details).',
  },
  PAC_TIMEOUT: {
    title: 'The PAC file’s FindProxyForURL never returned (an endless loop or a lookup that hangs): stopped at the deadline',
    fix: 'Ask whoever publishes the PAC file to fix it; until then the app cannot pick a proxy from it.',
  },
  PAC_TOO_MUCH_MEMORY: {
    title: 'The PAC file used more memory than the sandbox allows',
    fix: 'Ask whoever publishes the PAC file to fix it.',
  },
  PAC_BAD_RESULT: {
    title: 'The PAC file returned something that is not a proxy list (expected e.g. "PROXY host:port; DIRECT")',
    fix: 'Ask whoever publishes the PAC file to fix what FindProxyForURL returns for the gateway URL.',
  },
  NETWORK_PATH_SOCKS: {
    title: 'The path to the gateway goes through a SOCKS proxy, which the doctor does not probe',
    fix: 'Nothing to do if the app works; the doctor’s probes beyond this point were not run.',
  },
  OS_PROXY_AUTODETECT: {
    title: 'The OS is set to discover a proxy automatically (WPAD); the doctor cannot discover it the way the OS does and probed a direct connection',
    fix: 'If a proxy is required, ask IT for the PAC URL and set it (the OS’s automatic configuration, or egressProxyPacUrl), then run the doctor again.',
  },
  OS_PROXY_UNREADABLE: {
    title: 'The OS proxy settings could not be read; the path assumes none',
    fix: 'Run the doctor as the user who runs Claude Desktop; the details say what could not be read.',
  },
  NETWORK_PATH_APP_LOG_DIFFERS: {
    title: 'The running app’s log says it took another road than the settings now say (the app reads its proxy settings at launch)',
    fix: 'Quit and reopen Claude so it reads the current proxy settings, then run the doctor again.',
  },
} as const satisfies CodeTable;

type Code = CodeOf<typeof codes>;
type PathOutcome = Outcome<Code, NetworkPath>;

export default defineCheck({
  id: 'network-path',
  title: 'Network path',
  group: 'network',
  needs: [baseUrl],
  codes,
  async run(ctx): Promise<PathOutcome> {
    // A PAC file's evaluation must end before this check's own deadline, whatever loading the
    // sandbox cost (PAC_TIMEOUT, not the engine's CHECK_TIMEOUT).
    const endBy = Date.now() + ctx.timeoutMs - Math.min(500, Math.floor(ctx.timeoutMs * 0.15));
    const url = gatewayUrl(ctx);
    const app = appEgress(ctx.discovery);
    const os = await ctx.os.proxySettings();
    const plan = planPath({ url, app, os, env: ctx.env, platform: ctx.os.platform });
    const notes: Finding<Code>[] = [];
    const details: Record<string, unknown> = {};
    if (app.proxyUrl)
      details['egressProxyUrl'] = {
        value: typeof app.proxyUrl.value === 'string' ? renderUrl(app.proxyUrl.value) : typeof app.proxyUrl.value,
        from: app.proxyUrl.from,
      };
    if (app.pacUrl)
      details['egressProxyPacUrl'] = {
        value: typeof app.pacUrl.value === 'string' ? renderUrl(app.pacUrl.value) : typeof app.pacUrl.value,
        from: app.pacUrl.from,
      };
    details['os'] = osSummary(os);
    if (os.unreadable) notes.push(problem('warn', 'OS_PROXY_UNREADABLE', `OS proxy settings (${os.source}): ${os.unreadable}`));

    let path: NetworkPath;
    if (plan.kind === 'app-proxy-invalid') {
      const shown = plan.verdict.proxy?.display ?? '(not a URL)';
      const where = { details: { ...details, from: plan.from } };
      if (plan.verdict.problem === 'socks')
        return findings([problem('fail', 'APP_PROXY_SOCKS', `egressProxyUrl is ${shown}: SOCKS is not accepted by the app`, where)], ok(''));
      if (plan.verdict.problem === 'credentials') {
        return findings(
          [
            problem(
              'fail',
              'APP_PROXY_CREDENTIALS',
              `egressProxyUrl ${shown} carries a user and password; the app does not accept credentials in the URL`,
              where,
            ),
          ],
          ok(''),
        );
      }
      return findings([problem('fail', 'APP_PROXY_INVALID', `egressProxyUrl is not a usable http(s) proxy URL (${plan.verdict.problem})`, where)], ok(''));
    }
    if (plan.kind === 'app-pac-invalid') {
      return findings([problem('fail', 'APP_PROXY_INVALID', 'egressProxyPacUrl is not a string', { details: { ...details, from: plan.from } })], ok(''));
    }
    if (plan.kind === 'pac') {
      const decided = await followPac(ctx, plan.source, plan.pacUrl, plan.from, url, details, endBy);
      if ('outcome' in decided) return decided.outcome;
      path = decided.path;
    } else {
      path = plan.path;
    }

    if (path.proxy?.protocol.startsWith('socks')) {
      return findings([problem('skip', 'NETWORK_PATH_SOCKS', `the path goes through ${path.proxy.display} (${path.source}), a SOCKS proxy`)], ok(''));
    }
    if (path.source === 'os-autodetect') {
      notes.push(
        problem(
          'warn',
          'OS_PROXY_AUTODETECT',
          'the OS discovers its proxy automatically (WPAD): the doctor probes a direct connection, which may not be the app’s road',
        ),
      );
    }
    const chosen = path.proxy ? path.proxy.display : 'direct';
    const envText = describeDecision(path.env);
    Object.assign(details, {
      source: path.source,
      proxy: chosen,
      ...(path.bypass ? { bypass: path.bypass } : {}),
      ...(path.pacList ? { pacList: path.pacList } : {}),
      environment: envText,
      ...(path.env.proxied ? { environmentSource: path.env.proxy.source } : {}),
    });
    if (envDiffers(path)) {
      notes.push(
        problem(
          'warn',
          'NETWORK_PATH_ENV_DIFFERS',
          `the app goes ${chosen === 'direct' ? 'direct' : `through ${chosen}`} (${path.source}); the environment says ${envText}`,
          {
            details: { app: chosen, environment: envText },
          },
        ),
      );
    }
    const log = await appLogEvidence(ctx, path);
    if (log) {
      details['appLog'] = log.evidence;
      if (log.finding) notes.push(log.finding);
    }
    const how = path.proxy ? `through ${chosen}` : path.bypass ? `direct (${path.bypass} bypasses the proxy)` : 'direct';
    const summary = `${how} (${SOURCE_TEXT[path.source]}); environment: ${envText}`;
    return findings(
      notes.map((n) => ({ ...n, details: { ...details, ...n.details } })),
      ok(summary, details, path),
      path,
    );
  },
});

const SOURCE_TEXT: Record<NetworkPath['source'], string> = {
  'app-pac': 'the app’s egressProxyPacUrl',
  'app-url': 'the app’s egressProxyUrl',
  'os-pac': 'the OS automatic configuration (PAC)',
  'os-manual': 'the OS proxy settings',
  'os-autodetect': 'the OS auto-detect (WPAD), not followed',
  environment: 'the environment, as the app reads it on Linux without desktop proxy settings',
  direct: 'no proxy configured for the app',
};

function osSummary(os: Awaited<ReturnType<CheckContext['os']['proxySettings']>>): Record<string, unknown> {
  return {
    source: os.source,
    ...(os.httpsProxy ? { httpsProxy: renderUrl(os.httpsProxy) } : {}),
    ...(os.httpProxy ? { httpProxy: renderUrl(os.httpProxy) } : {}),
    ...(os.pacUrl ? { pacUrl: renderUrl(os.pacUrl) } : {}),
    ...(os.autoDetect !== undefined ? { autoDetect: os.autoDetect } : {}),
    ...(os.bypass.length ? { bypass: os.bypass.slice(0, 20) } : {}),
  };
}

/** Fetches and runs the PAC file, then follows its list as the app would: the first proxy that answers. */
async function followPac(
  ctx: CheckContext<typeof baseUrl>,
  source: 'app-pac' | 'os-pac',
  pacUrl: string,
  from: string,
  url: URL,
  details: Record<string, unknown>,
  endBy: number,
): Promise<{ path: NetworkPath } | { outcome: PathOutcome }> {
  const shown = renderUrl(pacUrl);
  const secrets = urlSecrets(pacUrl);
  details['pacUrl'] = shown;
  details['pacFrom'] = from;
  const stop = (code: Code, summary: string, extra: Record<string, unknown> = {}): { outcome: PathOutcome } => ({
    outcome: findings([problem('fail', code, summary, { details: { ...details, ...extra } })], ok('')),
  });
  const fetched = await fetchPac(ctx, pacUrl);
  if (!fetched.ok) return stop('PAC_FETCH_FAILED', `PAC file ${shown}: ${fetched.reason}`, fetched.extra);
  const evaluation: PacEvaluation = await ctx.net.evaluatePac(fetched.text, url.href, {
    timeoutMs: probeTimeout(ctx, 0.35),
    endBy,
    ...(ctx.options.dnsServers ? { servers: ctx.options.dnsServers } : {}),
  });
  details['pacMs'] = Math.round(evaluation.durationMs);
  if (!evaluation.ok) {
    const code: Code =
      evaluation.kind === 'pac-timeout'
        ? 'PAC_TIMEOUT'
        : evaluation.kind === 'pac-memory'
          ? 'PAC_TOO_MUCH_MEMORY'
          : evaluation.kind === 'pac-bad-result'
            ? 'PAC_BAD_RESULT'
            : evaluation.kind === 'pac-invalid'
              ? 'PAC_INVALID'
              : 'PAC_THROWS';
    return stop(code, `PAC file ${shown}: ${evaluation.message}`, { pacError: evaluation.message });
  }
  const parsed = parsePacResult(evaluation.result);
  details['pacResult'] = evaluation.result.slice(0, 300);
  if (parsed.entries.length === 0)
    return stop('PAC_BAD_RESULT', `PAC file ${shown} returned "${evaluation.result.slice(0, 80)}" for ${url.host}: no proxy or DIRECT in it`);
  const chosen = await firstThatAnswers(ctx, parsed.entries, url, details);
  secrets.length = 0; // held until the PAC file was followed; the registry keeps recent values strongly after
  return { path: pacPath(source, chosen, parsed.entries, environmentDecision(url, ctx.env)) };
}

/**
 * A PAC URL's password and query values (`?token=…`) are credentials: registered as Secrets before
 * the URL is fetched, so nothing that reflects them (an error, the PAC file's own answer) shows
 * them. Values under 8 characters are not (they would scrub common words from every output).
 */
function urlSecrets(raw: string): Secret[] {
  const out: Secret[] = [];
  try {
    const u = new URL(raw);
    const values = [u.password, ...u.searchParams.values()].flatMap((v) => {
      let decoded = v;
      try {
        decoded = decodeURIComponent(v);
      } catch {
        // as written
      }
      return decoded === v ? [v] : [v, decoded];
    });
    for (const v of values) if (v.length >= 8) out.push(new Secret(v));
  } catch {
    // not a URL: nothing to register
  }
  return out;
}

/** The PAC text: over http(s) directly (as Chromium fetches PAC files, never through a proxy), or a local file. */
async function fetchPac(
  ctx: CheckContext<typeof baseUrl>,
  pacUrl: string,
): Promise<{ ok: true; text: string } | { ok: false; reason: string; extra?: Record<string, unknown> }> {
  let u: URL;
  try {
    u = new URL(pacUrl);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (u.protocol === 'file:') {
    try {
      const text = await ctx.os.readFile(fileURLToPath(u));
      if (Buffer.byteLength(text) > MAX_PAC_BYTES) return { ok: false, reason: `larger than ${MAX_PAC_BYTES} bytes` };
      return { ok: true, text };
    } catch (err) {
      return { ok: false, reason: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, reason: `unsupported scheme ${u.protocol}` };
  const res = await ctx.net.httpRequest({
    url: u,
    proxy: 'none',
    env: ctx.env,
    timeoutMs: probeTimeout(ctx, 0.25),
    maxBodyBytes: MAX_PAC_BYTES,
    oversize: 'fail',
    signal: ctx.signal,
    headers: { 'user-agent': 'portkey-doctor (PAC fetch)' },
    ...(ctx.options.insecure ? { insecure: true } : {}),
  });
  if (!res.ok) return { ok: false, reason: res.failure.kind.replace(/-/g, ' '), extra: { pacFailure: res.failure.kind } };
  if (res.status !== 200) return { ok: false, reason: `HTTP ${res.status}`, extra: { pacStatus: res.status } };
  return { ok: true, text: res.body };
}

/**
 * Chromium tries a PAC list in order and moves on when a proxy does not answer. The doctor asks
 * each proxy for a tunnel to the gateway (a short bound each): the first that answers at all
 * (even 407) is the app's; `DIRECT` is taken as it comes. None answering: the first, so the
 * probes show its failure.
 */
async function firstThatAnswers(ctx: CheckContext<typeof baseUrl>, entries: PacEntry[], url: URL, details: Record<string, unknown>): Promise<PacEntry> {
  const first = entries[0]!;
  if (entries.length === 1) return first;
  const tried: Record<string, string>[] = [];
  details['pacTried'] = tried;
  const each = Math.min(3_000, probeTimeout(ctx, 0.25 / Math.max(1, entries.length - 1)));
  for (const entry of entries) {
    if (entry.kind === 'direct' || entry.kind === 'socks') return entry;
    if (entry.proxy.problem) {
      tried.push({ proxy: entry.text, result: entry.proxy.problem });
      continue;
    }
    const r = await ctx.net.proxyConnect(entry.proxy, bareHostname(url), defaultPort(url), {
      timeoutMs: each,
      signal: ctx.signal,
      ...(ctx.options.dnsServers ? { servers: ctx.options.dnsServers } : {}),
    });
    if (r.ok) {
      r.socket.destroy();
      tried.push({ proxy: entry.text, result: 'answers' });
      return entry;
    }
    tried.push({ proxy: entry.text, result: r.failure.kind });
    if (r.status !== undefined) return entry;
  }
  return first;
}

/** What the app's log says about its road: `[egress-proxy] pinned …` since its last start, or not. */
async function appLogEvidence(ctx: CheckContext<typeof baseUrl>, path: NetworkPath): Promise<{ evidence: string; finding?: Finding<Code> } | undefined> {
  const tail = await ctx.appLog.tail();
  if (tail.status !== 'found') return undefined;
  const session = lastSession(parseLogEntries(tail.lines));
  if (session.entries.length === 0) return undefined;
  const pinned: KnownLine | undefined = knownLines(session.entries).find((l) => l.kind === 'egress-proxy-pinned');
  const appPath = path.source === 'app-url' || path.source === 'app-pac';
  if (pinned && appPath) return { evidence: `the app logged at ${pinned.timeText}: "${pinned.quote}"` };
  if (pinned) {
    return {
      evidence: `the app logged at ${pinned.timeText}: "${pinned.quote}"`,
      finding: problem(
        'warn',
        'NETWORK_PATH_APP_LOG_DIFFERS',
        `the running app pinned its own proxy at ${pinned.timeText}, but the settings now set none (it follows ${path.source})`,
      ),
    };
  }
  if (appPath) {
    return {
      evidence: 'no [egress-proxy] pinned line since the app started',
      finding: problem(
        'warn',
        'NETWORK_PATH_APP_LOG_DIFFERS',
        'the settings set the app’s own proxy, but the running app did not log "[egress-proxy] pinned" since it started: it may still use the OS settings',
      ),
    };
  }
  return { evidence: 'no [egress-proxy] pinned line since the app started: the app follows the OS settings' };
}
