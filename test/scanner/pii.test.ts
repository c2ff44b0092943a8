import { describe, expect, test } from "bun:test";
import { kindsIn, matchesIn } from "./helpers.ts";

describe("email", () => {
  test("finds addresses in prose, angle brackets and mailto links", () => {
    expect(matchesIn("ping alice.smith+ci@example.com today")).toEqual(["alice.smith+ci@example.com"]);
    expect(matchesIn("Co-authored-by: Sam <sam@corp.example.co.uk>.")).toEqual(["sam@corp.example.co.uk"]);
    expect(matchesIn("mailto:bob@example.org")).toEqual(["bob@example.org"]);
  });

  test("ignores package specs, SSH remotes, scoped packages and hosts without a TLD", () => {
    for (const text of ["lodash@4.17.21", "git@github.com:acme/api.git", "@types/bun@1.4.5", "user@localhost", "node@sha256:abcd", "a@b.c1"]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });
});

describe("phone", () => {
  test("finds international and formatted North American numbers that validate", () => {
    expect(kindsIn("call +1 415 555 0132")).toEqual(["phone"]);
    expect(kindsIn("call (415) 555-0132 now")).toEqual(["phone"]);
    expect(kindsIn("call 415.555.0132")).toEqual(["phone"]);
    expect(kindsIn("UK office +44 20 7946 0958")).toEqual(["phone"]);
    expect(kindsIn("mobile +49 1512 3456789")).toEqual(["phone"]);
    expect(kindsIn("E.164 +14155550132")).toEqual(["phone"]);
  });

  test("ignores timestamps, versions, ids, durations, token counts and bare digit runs", () => {
    for (const text of [
      "2024-05-01T12:30:00Z",
      "2024-05-01 12:30:45",
      "v1.2.3",
      "run 4155550132 done",
      "took 4155550132ms",
      "input_tokens=4155550132",
      "tokens: 1,234,567",
      "order 1234-5678-9012",
      "415-555-0132-7",
      "build 20240501.3",
      "+5 -3 lines",
      "123 456 7890",
    ]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });
});

describe("payment card", () => {
  test("finds Luhn-valid numbers of known issuers, plain or grouped", () => {
    expect(kindsIn("card 4111 1111 1111 1111")).toEqual(["payment_card"]);
    expect(kindsIn("card 4111-1111-1111-1111")).toEqual(["payment_card"]);
    expect(kindsIn("amex 3782 822463 10005")).toEqual(["payment_card"]);
    expect(kindsIn("mc 5555555555554444.")).toEqual(["payment_card"]);
  });

  test("ignores Luhn-invalid numbers, unknown issuers, epoch millis and odd groupings", () => {
    for (const text of ["4111 1111 1111 1112", "1234567812345670", "epoch 1715000000000", "4111 11111 1111 111", "id 9111111111111111"]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });
});

describe("iban", () => {
  test("finds mod-97-valid IBANs, compact or grouped by four", () => {
    expect(kindsIn("pay to DE89370400440532013000")).toEqual(["iban"]);
    expect(kindsIn("pay to DE89 3704 0044 0532 0130 00, thanks")).toEqual(["iban"]);
    expect(kindsIn("GB82WEST12345698765432")).toEqual(["iban"]);
  });

  test("ignores wrong check digits, wrong lengths and unknown countries", () => {
    for (const text of ["DE88370400440532013000", "DE8937040044053201300", "ZZ89370400440532013000", "GB82 WEST 1234 5698 7654 3"]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });
});

describe("US SSN", () => {
  test("finds issuable numbers written with dashes or spaces", () => {
    expect(kindsIn("ssn 123-45-6789")).toEqual(["us_ssn"]);
    expect(kindsIn("ssn 123 45 6789")).toEqual(["us_ssn"]);
  });

  test("ignores the never-issued ranges and undashed runs", () => {
    for (const text of ["000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000", "123456789", "2024-05-01"]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });
});

describe("IP addresses", () => {
  test("finds public and private IPv4 addresses, with ports", () => {
    expect(kindsIn("connect ECONNREFUSED 10.0.3.7:5432")).toEqual(["ipv4"]);
    expect(kindsIn("host 203.0.113.42 down.")).toEqual(["ipv4"]);
    expect(kindsIn("from 192.168.1.20")).toEqual(["ipv4"]);
  });

  test("ignores loopback, unspecified, broadcast, out-of-range octets and versions", () => {
    for (const text of ["127.0.0.1:7433", "0.0.0.0:80", "255.255.255.255", "300.1.2.3", "v1.2.3.4", "version 10.0.19041.1", "pkg@1.2.3.4", "1.2.3.4.5", "01.02.03.04", "1.2.3.4-beta", "Chrome/120.0.6099.109"]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });

  test("finds full and compressed IPv6 addresses, also in brackets", () => {
    expect(kindsIn("peer 2001:db8:85a3:0:0:8a2e:370:7334 closed")).toEqual(["ipv6"]);
    expect(kindsIn("listen [2001:db8::42]:8443")).toEqual(["ipv6"]);
    expect(kindsIn("via fe80::1ff:fe23:4567:890a.")).toEqual(["ipv6"]);
  });

  test("ignores IPv6 loopback, MAC addresses, times and language paths", () => {
    for (const text of ["[::1]:8080", "00:1a:2b:3c:4d:5e", "12:30:45", "std::vector<int>", "a::b", "Foo::Bar::baz", "sha256:abcdef"]) {
      expect({ text, kinds: kindsIn(text) }).toEqual({ text, kinds: [] });
    }
  });
});
