/**
 * The bucket a client address counts in for new identities. IPv4: the address. IPv6: its /64, since
 * one subscriber usually holds a whole /64 and could otherwise take a new address per request.
 * Cloudflare always sets CF-Connecting-IP; without it (local dev, tests) everyone is one client, "local".
 */
export function addressBucket(connectingIp: string | undefined): string {
  const ip = connectingIp?.trim();
  if (!ip) return "local";
  if (!ip.includes(":")) return `v4:${ip}`;
  const groups = expandIpv6(ip);
  return groups ? `v6:${groups.slice(0, 4).join(":")}::/64` : `raw:${ip.slice(0, 64)}`;
}

/**
 * The wider bucket an IPv6 client also counts in: its /48, a whole site's allocation, which one
 * subscriber can get for little and fill with /64s. Null for IPv4 and for "local" (no wider bucket).
 */
export function addressBlock(connectingIp: string | undefined): string | null {
  const ip = connectingIp?.trim();
  if (!ip?.includes(":")) return null;
  const groups = expandIpv6(ip);
  return groups ? `v6:${groups.slice(0, 3).join(":")}::/48` : null;
}

/** Eight 4-digit lowercase groups, or null when it is not an IPv6 address. An embedded IPv4 tail is converted. */
export function expandIpv6(ip: string): string[] | null {
  let text = ip.toLowerCase().replace(/%.*$/, "");
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    if ([a, b, c, d].some((n) => n > 255)) return null;
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.padStart(4, "0"));
}
