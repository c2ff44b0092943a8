import { describe, expect, test } from "bun:test";
import { crc32 } from "../../src/lib/crc32.ts";

describe("crc32", () => {
  test("matches the standard check value for '123456789'", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
  });

  test("is zero for empty input and unsigned for every input", () => {
    expect(crc32("")).toBe(0);
    expect(crc32("The quick brown fox jumps over the lazy dog")).toBe(0x414fa339);
    expect(crc32(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toBeGreaterThanOrEqual(0);
  });

  test("hashes a string as its UTF-8 bytes", () => {
    expect(crc32("héllo")).toBe(crc32(new TextEncoder().encode("héllo")));
  });
});
