/** Help text, kept apart so `--help` loads nothing else. */
export const HELP = `portkey-doctor — find out why Claude Desktop's requests do not reach your Portkey gateway

Usage:
  portkey-doctor [doctor] [options]   run every check once and print a diagnosis (default)
  portkey-doctor report [--output FILE|-] [--format json|markdown] [--include-personal] [options]
                                      write a redacted report for a support ticket (mode 0600;
                                      default file: portkey-doctor-report-<YYYY-MM-DD-HHMM>.md)
  portkey-doctor fix [--yes|--dry-run|--json|--undo]
                                      repair the settings files (diff, backup, atomic write;
                                      portkey-doctor fix --help)
  portkey-doctor key set|status|delete  keep the doctor's own probe key in the OS keychain
                                      (portkey-doctor key --help)
  portkey-doctor daemon | agent …     watch continuously; install as a service (below)
  portkey-doctor --version | --help

Where the settings come from:
  --claude-dir DIR        the Claude-3p folder to read (default: the app's own, per OS)
  --managed FILE          a managed-settings plist to read instead of the OS location
  --policy FILE           the IT policy file (default: PORTKEY_DOCTOR_POLICY, then the
                          system-wide location, e.g. /etc/portkey-doctor/policy.json)
  --no-policy             ignore any policy file

Claude Desktop itself (env PORTKEY_DOCTOR_APP, PORTKEY_DOCTOR_CLAUDE_DATA_DIR, PORTKEY_DOCTOR_APP_PROCESS):
  --app PATH              the app bundle / Claude.exe to inspect (default: the usual places)
  --claude-data-dir DIR   the Claude folder that holds developer_settings.json
  --app-process NAME      the process name of the app's main process
  --keychain-service NAME, --keychain-account NAME
                          where the doctor's probe key is kept (default portkey-doctor / probe-key;
                          env PORTKEY_DOCTOR_KEYCHAIN_SERVICE, PORTKEY_DOCTOR_KEYCHAIN_ACCOUNT)

Override or supply the gateway (also for probing without Claude Desktop):
  --base-url URL          gateway base URL          (env PORTKEY_DOCTOR_BASE_URL)
  --auth-scheme SCHEME    bearer | x-api-key        (env PORTKEY_DOCTOR_AUTH_SCHEME)
  --api-key-env NAME      read the API key from environment variable NAME
                          (default variable: PORTKEY_DOCTOR_API_KEY)
  --api-key-file FILE     read the API key from FILE (first line)
                          (when no key is given or set, the doctor's keychain key is used)
  --use-credential-helper run the credential helper the settings name and probe
                          with the key it prints (never run without this flag)
  --header "Name: value"  an extra header; repeat for more (overrides one of the same name)
  The key is never accepted as a command-line value: it would be visible to every process.

Network and gateway probes:
  --live                  also send one real, tiny, streamed POST /v1/messages (costs tokens)
  --samples N             latency samples (default 5; the policy's latency.samples wins)
  --insecure              accept untrusted certificates (every report then says so)
  --dns-server IP[:PORT]  resolve through this DNS server instead of the system's (repeatable)
  Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY. Extra CAs: NODE_EXTRA_CA_CERTS, policy caFile.

Which checks:
  --offline               settings and app checks only: nothing goes on the network (the
                          report says the network and gateway were not checked)
  --only LIST             only these groups (settings, app, network, gateway) or check ids,
                          plus the checks they need (with --offline: settings and app ones)

Output:
  --json                  print only the JSON report on stdout (schema/report.schema.json)
  -v, --verbose           show details and timings under every check
  --no-color              no colour (also NO_COLOR=1); colour is only used on a terminal

Extending:
  --plugin FILE           load extra checks from an ES module (default export: a check
                          or an array of checks; see docs/checks.md); repeatable

Time:
  --timeout SECONDS       deadline of the whole run (default 30)
  --check-timeout SECONDS deadline of each check (default 10)

Daemon (watch continuously, report changes):
  portkey-doctor daemon [options]      run the checks on a schedule; report raised/cleared problems
  --schedule CRON         5 fields, or 6 with seconds first (default "*/5 * * * *")
  --splay SECONDS         delay of each scheduled run (default: per machine, within the interval)
  --raise-after N         bad runs in a row before a problem is raised (default 2)
  --clear-after N         good runs in a row before it is cleared (default 2)
  --heartbeat MINUTES     heartbeat every N minutes, 0 = off (default 60)
  --state-dir DIR         state and run history (default per OS, e.g. ~/.local/state/portkey-doctor)
  --history-max N         runs kept in the history (default 1000)
  --console               events on stdout (default when no other reporter is set)
  --json-file PATH        latest report (atomic, mode 0600) + events in PATH with .jsonl
  --syslog URL            udp://HOST[:PORT] | tcp://HOST[:PORT] | unix:///dev/log; repeatable
  --syslog-facility NAME  default user          --app-name NAME   default portkey-doctor
  --log-level LEVEL       JSON log on stderr: trace|debug|info|warn|error|fatal|silent (default info,
                          or PORTKEY_DOCTOR_LOG_LEVEL)
  --max-runs N            stop after N runs
  The doctor options apply to every run, except --json and --live.
  SIGHUP re-reads settings and policy; SIGTERM/SIGINT stop within 5 s with exit 0.

Service:
  portkey-doctor agent install|uninstall|status [--system] [--dry-run] [-- DAEMON OPTIONS]
                          macOS LaunchAgent / Linux systemd user unit; --system: hardened
                          gateway-only system unit (Linux, root). status exits 3 when not running.

Exit codes:
  0  nothing failed (warnings allowed)
  1  a check failed or errored
  2  the doctor itself could not run (bad flags, unreadable policy or key file; key/agent:
     keychain unavailable, systemd user manager unreachable)
  3  agent status: the agent is not running

Each command has its own help: portkey-doctor report|daemon|agent|key --help.
`;

/** `portkey-doctor report --help`. */
export const REPORT_HELP = `portkey-doctor report — a redacted report for a support ticket

Usage:
  portkey-doctor report [--output FILE | -] [--format markdown|json] [--include-personal] [doctor options]

  Runs every check once and writes the report to portkey-doctor-report-<YYYY-MM-DD-HHMM>.md in
  the current folder (mode 0600); a report from the same minute is never overwritten (-2, -3, …
  is added to the name).

  -o, --output FILE       write here instead (a name ending in .json picks JSON); - prints it
  --format FORMAT         markdown (default) or json; --json is the same as --format json
  --include-personal      keep the home folder, user name and e-mail addresses (masked by default)

  Every doctor option works here too (--offline, --only, --live, --base-url, …): portkey-doctor --help.
  Exit codes: 0 nothing failed, 1 a check failed, 2 the report could not be made.
`;

/** `portkey-doctor daemon --help`. */
export const DAEMON_HELP = `portkey-doctor daemon — watch continuously and report changes

Usage:
  portkey-doctor daemon [daemon options] [doctor options]

  --schedule CRON         5 fields, or 6 with seconds first (default "*/5 * * * *")
  --splay SECONDS         delay of each scheduled run (default: per machine, within the interval)
  --raise-after N         bad runs in a row before a problem is raised (default 2)
  --clear-after N         good runs in a row before it is cleared (default 2)
  --heartbeat MINUTES     heartbeat every N minutes, 0 = off (default 60)
  --state-dir DIR         state and run history (default per OS)
  --history-max N         runs kept in the history (default 1000)
  --console               one line per event on stdout (default when no other reporter is set)
  --json-file PATH        latest report (atomic, mode 0600) + events in PATH with .jsonl
  --syslog URL            udp://HOST[:PORT] | tcp://HOST[:PORT] | unix:///dev/log; repeatable
  --syslog-facility NAME, --app-name NAME
  --log-level LEVEL       the JSON log on stderr (trace … silent; env PORTKEY_DOCTOR_LOG_LEVEL). On a
                          terminal with --console it is off unless this is given (warn and above
                          still shown); under a service manager it is info.
  --max-runs N            stop after N runs
  -v, --verbose           one console line per run too

  The doctor options (portkey-doctor --help) apply to every run, except --json and --live.
  SIGHUP re-reads settings and policy; SIGTERM/SIGINT stop within 5 s with exit 0.
`;

/** `portkey-doctor agent --help`. */
export const AGENT_HELP = `portkey-doctor agent — run the daemon as a service

Usage:
  portkey-doctor agent install [--system] [--dry-run] [-- DAEMON OPTIONS]
  portkey-doctor agent uninstall [--system] [--dry-run]
  portkey-doctor agent status [--system]

  install                 macOS: a LaunchAgent; Linux: a systemd user unit (needs a login with a
                          running systemd user manager); writes the file and starts it
  --system                Linux, as root: the hardened gateway-only system unit instead
  --dry-run               show the file and the commands; change nothing
  -- DAEMON OPTIONS       passed to the daemon (portkey-doctor daemon --help)

  Exit codes: 0 done / running, 1 a step failed, 2 bad usage, 3 (status) not running.
`;
