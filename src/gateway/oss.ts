/**
 * The open-source Portkey gateway as it really answers. What 1.15.2 answers on each endpoint,
 * and why, is recorded in docs/decisions.md ("Real gateways").
 */

/** What `GET /` of the open-source gateway answers (it has no `/v1/health`). */
export const OSS_GREETING = 'AI Gateway says hey!';

/**
 * The open-source gateway 1.15.2 on Node 20 crashing on a passthrough route (`count_tokens`,
 * `GET /v1/models`) after the provider answered 2xx: it appends its `x-portkey-*` headers to the
 * provider's own response, whose headers Node's fetch made immutable (`TypeError: immutable`),
 * and answers 500 marked `x-portkey-gateway-exception`, with none of its routing headers. A
 * provider's error passes through with them (`x-portkey-provider`), and so does an unreachable
 * provider's 500 (`fetch failed`): those stay real failures.
 */
export function isOssPassthroughCrash(status: number, headers: Record<string, string>): boolean {
  return status === 500 && headers['x-portkey-gateway-exception'] === 'true' && !headers['x-portkey-provider'];
}
