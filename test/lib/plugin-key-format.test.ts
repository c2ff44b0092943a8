import { describe, expect, test } from "bun:test";
import { crc32 } from "../../src/lib/crc32.ts";
import { encodeBase62Uint } from "../../src/lib/base62.ts";
import { formatPluginKey, isWellFormedPluginKey, PLUGIN_KEY_LENGTH } from "../../src/lib/plugin-key-format.ts";

function bytes(seed: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 17) & 0xff);
}

describe("plugin key format", () => {
  test("a key is ryd_ + 43 base62 random + 6 base62 CRC-32 of the random part", () => {
    const key = formatPluginKey(bytes(7));
    expect(key).toHaveLength(PLUGIN_KEY_LENGTH);
    expect(key).toMatch(/^ryd_[0-9A-Za-z]{49}$/);
    const random = key.slice(4, 47);
    expect(key.slice(47)).toBe(encodeBase62Uint(crc32(random), 6));
  });

  test("formatted keys are well formed and distinct inputs give distinct keys", () => {
    const a = formatPluginKey(bytes(1));
    const b = formatPluginKey(bytes(2));
    expect(isWellFormedPluginKey(a)).toBe(true);
    expect(isWellFormedPluginKey(b)).toBe(true);
    expect(a).not.toBe(b);
    expect(isWellFormedPluginKey(formatPluginKey(crypto.getRandomValues(new Uint8Array(32))))).toBe(true);
  });

  test("refuses anything but exactly 32 random bytes", () => {
    expect(() => formatPluginKey(new Uint8Array(16))).toThrow(RangeError);
    expect(() => formatPluginKey(new Uint8Array(33))).toThrow(RangeError);
  });

  test("rejects a wrong prefix, length, alphabet or checksum", () => {
    const key = formatPluginKey(bytes(3));
    expect(isWellFormedPluginKey("ryx_" + key.slice(4))).toBe(false);
    expect(isWellFormedPluginKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedPluginKey(key + "0")).toBe(false);
    expect(isWellFormedPluginKey(key.slice(0, 10) + "-" + key.slice(11))).toBe(false);
    const flipped = key.slice(0, 10) + (key[10] === "a" ? "b" : "a") + key.slice(11);
    expect(isWellFormedPluginKey(flipped)).toBe(false);
    expect(isWellFormedPluginKey(key.slice(0, -1) + (key.endsWith("0") ? "1" : "0"))).toBe(false);
  });
});
