import { describe, expect, it } from "vitest";
import {
  clientAddress,
  normalizeAddress,
  parseTrustPolicy,
  peerIsTrusted,
} from "@/lib/client-address.mjs";

const none = parseTrustPolicy(undefined);

describe("clientAddress", () => {
  it("should ignore X-Forwarded-For when no proxy is trusted", () => {
    expect(clientAddress(none, "::ffff:203.0.113.9", "1.2.3.4")).toBe("203.0.113.9");
    expect(clientAddress(none, "203.0.113.9", undefined)).toBe("203.0.113.9");
  });

  it("should take the value our own proxy appended when one hop is trusted", () => {
    const one = parseTrustPolicy("1");
    // The client wrote "6.6.6.6"; nginx appended the address it saw.
    expect(clientAddress(one, "127.0.0.1", "6.6.6.6, 198.51.100.7")).toBe("198.51.100.7");
    expect(clientAddress(parseTrustPolicy("2"), "127.0.0.1", "6.6.6.6, 198.51.100.7")).toBe(
      "6.6.6.6",
    );
    // Fewer hops than trusted: the leftmost address.
    expect(clientAddress(parseTrustPolicy("5"), "127.0.0.1", "198.51.100.7")).toBe("198.51.100.7");
  });

  it("should skip trusted addresses from the right when a list is trusted", () => {
    const list = parseTrustPolicy("loopback, 10.0.0.0/8, 2001:db8::/32");
    expect(clientAddress(list, "127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3")).toBe(
      "198.51.100.7",
    );
    expect(clientAddress(list, "::1", "2001:db8::5, [2001:db9::1]:443")).toBe("2001:db9::1");
    // An untrusted peer's header is not believed at all.
    expect(clientAddress(list, "192.0.2.50", "10.9.9.9")).toBe("192.0.2.50");
  });

  it("should fall back to the nearest real address when a forwarded value is garbage", () => {
    const one = parseTrustPolicy("1");
    expect(clientAddress(one, "127.0.0.1", "not-an-ip")).toBe("127.0.0.1");
    expect(clientAddress(one, "127.0.0.1", "<script>")).toBe("127.0.0.1");
  });

  it("should read a bounded header when it is huge", () => {
    const huge = `${"1.1.1.1,".repeat(200_000)}198.51.100.7`;
    const started = performance.now();
    expect(clientAddress(parseTrustPolicy("1"), "127.0.0.1", huge)).toBe("198.51.100.7");
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe("trust policy", () => {
  it("should tell whether the peer is a trusted proxy", () => {
    expect(peerIsTrusted(none, "127.0.0.1")).toBe(false);
    expect(peerIsTrusted(parseTrustPolicy("1"), "203.0.113.1")).toBe(true);
    expect(peerIsTrusted(parseTrustPolicy("loopback"), "::ffff:127.0.0.1")).toBe(true);
    expect(peerIsTrusted(parseTrustPolicy("loopback"), "192.0.2.1")).toBe(false);
  });

  it("should normalise the address forms sockets and proxies write", () => {
    expect(normalizeAddress("::FFFF:192.0.2.1")).toBe("192.0.2.1");
    expect(normalizeAddress("192.0.2.1:8080")).toBe("192.0.2.1");
    expect(normalizeAddress("[2001:DB8::1]:80")).toBe("2001:db8::1");
    expect(normalizeAddress("unknown")).toBeNull();
  });
});
