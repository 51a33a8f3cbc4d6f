/**
 * The IT policy file: what the organisation expects of every machine's setup. Its shape is
 * schema/policy.schema.json; src/config/policy-load.ts is the one place that validates a policy
 * file, its `daemon` section included: whoever gets a Policy gets valid values.
 */
import type { LogLevel } from '../core/log.js';
import type { Facility } from './syslog-target.js';

export interface Policy {
  /** The file it was read from. */
  source: string;
  gateway?: {
    /** Base URLs the settings may use (compared after removing one trailing slash). */
    allowedBaseUrls?: string[];
    /** PEM file of extra CA certificates to trust (a corporate root). */
    caFile?: string;
  };
  metadata?: {
    /** Keys `x-portkey-metadata` must carry (case-sensitive, as Portkey treats them). */
    requiredKeys?: string[];
    /** For some keys, the values allowed. */
    allowedValues?: Record<string, string[]>;
  };
  routing?: {
    /** Provider slugs expected to answer (`x-portkey-provider`). */
    expectedProviders?: string[];
    /** Models expected to answer / to be in the catalog. */
    expectedModels?: string[];
  };
  /** Settings of `portkey-doctor daemon` (flags win over these). */
  daemon?: DaemonPolicy;
  latency?: {
    /** p95 total time above which latency is a warning. */
    warnMs?: number;
    /** p95 total time above which latency is a failure. */
    failMs?: number;
    /** Samples to take. */
    samples?: number;
  };
}

/** The policy file's `daemon` section (schema/policy.schema.json, property `daemon`), validated. */
export interface DaemonPolicy {
  /** A cron expression the daemon can use (checked, trimmed). */
  schedule?: string;
  splaySeconds?: number;
  raiseAfter?: number;
  clearAfter?: number;
  heartbeatMinutes?: number;
  historyMax?: number;
  console?: boolean;
  /** An absolute path, or one starting with `~/` (the user's home folder). */
  jsonFile?: string;
  /** Syslog URLs (src/config/syslog-target.ts `parseSyslogUrl` accepts each). */
  syslog?: string | string[];
  syslogFacility?: Facility;
  appName?: string;
  logLevel?: LogLevel;
}
