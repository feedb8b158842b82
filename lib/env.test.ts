import { describe, expect, it } from "vitest";
import { ConfigError, databaseKind, databaseLabel, parseEnv } from "./env";

describe("parseEnv", () => {
  it("falls back to the embedded SQLite defaults", () => {
    const env = parseEnv({});
    expect(env).toEqual({
      DATABASE_URL: "file:data/roster.db",
      DATABASE_POOL_MAX: 10,
      PORT: 3000,
      HOST: "127.0.0.1",
      RATE_LIMIT_REQUESTS: 600,
      RATE_LIMIT_WINDOW_SECONDS: 60,
      SESSION_IDLE_TIMEOUT_SECONDS: 1_800,
      STEP_UP_MAX_AGE_SECONDS: 300,
      API_MAX_BODY_BYTES: 1048576,
      AUDIT_CHECKPOINT_INTERVAL_SECONDS: 3600,
      TRUSTED_PROXIES: [],
      LOG_LEVEL: "info",
      METRICS_HOST: "127.0.0.1",
      WEBHOOK_ALLOW_PRIVATE_ADDRESSES: false,
      WEBHOOK_RETENTION_DAYS: 30,
    });
    expect(databaseLabel(env)).toBe("data/roster.db");
  });

  it("refuses a metrics token short enough to guess, and a log level pino lacks", () => {
    expect(() => parseEnv({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN="short" must be at least 16 characters/);
    expect(() => parseEnv({ LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL="verbose"/);
    expect(() => parseEnv({ SESSION_IDLE_TIMEOUT_SECONDS: "0" })).toThrow(/SESSION_IDLE_TIMEOUT_SECONDS="0"/);
    expect(parseEnv({ SESSION_IDLE_TIMEOUT_SECONDS: "3" }).SESSION_IDLE_TIMEOUT_SECONDS).toBe(3);
    expect(() => parseEnv({ STEP_UP_MAX_AGE_SECONDS: "five minutes" })).toThrow(/STEP_UP_MAX_AGE_SECONDS="five minutes"/);
    expect(() => parseEnv({ STEP_UP_MAX_AGE_SECONDS: "0" })).toThrow(/STEP_UP_MAX_AGE_SECONDS="0"/);
    expect(parseEnv({ STEP_UP_MAX_AGE_SECONDS: "60" }).STEP_UP_MAX_AGE_SECONDS).toBe(60);
    // Shorter than a failing endpoint's retries and its disabling (3 days), failed deliveries would go before anyone could redeliver them.
    expect(() => parseEnv({ WEBHOOK_RETENTION_DAYS: "3" })).toThrow(/WEBHOOK_RETENTION_DAYS="3"/);
    expect(() => parseEnv({ WEBHOOK_RETENTION_DAYS: "forever" })).toThrow(/WEBHOOK_RETENTION_DAYS="forever"/);
    expect(parseEnv({ WEBHOOK_RETENTION_DAYS: "90" }).WEBHOOK_RETENTION_DAYS).toBe(90);
  });

  it("reads the variables it is given", () => {
    expect(parseEnv({ DATABASE_URL: "file:/tmp/x.db", PORT: "8080", HOST: "0.0.0.0", RATE_LIMIT_REQUESTS: "5" })).toMatchObject({
      DATABASE_URL: "file:/tmp/x.db",
      PORT: 8080,
      HOST: "0.0.0.0",
      RATE_LIMIT_REQUESTS: 5,
    });
  });

  it("never repeats a database password in its message", () => {
    expect(() => parseEnv({ DATABASE_URL: "postgres://roster:s3cret-pass@db.internal:5432" })).toThrow(
      'DATABASE_URL="postgres://roster:***@db.internal:5432" must look like',
    );
  });

  it("tells a SQLite file from a PostgreSQL URL, and names the latter without its password", () => {
    const postgres = parseEnv({ DATABASE_URL: "postgresql://roster:secret@db.internal:5432/roster", DATABASE_POOL_MAX: "25" });
    expect(databaseKind(postgres)).toBe("postgres");
    expect(databaseLabel(postgres)).toBe("postgresql://roster:***@db.internal:5432/roster");
    expect(postgres.DATABASE_POOL_MAX).toBe(25);
    expect(databaseKind(parseEnv({}))).toBe("sqlite");
  });

  it("reads trusted proxies as a comma-separated list of addresses, CIDRs and range names", () => {
    expect(parseEnv({ TRUSTED_PROXIES: " loopback, 10.0.0.0/8 ,fd00::1" }).TRUSTED_PROXIES).toEqual(["loopback", "10.0.0.0/8", "fd00::1"]);
  });

  it("reads the public origin as an origin: https, or http on this machine only", () => {
    expect(parseEnv({ PUBLIC_ORIGIN: "https://Roster.Example.com:443/" }).PUBLIC_ORIGIN).toBe("https://roster.example.com");
    expect(parseEnv({ PUBLIC_ORIGIN: "http://localhost:3000" }).PUBLIC_ORIGIN).toBe("http://localhost:3000");
    expect(parseEnv({}).PUBLIC_ORIGIN).toBeUndefined();
  });

  it.each([
    [{ PUBLIC_ORIGIN: "http://roster.example.com" }, /PUBLIC_ORIGIN="http:\/\/roster.example.com" must be an https origin/],
    [{ PUBLIC_ORIGIN: "https://roster.example.com/console" }, /PUBLIC_ORIGIN=.* must be an origin alone/],
    [{ PUBLIC_ORIGIN: "roster.example.com" }, /PUBLIC_ORIGIN="roster.example.com" must be an origin such as/],
    [{ TRUSTED_PROXIES: "loopback,proxy.example" }, /TRUSTED_PROXIES="loopback,proxy.example" "proxy.example" is not an IP address/],
    [{ TRUSTED_PROXIES: "10.0.0.0/33" }, /"10.0.0.0\/33" is not/],
    [{ PORT: "eighty" }, /PORT="eighty"/],
    [{ PORT: "70000" }, /PORT="70000"/],
    [{ DATABASE_URL: "mysql://db/roster" }, /DATABASE_URL="mysql:\/\/db\/roster" must look like "file:<path/],
    [{ DATABASE_URL: "postgres://db-without-a-database-name" }, /DATABASE_URL="postgres:\/\/db-without-a-database-name" must look like/],
    [{ HOST: "bad host!" }, /HOST="bad host!"/],
    [{ RATE_LIMIT_REQUESTS: "0" }, /RATE_LIMIT_REQUESTS="0"/],
    [{ DATABASE_POOL_MAX: "0" }, /DATABASE_POOL_MAX="0"/],
    [{ DATABASE_POOL_MAX: "many" }, /DATABASE_POOL_MAX="many"/],
  ])("names the bad variable in %o", (source, message) => {
    expect(() => parseEnv(source)).toThrow(ConfigError);
    expect(() => parseEnv(source)).toThrow(message);
  });

  it("names every bad variable at once", () => {
    expect(() => parseEnv({ PORT: "x", DATABASE_URL: "nope" })).toThrow(/DATABASE_URL=.*; PORT=|PORT=.*; DATABASE_URL=/);
  });
});
