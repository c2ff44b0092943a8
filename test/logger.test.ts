import { describe, expect, test } from "bun:test";
import { Writable } from "node:stream";
import { createLogger } from "../src/logger.ts";

function capture() {
  let text = "";
  const sink = new Writable({
    write(chunk, _e, done) {
      text += chunk.toString();
      done();
    },
  });
  return { logger: createLogger("info", sink as never), text: () => text };
}

const CANARY_KEY = "ryd_CANARYcanaryCANARYcanaryCANARYcanary0123456abcdef";
const CANARY_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlY2FuYXJ5";
const CANARY_PASSWORD = "canary-password-Zx81!";

describe("logger redaction", () => {
  test("secrets planted in fields, headers, nested objects and messages never reach the log", () => {
    const { logger, text } = capture();
    logger.info({ password: CANARY_PASSWORD, key: CANARY_KEY, plaintext: CANARY_KEY }, "fields");
    logger.info({ req: { headers: { authorization: `Bearer ${CANARY_KEY}`, cookie: `railyard_session=${CANARY_JWT}` } } }, "headers");
    logger.info({ nested: { deeper: { apiKey: "canary-api-key-value", token: "canary-token-value", list: [CANARY_KEY] } } }, "nested");
    logger.info({ note: `user pasted ${CANARY_KEY} and ${CANARY_JWT}` }, "innocent field");
    logger.warn(`message with Bearer ${CANARY_KEY}`);
    logger.error({ err: new Error(`failed for ${CANARY_KEY}`) }, "error");
    const out = text();
    for (const canary of [CANARY_KEY, CANARY_JWT, CANARY_PASSWORD, "canary-api-key-value", "canary-token-value", "c2lnbmF0dXJlY2FuYXJ5"]) {
      expect(out).not.toContain(canary);
    }
    expect(out.split("\n").filter(Boolean)).toHaveLength(6);
    expect(out).toContain("[redacted]");
  });

  test("log lines are JSON with a level label, and ids and kinds pass through", () => {
    const { logger, text } = capture();
    logger.info({ runId: "run_abc", kind: "github_token", count: 3 }, "scanner blocked");
    const line = JSON.parse(text().trim());
    expect(line).toMatchObject({ level: "info", runId: "run_abc", kind: "github_token", count: 3, msg: "scanner blocked" });
  });

  test("the level setting filters lower levels", () => {
    let text = "";
    const sink = new Writable({ write(c, _e, d) { text += c.toString(); d(); } });
    const logger = createLogger("warn", sink as never);
    logger.info("hidden");
    logger.warn("shown");
    expect(text).not.toContain("hidden");
    expect(text).toContain("shown");
  });
});
