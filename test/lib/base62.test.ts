import { describe, expect, test } from "bun:test";
import {
  base62WidthForBytes,
  decodeBase62Uint,
  encodeBase62Bytes,
  encodeBase62Uint,
  isBase62,
} from "../../src/lib/base62.ts";

describe("base62", () => {
  test("encodes integers with the 0-9A-Za-z alphabet at a fixed width", () => {
    expect(encodeBase62Uint(0, 6)).toBe("000000");
    expect(encodeBase62Uint(61, 2)).toBe("0z");
    expect(encodeBase62Uint(62, 2)).toBe("10");
    expect(encodeBase62Uint(0xffffffff, 6)).toBe("4gfFC3");
  });

  test("refuses integers that do not fit the width or are negative", () => {
    expect(() => encodeBase62Uint(62, 1)).toThrow(RangeError);
    expect(() => encodeBase62Uint(-1, 6)).toThrow(RangeError);
  });

  test("decodes what it encodes and rejects characters outside the alphabet", () => {
    for (const n of [0, 1, 61, 62, 3843, 123456789, 0xffffffff]) {
      expect(decodeBase62Uint(encodeBase62Uint(n, 6))).toBe(n);
    }
    expect(decodeBase62Uint("ab-c")).toBe(-1);
  });

  test("encodes 32 bytes as exactly 43 characters, zero bytes as all '0'", () => {
    expect(base62WidthForBytes(32)).toBe(43);
    expect(encodeBase62Bytes(new Uint8Array(32))).toBe("0".repeat(43));
    const max = encodeBase62Bytes(new Uint8Array(32).fill(0xff));
    expect(max).toHaveLength(43);
    expect(isBase62(max)).toBe(true);
    expect(encodeBase62Bytes(new Uint8Array([0, 62]))).toBe("010");
  });

  test("isBase62 rejects empty strings and punctuation", () => {
    expect(isBase62("")).toBe(false);
    expect(isBase62("abc_")).toBe(false);
    expect(isBase62("Az09")).toBe(true);
  });
});
