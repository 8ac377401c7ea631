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

/** An IPv4 address as a 32-bit number. */
function ipv4Value(parts: readonly number[]): number {
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function isPrivateIpv4([a, b]: readonly number[]): boolean {
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

/**
 * The eight 16-bit groups of an IPv6 address in any textual form (`::` compression, a dotted
 * IPv4 tail, a zone), or null when it is not one.
 */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (tail) {
    const v4 = ipv4Parts(tail);
    if (!v4) return null;
    const value = ipv4Value(v4);
    text = `${text.slice(0, -tail.length)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (half: string) => (half === '' ? [] : half.split(':'));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!groups.every(group => /^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.map(group => parseInt(group, 16));
}

/** The IPv4 address held in groups `g[i]`, `g[i + 1]`. */
const embeddedIpv4 = (g: readonly number[], i: number) => [
  g[i] >> 8,
  g[i] & 0xff,
  g[i + 1] >> 8,
  g[i + 1] & 0xff,
];

/**
 * Whether an IPv4 or IPv6 address is not a public unicast one. IPv6 is read in every textual
 * form (URL parsing writes `[::ffff:127.0.0.1]` as `[::ffff:7f00:1]`), and the forms that carry
 * an IPv4 address (mapped, compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by it, so a
 * private IPv4 address cannot be reached through its IPv6 spelling.
 */
export function isPrivateAddress(address: string): boolean {
  const v4 = ipv4Parts(address);
  if (v4) return isPrivateIpv4(v4);
  const g = ipv6Groups(address);
  // Not an address we can read: refused rather than guessed at.
  if (!g) return true;
  const zeros = (from: number, to: number) => g.slice(from, to).every(group => group === 0);
  if (zeros(0, 8) || (zeros(0, 7) && g[7] === 1)) return true; // :: and ::1
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return isPrivateIpv4(embeddedIpv4(g, 6));
  if (g[0] === 0x64 && g[1] === 0xff9b) {
    // NAT64: the well-known prefix reaches the IPv4 address it holds; local-use ones are private.
    return zeros(2, 6) ? isPrivateIpv4(embeddedIpv4(g, 6)) : true;
  }
  if (g[0] === 0x2002) return isPrivateIpv4(embeddedIpv4(g, 1));
  return (
    (g[0] & 0xfe00) === 0xfc00 || // fc00::/7 unique local
    (g[0] & 0xffc0) === 0xfe80 || // fe80::/10 link-local
    (g[0] & 0xffc0) === 0xfec0 || // fec0::/10 site-local (deprecated)
    (g[0] & 0xff00) === 0xff00 || // ff00::/8 multicast
    (g[0] === 0x100 && zeros(1, 4)) || // 100::/64 discard
    (g[0] === 0x2001 && g[1] === 0xdb8) // documentation
  );
}
