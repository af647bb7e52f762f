import { describe, expect, it } from "vitest";
import { escapeControl } from "../../src/lib/text";
import {
  cidr,
  contains,
  defaultSubnetLayout,
  format,
  overlaps,
  parseCidr,
  subnet,
  publicAddressCount,
  specialRangeOf,
} from "../../src/lib/cidr";

describe("cidr", () => {
  it("parses networks", () => {
    expect(format(cidr("10.20.0.0/16"))).toBe("10.20.0.0/16");
  });

  const canonical = "must be written in canonical dotted decimal, without leading zeros, like 10.0.0.0/16";
  it.each([
    ["host bits", "10.0.0.5/24", "has host bits set; the network address is 10.0.0.0/24"],
    ["a missing octet", "10.0.0/16", "must be an IPv4 CIDR like 10.0.0.0/16"],
    ["an octet over 255", "256.0.0.0/8", "must be an IPv4 CIDR like 10.0.0.0/16"],
    ["a prefix over 32", "10.0.0.0/33", "must be an IPv4 CIDR like 10.0.0.0/16"],
    // Only canonical dotted decimal, as Terraform's parser does.
    ["a leading zero in an octet", "010.0.0.0/16", canonical],
    ["a leading zero in the prefix", "10.0.0.0/08", canonical],
    ["a leading space", " 10.0.0.0/16", "must be an IPv4 CIDR like 10.0.0.0/16"],
  ])("refuses %s (%j)", (_label, text, message) => {
    expect(parseCidr(text)).toBe(message);
  });

  it("answers containment and overlap", () => {
    expect(contains(cidr("10.0.0.0/16"), cidr("10.0.224.0/22"))).toBe(true);
    expect(contains(cidr("10.0.0.0/16"), cidr("10.1.0.0/24"))).toBe(false);
    expect(overlaps(cidr("10.0.0.0/20"), cidr("10.0.15.0/24"))).toBe(true);
    expect(overlaps(cidr("10.0.0.0/20"), cidr("10.0.16.0/24"))).toBe(false);
  });

  it("cuts subnets like Terraform's cidrsubnet", () => {
    expect(format(subnet(cidr("10.0.0.0/16"), 19, 7))).toBe("10.0.224.0/19");
    expect(() => subnet(cidr("10.0.0.0/16"), 17, 2)).toThrow("10.0.0.0/16 has only 2 /17 subnets, not 3");
  });

  it("lays out big private and small public subnets per zone, without overlap", () => {
    const layout = defaultSubnetLayout("10.0.0.0/16", 3);
    expect(layout).toEqual({
      private: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
      public: ["10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22"],
    });
    const all = [...layout.private, ...layout.public].map(cidr);
    all.forEach((a, i) => all.slice(0, i).forEach((b) => expect(overlaps(a, b)).toBe(false)));
    expect(defaultSubnetLayout("10.0.0.0/22", 2).public).toEqual(["10.0.3.128/28", "10.0.3.144/28"]);
    expect(() => defaultSubnetLayout("10.0.0.0/23", 2)).toThrow("too small");
  });

  it("counts the public addresses a set of networks covers together, private and special ranges excluded", () => {
    expect(publicAddressCount([cidr("0.0.0.0/0")])).toBe(2 ** 32 - 2 ** 24 * 3 - 2 ** 28 * 2 - 2 ** 20 - 2 ** 16 * 2 - 2 ** 22);
    expect(publicAddressCount([cidr("0.0.0.0/1"), cidr("128.0.0.0/1")])).toBe(publicAddressCount([cidr("0.0.0.0/0")]));
    expect(publicAddressCount([cidr("203.0.113.0/24"), cidr("203.0.113.0/25")])).toBe(256);
    expect(publicAddressCount([cidr("10.0.0.0/8"), cidr("192.168.0.0/16")])).toBe(0);
    expect(specialRangeOf(cidr("127.0.0.0/16"))).toBe("loopback range 127.0.0.0/8");
    expect(specialRangeOf(cidr("10.0.0.0/16"))).toBeUndefined();
  });

  it("escapes control characters so a message stays one line", () => {
    expect(escapeControl("a\nb\u0007c\u2028")).toBe("a\\nb\\u0007c\\u2028");
  });
});
