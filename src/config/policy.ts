/** The IT policy file: what the organisation expects of every machine's setup. */

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
  daemon?: import('../daemon/config.js').DaemonPolicy;
  latency?: {
    /** p95 total time above which latency is a warning. */
    warnMs?: number;
    /** p95 total time above which latency is a failure. */
    failMs?: number;
    /** Samples to take. */
    samples?: number;
  };
}
