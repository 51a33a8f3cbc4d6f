/** Help text, kept apart so `--help` loads nothing else. */
export const HELP = `portkey-doctor — find out why Claude Desktop's requests do not reach your Portkey gateway

Usage:
  portkey-doctor [doctor] [options]   run every check once and print a diagnosis (default)
  portkey-doctor report [--output FILE|-] [--format json|markdown] [--include-personal] [options]
                                      write a redacted report for a support ticket (mode 0600;
                                      default file: portkey-doctor-report-<date>.md)
  portkey-doctor --version | --help

Where the settings come from:
  --claude-dir DIR        the Claude-3p folder to read (default: the app's own, per OS)
  --managed FILE          a managed-settings plist to read instead of the OS location
  --policy FILE           the IT policy file (default: PORTKEY_DOCTOR_POLICY, then the
                          system-wide location, e.g. /etc/portkey-doctor/policy.json)
  --no-policy             ignore any policy file

Override or supply the gateway (also for probing without Claude Desktop):
  --base-url URL          gateway base URL          (env PORTKEY_DOCTOR_BASE_URL)
  --auth-scheme SCHEME    bearer | x-api-key        (env PORTKEY_DOCTOR_AUTH_SCHEME)
  --api-key-env NAME      read the API key from environment variable NAME
                          (default variable: PORTKEY_DOCTOR_API_KEY)
  --api-key-file FILE     read the API key from FILE (first line)
  --header "Name: value"  an extra header; repeat for more (overrides one of the same name)
  The key is never accepted as a command-line value: it would be visible to every process.

Network and gateway probes:
  --live                  also send one real, tiny, streamed POST /v1/messages (costs tokens)
  --samples N             latency samples (default 5; the policy's latency.samples wins)
  --insecure              accept untrusted certificates (every report then says so)
  --dns-server IP[:PORT]  resolve through this DNS server instead of the system's (repeatable)
  Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY. Extra CAs: NODE_EXTRA_CA_CERTS, policy caFile.

Which checks:
  --offline               settings and app checks only: nothing goes on the network
  --only LIST             only these groups (settings, app, network, gateway) or check ids,
                          plus the checks they need

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

Exit codes:
  0  nothing failed (warnings allowed)
  1  a check failed or errored
  2  the doctor itself could not run (bad flags, unreadable policy or key file)
`;
