import { describe, expect, it } from "vitest";
import { cidr, contains, defaultSubnetLayout, format, overlaps, parseCidr, subnet } from "../../src/lib/cidr";

describe("cidr", () => {
  it("parses networks and refuses host bits and malformed text", () => {
    expect(format(cidr("10.20.0.0/16"))).toBe("10.20.0.0/16");
    expect(parseCidr("10.0.0.5/24")).toBe("has host bits set; the network address is 10.0.0.0/24");
    expect(parseCidr("10.0.0/16")).toBe("must be an IPv4 CIDR like 10.0.0.0/16");
    expect(parseCidr("256.0.0.0/8")).toBe("must be an IPv4 CIDR like 10.0.0.0/16");
    expect(parseCidr("10.0.0.0/33")).toBe("must be an IPv4 CIDR like 10.0.0.0/16");
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
});
