// The wire formats of audit streaming: RFC 5424 messages with octet-counted framing, the OTLP JSON
// encoding, W3C traceparent parsing and destination addresses.
import { describe, expect, test } from "bun:test";
import type { StreamRecord } from "../../src/core/stream/stream-record.ts";
import { parseStreamUrl } from "../../src/lib/stream-url.ts";
import { normalizeTraceParent } from "../../src/lib/trace-parent.ts";
import { encodeOtlpLogs } from "../../src/stream/otlp.ts";
import { formatSyslog, frame } from "../../src/stream/syslog.ts";

const record = (over: Partial<StreamRecord> = {}): StreamRecord => ({
  seq: 42, at: Date.UTC(2026, 11, 2, 10, 0, 0, 123), type: "run.started", actorKind: "agent", actorId: "key_00000000000000000001", actorUserId: "usr_00000000000000000001",
  runId: "run_00000000000000000001", projectId: "prj_00000000000000000001", subject: "run_00000000000000000001", meta: { phase: "plan", version: 1 },
  hash: "a".repeat(64), prevHash: "b".repeat(64), traceId: null, spanId: null, traceFlags: null, ...over,
});

// RFC 5424 §6: PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) (\[.*?[^\\]\]) (.*)$/;

describe("syslog RFC 5424", () => {
  test("one event is one message: facility log audit, version 1, UTC time in ms, app railyard, MSGID the event type", () => {
    const line = formatSyslog(record(), { hostname: "build-host", procId: "123" });
    const m = RFC5424.exec(line)!;
    expect(m).not.toBeNull();
    expect(Number(m[1])).toBe(13 * 8 + 6);
    expect(m.slice(2, 7)).toEqual(["2026-12-02T10:00:00.123Z", "build-host", "railyard", "123", "run.started"]);
    expect(JSON.parse(m[8]!)).toMatchObject({ seq: 42, type: "run.started", meta: { phase: "plan", version: 1 } });
  });

  test("the structured data carries seq, type, actor kind and id, run and project ids and the hash; absent values are left out", () => {
    const line = formatSyslog(record({ runId: null }), { hostname: "h", procId: "1" });
    const sd = RFC5424.exec(line)![7]!;
    expect(sd.startsWith("[railyard@32473 ")).toBe(true);
    for (const [name, value] of [["seq", "42"], ["type", "run.started"], ["actorKind", "agent"], ["actorId", "key_00000000000000000001"], ["projectId", "prj_00000000000000000001"], ["hash", "a".repeat(64)]]) {
      expect(sd).toContain(` ${name}="${value}"`);
    }
    expect(sd).not.toContain("runId=");
  });

  test('quotes, backslashes and closing brackets in values are escaped, so the element cannot be broken out of', () => {
    const line = formatSyslog(record({ subject: 'a"b\\c]d' }), { hostname: "h", procId: "1" });
    expect(line).toContain('subject="a\\"b\\\\c\\]d"');
    expect(RFC5424.exec(line)![7]!.endsWith("]")).toBe(true);
  });

  test("warnings (refusals, violations, failures) have severity 4; header fields lose spaces and control characters", () => {
    const line = formatSyslog(record({ type: "scope.violation" }), { hostname: "my host\n", procId: "1" });
    expect(line.startsWith(`<${13 * 8 + 4}>1 `)).toBe(true);
    expect(line.split(" ")[2]).toBe("myhost");
  });

  test("octet counting counts bytes, not characters, and the message is ASCII (non-ASCII escaped in the JSON)", () => {
    const message = formatSyslog(record({ subject: "‹billing›" }), { hostname: "h", procId: "1" });
    const framed = frame(message);
    const [count, ...rest] = framed.split(" ");
    expect(Number(count)).toBe(Buffer.byteLength(rest.join(" ")));
    expect(Number(count)).toBeGreaterThan(rest.join(" ").length);
    expect(RFC5424.exec(message)![8]).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe("OTLP JSON logs", () => {
  test("one log record per event with the same attributes, int64 as strings, metadata under railyard.meta", () => {
    const body = encodeOtlpLogs([record()], { serviceVersion: "1.2.3", hostName: "h" }) as any;
    const resource = body.resourceLogs[0].resource.attributes;
    expect(resource).toContainEqual({ key: "service.name", value: { stringValue: "railyard" } });
    const log = body.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(log.timeUnixNano).toBe(`${Date.UTC(2026, 11, 2, 10, 0, 0, 123)}000000`);
    expect(log.eventName).toBe("run.started");
    const attrs = Object.fromEntries(log.attributes.map((a: any) => [a.key, a.value]));
    expect(attrs["railyard.seq"]).toEqual({ intValue: "42" });
    expect(attrs["railyard.actor.kind"]).toEqual({ stringValue: "agent" });
    expect(attrs["railyard.hash"]).toEqual({ stringValue: "a".repeat(64) });
    expect(attrs["railyard.meta.version"]).toEqual({ intValue: "1" });
    expect(log.traceId).toBeUndefined();
  });

  test("trace and span ids are the hex ids of the traceparent, with its flags", () => {
    const body = encodeOtlpLogs([record({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1 })], { serviceVersion: "1", hostName: "h" }) as any;
    const log = body.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect([log.traceId, log.spanId, log.flags]).toEqual(["4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", 1]);
  });
});

describe("W3C traceparent", () => {
  test.each([
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", null],
    ["00-00000000000000000000000000000000-00f067aa0ba902b7-01", null],
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", null],
    ["ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null],
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", null],
    [42, null],
  ])("%p is kept as %p", (input, expected) => {
    expect(normalizeTraceParent(input)).toBe(expected);
  });
});

describe("destination addresses", () => {
  test.each([
    ["tcp://127.0.0.1:514", { kind: "syslog", url: "tcp://127.0.0.1:514", tls: false }],
    ["tls://siem.example.internal:6514", { kind: "syslog", url: "tls://siem.example.internal:6514", tls: true }],
    ["http://collector:4318", { kind: "otlp", url: "http://collector:4318/v1/logs", tls: false }],
    ["https://collector.example/custom/logs", { kind: "otlp", url: "https://collector.example/custom/logs", tls: true }],
  ])("%s is accepted", (raw, expected) => {
    expect(parseStreamUrl(raw)).toMatchObject(expected);
  });

  test.each([
    ["tcp://host", "port"],
    ["udp://host:514", "tcp://"],
    ["tcp://admin:hunter2@host:514", "credentials"],
    ["http://collector:4318/v1/logs?token=hunter2", "query"],
  ])("%s is refused with a reason that does not echo it", (raw, reason) => {
    const parsed = parseStreamUrl(raw) as { error: string };
    expect(parsed.error).toContain(reason);
    expect(parsed.error).not.toContain("hunter2");
  });
});

describe("the README's field table", () => {
  test("names every field the encoders send, under both its syslog and its OTLP name", async () => {
    const { STREAM_FIELDS } = await import("../../src/stream/fields.ts");
    const readme = await Bun.file(new URL("../../README.md", import.meta.url)).text();
    for (const f of STREAM_FIELDS) {
      expect(readme).toContain(`| \`${f.sd}\` |`);
      if (f.otlp.startsWith("railyard.")) expect(readme).toContain(`| \`${f.otlp}\` |`);
    }
  });
});
