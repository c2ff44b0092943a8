import { describe, expect, test } from "bun:test";
import { ConfigError, extractFlags, loadConfig } from "../src/config.ts";

const load = (argv: string[], env: Record<string, string> = {}) => loadConfig(extractFlags(argv).flags, env, "/srv/app");

describe("configuration", () => {
  test("defaults: 127.0.0.1:7433 with data in ./railyard-data", () => {
    const config = load([]);
    expect(config.host).toBe("127.0.0.1");
    expect(config.port).toBe(7433);
    expect(config.dataDir).toBe("/srv/app/railyard-data");
    expect(config.allowedHosts).toEqual(expect.arrayContaining(["127.0.0.1", "localhost"]));
  });

  test("flags override RAILYARD_* variables, which override defaults", () => {
    expect(load([], { RAILYARD_PORT: "8000" }).port).toBe(8000);
    expect(load(["--port", "9000"], { RAILYARD_PORT: "8000" }).port).toBe(9000);
    expect(load(["--port=9001"]).port).toBe(9001);
    expect(load([], { RAILYARD_LOG_LEVEL: "debug" }).logLevel).toBe("debug");
  });

  test("the configuration is frozen", () => {
    const config = load([]);
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => ((config as { port: number }).port = 1)).toThrow();
  });

  test.each([
    [["--port", "99999"], "--port"],
    [["--port", "80a"], "--port"],
    [["--log-level", "loud"], "--log-level"],
    [["--key-rate-limit", "0"], "--key-rate-limit"],
    [["--public-url", "ftp://x"], "--public-url"],
    [["--public-url", "https://user:pw@x.example"], "--public-url"],
    [["--metrics", "maybe"], "--metrics"],
    [["--tls-cert", "/a.pem"], "--tls-cert"],
    [["--host", "0.0.0.0"], "--host"],
  ])("invalid value %p fails with one line naming %s", (argv, name) => {
    let error: unknown;
    try {
      load(argv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).not.toContain("\n");
  });

  test("an invalid environment value names the variable", () => {
    expect(() => load([], { RAILYARD_PORT: "99999" })).toThrow("RAILYARD_PORT");
  });

  test("a flag without its value is refused", () => {
    expect(() => extractFlags(["--port"])).toThrow("--port needs a value");
  });

  test("serving the LAN needs --public-url, whose host joins the allow-list", () => {
    const config = load(["--host", "0.0.0.0", "--public-url", "https://railyard.corp.example:8443"]);
    expect(config.publicUrl).toBe("https://railyard.corp.example:8443");
    expect(config.allowedHosts).toContain("railyard.corp.example");
  });

  test("unknown arguments are left for the command", () => {
    expect(extractFlags(["create", "--email", "a@b.c", "--port", "1"]).rest).toEqual(["create", "--email", "a@b.c"]);
  });
});
