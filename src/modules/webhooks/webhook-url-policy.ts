/**
 * Which webhook URLs Quorum will call. Only https, unless `allowHttp`; never an address that is
 * private, loopback, link-local, unspecified or multicast (Quorum must not become a way into its
 * own network, SSRF), unless the host or address is on the configured allow-list. Checked when
 * an endpoint is registered and again on every send against the address actually connected to,
 * so DNS that changes after registration (rebinding) cannot get around it.
 */
import { isIP } from 'node:net';

/** The configuration the policy reads. */
export interface WebhookUrlPolicyConfig {
  readonly allowHttp: boolean;
  /** Host names or IP addresses exempt from the address rule (tests: 127.0.0.1). */
  readonly allowedHosts: readonly string[];
}

/** Why a URL is refused; null when it is fine. */
export function urlProblem(url: string, config: WebhookUrlPolicyConfig): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.protocol !== 'https:' && !(config.allowHttp && parsed.protocol === 'http:')) {
    return config.allowHttp ? 'only http and https URLs' : 'only https URLs';
  }
  if (parsed.username || parsed.password) return 'no credentials in the URL';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isHostAllowed(host, config) && isPrivateAddress(host)) {
    return `${host} is a private or loopback address`;
  }
  if (/^localhost$|\.localhost$|\.internal$|\.local$/i.test(host) && !isHostAllowed(host, config)) {
    return `${host} is a local host name`;
  }
  return null;
}

/** Whether `host` (a name or an address) is on the allow-list. */
export function isHostAllowed(host: string, config: WebhookUrlPolicyConfig): boolean {
  return config.allowedHosts.some(allowed => allowed.toLowerCase() === host.toLowerCase());
}

function ipv4Parts(address: string): number[] | null {
  const parts = address.split('.').map(Number);
  return parts.length === 4 && parts.every(n => Number.isInteger(n) && n >= 0 && n <= 255)
    ? parts
    : null;
}

/** Whether an IPv4 or IPv6 address is not a public unicast one. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const v4 = ipv4Parts(mapped ?? address);
  if (v4) {
    const [a, b] = v4;
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  const lower = address.toLowerCase();
  return (
    lower === '::' ||
    lower === '::1' ||
    /^f[cd]/.test(lower) ||
    /^fe[89ab]/.test(lower) ||
    /^ff/.test(lower)
  );
}
