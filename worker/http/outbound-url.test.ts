import { describe, expect, it } from "vitest";
import { AppError } from "../../contract/errors";
import { checkOutboundUrl, outboundPolicy } from "./outbound-url";

const deployed = outboundPolicy({ ALLOW_PRIVATE_OUTBOUND: "false" });
const dev = outboundPolicy({ ALLOW_PRIVATE_OUTBOUND: "true" });

function refusal(url: string, policy = deployed): string {
  try {
    checkOutboundUrl(url, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("address_refused");
    return (error as AppError).message;
  }
  throw new Error(`${url} was allowed`);
}

describe("checkOutboundUrl", () => {
  it("allows public http(s) addresses on any port", () => {
    for (const url of [
      "https://example.com/",
      "http://example.com:8080/a?b=c",
      "https://93.184.215.14/",
      "https://[2606:4700::6810:85e5]/",
      "https://sub.domain.example.org./page",
    ]) {
      expect(checkOutboundUrl(url, deployed)).toBeInstanceOf(URL);
    }
  });

  it("refuses other schemes and credentials, with the reason in words", () => {
    expect(refusal("file:///etc/passwd")).toMatch(/not file/);
    expect(refusal("ftp://example.com/")).toMatch(/not ftp/);
    expect(refusal("javascript:alert(1)")).toMatch(/not javascript/);
    expect(refusal("data:text/html,hi")).toMatch(/not data/);
    expect(refusal("https://user:pass@example.com/")).toMatch(/user name or password/);
    expect(refusal("https://user@example.com/")).toMatch(/user name or password/);
    expect(refusal("not a url")).toMatch(/not a web address/);
  });

  it("refuses loopback, private, link-local, CGNAT, unspecified and other special IPv4 ranges", () => {
    for (const url of [
      "http://127.0.0.1/",
      "http://127.1.2.3:8787/",
      "http://10.0.0.1/",
      "http://172.16.5.4/",
      "http://172.31.255.255/",
      "http://192.168.1.1/",
      "http://169.254.169.254/latest/meta-data/",
      "http://100.64.0.1/",
      "http://100.127.255.254/",
      "http://0.0.0.0/",
      "http://0.1.2.3/",
      "http://224.0.0.1/",
      "http://255.255.255.255/",
      "http://192.0.2.1/",
      "http://198.18.0.1/",
    ]) {
      refusal(url);
    }
    expect(refusal("http://127.0.0.1/")).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(refusal("http://169.254.169.254/")).toMatch(/link-local/);
    expect(refusal("http://100.64.0.1/")).toMatch(/carrier-NAT/);
    // The edges of the ranges are public.
    for (const url of ["http://172.32.0.1/", "http://100.128.0.1/", "http://11.0.0.1/", "http://192.169.0.1/"]) {
      expect(checkOutboundUrl(url, deployed)).toBeInstanceOf(URL);
    }
  });

  it("refuses decimal, octal and hex forms of a special IPv4 address", () => {
    for (const url of [
      "http://2130706433/",
      "http://0x7f000001/",
      "http://0177.0.0.1/",
      "http://0x7f.1/",
      "http://127.1/",
      "http://0xa9fea9fe/",
      "http://3232235777/",
    ]) {
      refusal(url);
    }
    expect(refusal("http://2130706433/")).toMatch(/127\.0\.0\.1/);
  });

  it("refuses special IPv6 ranges and IPv6 forms carrying a special IPv4 address", () => {
    for (const url of [
      "http://[::1]/",
      "http://[::]/",
      "http://[fc00::1]/",
      "http://[fd12:3456::1]/",
      "http://[fe80::1]/",
      "http://[ff02::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:7f00:1]/",
      "http://[::ffff:10.0.0.1]/",
      "http://[::ffff:169.254.169.254]/",
      "http://[::127.0.0.1]/",
      "http://[64:ff9b::a9fe:a9fe]/",
      "http://[2002:7f00:1::]/",
      "http://[fd00:ec2::254]/",
      "http://[2001:db8::1]/",
    ]) {
      refusal(url);
    }
    expect(refusal("http://[::ffff:127.0.0.1]/")).toMatch(/loopback/);
  });

  it("refuses local and metadata host names", () => {
    for (const url of [
      "http://localhost/",
      "http://LOCALHOST:3000/",
      "http://localhost./",
      "http://app.localhost/",
      "http://metadata.google.internal/computeMetadata/v1/",
      "http://metadata/",
      "http://printer.local/",
      "http://db.internal/",
      "http://router.home.arpa/",
      "http://intranet/",
    ]) {
      refusal(url);
    }
    expect(refusal("http://metadata.google.internal/")).toMatch(/metadata/);
  });

  it("ALLOW_PRIVATE_OUTBOUND lifts the loopback and private refusal only", () => {
    for (const url of [
      "http://127.0.0.1:7100/page",
      "http://localhost:8787/",
      "http://[::1]/",
      "http://10.1.2.3/",
      "http://192.168.0.10/",
      "http://intranet/",
      "http://[fd00::5]/",
    ]) {
      expect(checkOutboundUrl(url, dev)).toBeInstanceOf(URL);
    }
    for (const url of [
      "http://169.254.169.254/",
      "http://[fe80::1]/",
      "http://metadata.google.internal/",
      "http://[fd00:ec2::254]/",
      "http://100.100.100.200/",
      "http://0.0.0.0/",
      "file:///etc/passwd",
      "http://u:p@127.0.0.1/",
    ]) {
      refusal(url, dev);
    }
  });

  it('reads the setting strictly: only "true" turns it on', () => {
    expect(outboundPolicy({}).allowPrivate).toBe(false);
    expect(outboundPolicy({ ALLOW_PRIVATE_OUTBOUND: "" }).allowPrivate).toBe(false);
    expect(outboundPolicy({ ALLOW_PRIVATE_OUTBOUND: "1" }).allowPrivate).toBe(false);
    expect(outboundPolicy({ ALLOW_PRIVATE_OUTBOUND: "TRUE" }).allowPrivate).toBe(true);
  });
});
