import ipaddr from "ipaddr.js";
import { AppError } from "../../contract/errors";

/**
 * The one rule for every address this Worker fetches on someone's behalf (read_web_page, connectors):
 * public http(s) only.
 *
 * Covered here: the URL as written. Only http: and https:, no user name or password in it, and a
 * host that is neither a special-use IP address (loopback, RFC 1918 private, link-local with the
 * cloud metadata endpoints, CGNAT 100.64/10, 0.0.0.0/8, unique-local fc00::/7, multicast, reserved,
 * documentation, benchmarking; IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 addresses are judged
 * by the IPv4 address inside or refused) nor a name that only means something on a private network
 * (localhost and *.localhost, cloud metadata names, single-label names, .local, .internal,
 * .home.arpa, .lan). Decimal, octal and hex IPv4 forms (`http://2130706433/`, `http://0x7f.1/`) are
 * normalised to dotted quads by the WHATWG URL parser first, and parsed by ipaddr.js again should a
 * form slip through. Any port is fine.
 *
 * Not covered: what a public name resolves to. The platform resolves names inside fetch() and this
 * Worker never sees the address, so a public name pointing at 127.0.0.1 (or re-pointed between a
 * check and the fetch) is not caught here. Deployed, that does not matter: fetch() from a Cloudflare
 * Worker cannot reach Cloudflare's own private networks or the machine it runs on. Under `npm run
 * dev` (workerd on a developer's machine) it can, which is why development turns the private
 * refusal off knowingly (ALLOW_PRIVATE_OUTBOUND) rather than pretending the rule is airtight there.
 *
 * ALLOW_PRIVATE_OUTBOUND="true" (dev and the test stacks; "false" in wrangler.jsonc) lifts the
 * refusal of loopback, private, unique-local and CGNAT addresses and of local names, so tests can
 * serve pages and MCP servers on 127.0.0.1. It never lifts the scheme, credential, metadata or
 * link-local refusals: no test needs those.
 */

export interface OutboundPolicy {
  allowPrivate: boolean;
}

export function outboundPolicy(env: { ALLOW_PRIVATE_OUTBOUND?: string }): OutboundPolicy {
  return { allowPrivate: env.ALLOW_PRIVATE_OUTBOUND?.trim().toLowerCase() === "true" };
}

/** Cloud metadata services, by name: refused whatever the setting says. */
const METADATA_NAMES = new Set([
  "metadata",
  "metadata.google.internal",
  "metadata.goog",
  "instance-data",
  "instance-data.ec2.internal",
  "metadata.azure.internal",
]);

/** Special-use suffixes (RFC 6761, 6762, 8375; ICANN's .internal): names only a private network resolves. */
const LOCAL_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".lan", ".localdomain"];

/** Address ranges a dev/test stack may reach when ALLOW_PRIVATE_OUTBOUND is on. */
const PRIVATE_RANGES = new Set(["loopback", "private", "uniqueLocal", "carrierGradeNat"]);

/** Cloud metadata addresses outside link-local: refused whatever the setting says. */
const METADATA_ADDRESSES = ["fd00:ec2::254", "100.100.100.200"].map((a) => ipaddr.parse(a).toNormalizedString());

/**
 * The URL to fetch, or an AppError saying in words why not. Returns a parsed copy: fetch that, not
 * the string, so what was checked is what is fetched.
 */
export function checkOutboundUrl(input: string | URL, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw refused(`"${String(input).slice(0, 100)}" is not a web address. Send a full address starting with https://.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refused(`Only http and https addresses can be fetched, not ${url.protocol.replace(/:$/, "")}.`);
  }
  if (url.username || url.password) throw refused("Addresses with a user name or password in them are not fetched.");
  const host = url.hostname.replace(/\.$/, "").toLowerCase();
  if (!host) throw refused("The address has no host name.");
  const ip = parseIp(host);
  if (ip) checkAddress(ip, policy);
  else checkName(host, policy);
  return url;
}

function parseIp(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  // The URL parser already turned every IPv4 form into a dotted quad; ipaddr.js still reads the
  // shorthand forms, in case a runtime's parser leaves one as a name.
  if (ipaddr.isValid(bare)) return ipaddr.parse(bare);
  return null;
}

function checkAddress(address: ipaddr.IPv4 | ipaddr.IPv6, policy: OutboundPolicy): void {
  const ip = embeddedIpv4(address) ?? address;
  if (METADATA_ADDRESSES.includes(ip.toNormalizedString())) throw refused(`${address} is a cloud metadata address.`);
  const range = ip.range();
  if (range === "unicast") return;
  if (policy.allowPrivate && PRIVATE_RANGES.has(range)) return;
  throw refused(`${address} is a ${RANGE_WORDS[range] ?? "special-use"} address, not a public one.`);
}

/**
 * An IPv6 address that carries an IPv4 one is judged as that IPv4 address: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks), NAT64
 * (64:ff9b::/96) and 6to4 (2002:AABB:CCDD::). ipaddr.js ranges the latter two as special already;
 * unwrapping them gives the sentence a person recognises ("127.0.0.1 is a loopback address").
 */
function embeddedIpv4(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | null {
  if (address.kind() !== "ipv6") return null;
  const v6 = address as ipaddr.IPv6;
  const p = v6.parts;
  const fromWords = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  if (p.slice(0, 6).every((w) => w === 0) && (p[6] !== 0 || p[7] > 1)) return fromWords(p[6], p[7]);
  if (p[0] === 0x64 && p[1] === 0xff9b) return fromWords(p[6], p[7]);
  if (p[0] === 0x2002) return fromWords(p[1], p[2]);
  return null;
}

function checkName(host: string, policy: OutboundPolicy): void {
  if (METADATA_NAMES.has(host)) throw refused(`${host} is a cloud metadata service.`);
  if (policy.allowPrivate) return;
  if (host === "localhost" || LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
    throw refused(`${host} names this machine or a private network, not a public site.`);
  }
  // A name without a dot is resolved through the local network's search domains: an intranet host.
  if (!host.includes(".")) throw refused(`${host} is not a public host name (it has no domain).`);
}

const RANGE_WORDS: Record<string, string> = {
  loopback: "loopback",
  private: "private-network",
  uniqueLocal: "private-network",
  carrierGradeNat: "carrier-NAT",
  linkLocal: "link-local",
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  reserved: "reserved",
};

function refused(message: string): AppError {
  return new AppError("address_refused", message);
}
