import { describe, expect, it } from "vitest";
import { assertLiteralHostAllowed, checkWebhookUrl, guardedLookup, parseWebhookUrl, refusedAddressReason } from "./address-guard";

describe("the webhook address guard", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["::1", "loopback"],
    ["fe80::1", "linkLocal"],
    ["fd00::1", "uniqueLocal"],
    ["ff02::1", "multicast"],
    ["::", "unspecified"],
    ["::ffff:10.0.0.1", "private"],
    ["::ffff:127.0.0.1", "loopback"],
    // Not "unicast" to ipaddr.js 1.9 already: carrier-grade NAT, the IETF protocol assignments, class E, documentation.
    ["100.127.255.254", "carrierGradeNat"],
    ["192.0.0.9", "reserved"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "broadcast"],
    ["2001:db8::1", "reserved"],
    ["64:ff9b::a9fe:a9fe", "rfc6052"],
    // "unicast" to ipaddr.js 1.9, refused by the guard's own list.
    ["198.18.0.1", "benchmarking"],
    ["198.19.255.255", "benchmarking"],
    ["::ffff:198.18.0.1", "benchmarking"],
    ["2001:2::1", "benchmarking"],
    ["fec0::1", "siteLocal"],
    ["feff:ffff::1", "siteLocal"],
    ["64:ff9b:1::a9fe:a9fe", "nat64LocalUse"],
    ["::a00:1", "ipv4Compatible"],
    ["::a9fe:a9fe", "ipv4Compatible"],
    ["::2", "ipv4Compatible"],
    ["100::1", "discardOnly"],
    ["2001:10::1", "orchid"],
    ["2001:20::1", "orchidV2"],
    ["3fff::1", "documentation"],
  ])("refuses %s (%s)", (address, range) => {
    expect(refusedAddressReason(address)).toContain(range);
  });

  it.each([
    "93.184.215.14",
    "8.8.8.8",
    "2606:4700:4700::1111",
    "::ffff:8.8.8.8",
    "198.17.255.255",
    "198.20.0.1",
    "64:ff9b:2::1",
    "::1:0:0:1",
    "100:0:0:1::1",
    "2001:30::1",
    "3ffe:ffff::1",
  ])("allows the public address %s", (address) => {
    expect(refusedAddressReason(address)).toBeNull();
  });

  it("takes only http(s) URLs without credentials", () => {
    expect(parseWebhookUrl("https://hooks.example.com/in?x=1")).toMatchObject({ ok: true });
    expect(parseWebhookUrl("ftp://hooks.example.com/")).toEqual({ ok: false, reason: "The URL must start with https:// or http://." });
    expect(parseWebhookUrl("https://user:pw@hooks.example.com/")).toEqual({ ok: false, reason: "The URL must not contain a user name or password." });
    expect(parseWebhookUrl("not a url")).toEqual({ ok: false, reason: "The URL is not valid." });
  });

  it("checks every address the host resolves to, unless private addresses are allowed", async () => {
    const resolve = (addresses: string[]) => () => Promise.resolve(addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));
    const strict = (url: string, addresses: string[]) => checkWebhookUrl(url, { allowPrivateAddresses: false, resolve: resolve(addresses) });
    expect(await strict("https://hooks.example.com/", ["93.184.215.14"])).toMatchObject({ ok: true });
    expect(await strict("https://hooks.example.com/", ["93.184.215.14", "10.0.0.5"])).toMatchObject({ ok: false, reason: expect.stringContaining("10.0.0.5") });
    expect(await strict("http://127.0.0.1:8080/", [])).toMatchObject({ ok: false, reason: expect.stringContaining("loopback") });
    expect(await strict("http://[::1]:8080/", [])).toMatchObject({ ok: false, reason: expect.stringContaining("loopback") });
    const failing = () => Promise.reject(new Error("ENOTFOUND"));
    expect(await checkWebhookUrl("https://nowhere.invalid/", { allowPrivateAddresses: false, resolve: failing })).toMatchObject({ ok: false });
    expect(await checkWebhookUrl("http://127.0.0.1:8080/", { allowPrivateAddresses: true })).toMatchObject({ ok: true });
  });

  it("refuses a URL whose host resolves to a range ipaddr.js calls unicast", async () => {
    const resolve = (address: string) => () => Promise.resolve([{ address, family: address.includes(":") ? 6 : 4 }]);
    for (const address of ["198.18.0.1", "fec0::1", "64:ff9b:1::a9fe:a9fe", "::a00:1"])
      expect(await checkWebhookUrl("https://hooks.example.com/", { allowPrivateAddresses: false, resolve: resolve(address) })).toMatchObject({
        ok: false,
        reason: expect.stringContaining(address),
      });
    expect(await checkWebhookUrl("http://[64:ff9b:1::a9fe:a9fe]/", { allowPrivateAddresses: false })).toMatchObject({ ok: false });
    expect(() => assertLiteralHostAllowed(new URL("http://198.18.0.1/"))).toThrow(/benchmarking/);
  });

  it("fails a connection's lookup when the host resolves to a refused address", async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup("localhost", { all: true }, (err) => resolve(err)));
    expect(error?.code).toBe("EWEBHOOKADDRESS");
    expect(error?.message).toMatch(/localhost resolves to .* loopback address/);
  });
});
