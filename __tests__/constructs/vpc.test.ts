import { describe, expect, it } from "vitest";
import { Vpc, type ExistingVpcProps, type NewVpcProps } from "../../src/constructs/vpc";
import { onlyResource, policyOf, resourcesOf, synthConstruct, type StackJson } from "../helpers/synth";

const props: NewVpcProps = {
  namePrefix: "fixture-alpha",
  clusterName: "fixture-alpha-eks",
  cidr: "10.0.0.0/16",
  availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
  publicSubnetCidrs: ["10.0.224.0/22", "10.0.228.0/22", "10.0.232.0/22"],
  privateSubnetCidrs: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
  natGateways: "single",
  flowLogs: {
    logGroupName: "/aws/vpc/fixture-alpha/flow-logs",
    roleName: "fixture-alpha-vpc-flow-logs",
    retentionDays: 365,
    trafficType: "ALL",
  },
};

function synth(p: Partial<NewVpcProps> = {}): StackJson {
  return synthConstruct((scope) => new Vpc(scope, "vpc", { ...props, ...p }));
}

describe("Vpc", () => {
  it("defines a VPC with DNS support and hostnames, tagged for the cluster", () => {
    expect(onlyResource(synth(), "aws_vpc")).toMatchObject({
      cidr_block: "10.0.0.0/16",
      enable_dns_support: true,
      enable_dns_hostnames: true,
      tags: { Name: "fixture-alpha-vpc", "kubernetes.io/cluster/fixture-alpha-eks": "shared" },
    });
  });

  it("gives every subnet its zone, literal CIDR and EKS discovery tags", () => {
    const subnets = resourcesOf(synth(), "aws_subnet");
    expect(Object.keys(subnets).sort()).toEqual([
      "vpc_private_a",
      "vpc_private_b",
      "vpc_private_c",
      "vpc_public_a",
      "vpc_public_b",
      "vpc_public_c",
    ]);
    props.availabilityZones.forEach((az, i) => {
      const zone = az.slice(-1);
      expect(subnets[`vpc_public_${zone}`]).toMatchObject({
        availability_zone: az,
        cidr_block: props.publicSubnetCidrs[i],
        map_public_ip_on_launch: false,
        tags: { "kubernetes.io/cluster/fixture-alpha-eks": "shared", "kubernetes.io/role/elb": "1" },
      });
      expect(subnets[`vpc_public_${zone}`].tags).not.toHaveProperty("kubernetes.io/role/internal-elb");
      expect(subnets[`vpc_private_${zone}`]).toMatchObject({
        availability_zone: az,
        cidr_block: props.privateSubnetCidrs[i],
        map_public_ip_on_launch: false,
        tags: { "kubernetes.io/cluster/fixture-alpha-eks": "shared", "kubernetes.io/role/internal-elb": "1" },
      });
      expect(subnets[`vpc_private_${zone}`].tags).not.toHaveProperty("kubernetes.io/role/elb");
    });
  });

  it("routes public subnets to the internet gateway", () => {
    const json = synth();
    expect(resourcesOf(json, "aws_route_table").vpc_public_routes.route).toEqual([
      expect.objectContaining({ cidr_block: "0.0.0.0/0", gateway_id: "${aws_internet_gateway.vpc_internet_gateway.id}" }),
    ]);
    const assoc = resourcesOf(json, "aws_route_table_association");
    for (const zone of ["a", "b", "c"]) {
      expect(assoc[`vpc_public_${zone}_routes`]).toMatchObject({
        subnet_id: `\${aws_subnet.vpc_public_${zone}.id}`,
        route_table_id: "${aws_route_table.vpc_public_routes.id}",
      });
    }
  });

  it('shares one NAT gateway with "single", in the first public subnet', () => {
    const json = synth();
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toEqual(["vpc_nat"]);
    expect(onlyResource(json, "aws_nat_gateway")).toMatchObject({
      subnet_id: "${aws_subnet.vpc_public_a.id}",
      allocation_id: "${aws_eip.vpc_nat_ip.allocation_id}",
      depends_on: ["aws_internet_gateway.vpc_internet_gateway"],
    });
    const tables = resourcesOf(json, "aws_route_table");
    for (const zone of ["a", "b", "c"]) {
      expect(tables[`vpc_private_${zone}_routes`].route).toEqual([
        expect.objectContaining({ nat_gateway_id: "${aws_nat_gateway.vpc_nat.id}" }),
      ]);
    }
  });

  it("gives each zone its own NAT gateway and route table with perAz", () => {
    const json = synth({ natGateways: "perAz" });
    expect(Object.keys(resourcesOf(json, "aws_nat_gateway")).sort()).toEqual(["vpc_nat_a", "vpc_nat_b", "vpc_nat_c"]);
    expect(Object.keys(resourcesOf(json, "aws_eip"))).toHaveLength(3);
    const tables = resourcesOf(json, "aws_route_table");
    for (const zone of ["a", "b", "c"]) {
      expect(resourcesOf(json, "aws_nat_gateway")[`vpc_nat_${zone}`].subnet_id).toBe(`\${aws_subnet.vpc_public_${zone}.id}`);
      expect(tables[`vpc_private_${zone}_routes`].route).toEqual([
        expect.objectContaining({ nat_gateway_id: `\${aws_nat_gateway.vpc_nat_${zone}.id}` }),
      ]);
      expect(resourcesOf(json, "aws_route_table_association")[`vpc_private_${zone}_routes_association`]).toMatchObject({
        subnet_id: `\${aws_subnet.vpc_private_${zone}.id}`,
        route_table_id: `\${aws_route_table.vpc_private_${zone}_routes.id}`,
      });
    }
  });

  it("locks down the default security group", () => {
    const sg = onlyResource(synth(), "aws_default_security_group");
    expect(sg).not.toHaveProperty("ingress");
    expect(sg).not.toHaveProperty("egress");
  });

  it("sends flow logs to a retained log group through a role that may write only there", () => {
    const json = synth({ flowLogs: { ...props.flowLogs!, retentionDays: 90, trafficType: "REJECT", sourceAccount: "123456789012" } });
    expect(onlyResource(json, "aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/vpc/fixture-alpha/flow-logs",
      retention_in_days: 90,
    });
    expect(onlyResource(json, "aws_flow_log")).toMatchObject({
      vpc_id: "${aws_vpc.vpc.id}",
      traffic_type: "REJECT",
      log_destination: "${aws_cloudwatch_log_group.vpc_flow_logs.arn}",
      iam_role_arn: "${aws_iam_role.vpc_flow_logs_role.arn}",
    });
    const role = onlyResource(json, "aws_iam_role");
    expect(policyOf(role.assume_role_policy).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
    const policy = policyOf(onlyResource(json, "aws_iam_role_policy").policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Resource: ["${aws_cloudwatch_log_group.vpc_flow_logs.arn}", "${aws_cloudwatch_log_group.vpc_flow_logs.arn}:*"],
      }),
    ]);
    expect(policy.Statement[0].Action).not.toContain("logs:*");
  });

  it("creates no flow-log resources when they are turned off", () => {
    const json = synth({ flowLogs: undefined });
    expect(resourcesOf(json, "aws_flow_log")).toEqual({});
    expect(resourcesOf(json, "aws_iam_role")).toEqual({});
  });
});

describe("Vpc with an existing VPC", () => {
  const existing: ExistingVpcProps = {
    namePrefix: "fixture-byo",
    clusterName: "fixture-byo-eks",
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
    flowLogs: props.flowLogs,
    existing: {
      vpcId: "vpc-0a1b2c3d4e5f60718",
      cidr: "10.70.0.0/16",
      privateSubnets: [
        { id: "subnet-0a000000000000001", zone: "eu-west-1a", cidr: "10.70.0.0/19" },
        { id: "subnet-0a000000000000002", zone: "eu-west-1b", cidr: "10.70.32.0/19" },
      ],
      publicSubnets: [{ id: "subnet-0b000000000000001", zone: "eu-west-1a", cidr: "10.70.224.0/22" }],
      addDiscoveryTags: false,
    },
  };
  const synthExisting = (p: Partial<ExistingVpcProps> = {}, e: Partial<ExistingVpcProps["existing"]> = {}) => {
    let vpc: Vpc | undefined;
    const json = synthConstruct((scope) => {
      vpc = new Vpc(scope, "vpc", { ...existing, ...p, existing: { ...existing.existing, ...e } });
    });
    return { json, vpc: vpc! };
  };

  it("defines no VPC, subnet, gateway, route or default security group, and passes the given ids on", () => {
    const { json, vpc } = synthExisting();
    for (const type of [
      "aws_vpc",
      "aws_subnet",
      "aws_internet_gateway",
      "aws_nat_gateway",
      "aws_eip",
      "aws_route_table",
      "aws_route_table_association",
      "aws_default_security_group",
      "aws_ec2_tag",
    ]) {
      expect(resourcesOf(json, type), type).toEqual({});
    }
    expect(vpc.vpc).toBeUndefined();
    expect(vpc.vpcId).toBe("vpc-0a1b2c3d4e5f60718");
    expect(vpc.privateSubnetIds).toEqual(["subnet-0a000000000000001", "subnet-0a000000000000002"]);
    expect(vpc.publicSubnetIds).toEqual(["subnet-0b000000000000001"]);
  });

  it("logs the existing VPC's traffic through its own log group and role", () => {
    const { json } = synthExisting();
    expect(onlyResource(json, "aws_flow_log")).toMatchObject({
      vpc_id: "vpc-0a1b2c3d4e5f60718",
      traffic_type: "ALL",
      log_destination: "${aws_cloudwatch_log_group.vpc_flow_logs.arn}",
      iam_role_arn: "${aws_iam_role.vpc_flow_logs_role.arn}",
    });
    expect(onlyResource(json, "aws_cloudwatch_log_group")).toMatchObject({
      name: "/aws/vpc/fixture-alpha/flow-logs",
      retention_in_days: 365,
    });
  });

  it("defines nothing at all without flow logs and tags", () => {
    expect(synthExisting({ flowLogs: undefined }).json.resource ?? {}).toEqual({});
  });

  it("adds the EKS discovery tags, one aws_ec2_tag per subnet and key, named by the subnet's id", () => {
    const tags = resourcesOf(synthExisting({}, { addDiscoveryTags: true }).json, "aws_ec2_tag");
    const cluster = "kubernetes.io/cluster/fixture-byo-eks";
    expect(tags).toEqual({
      "vpc_subnet-0a000000000000001_cluster_tag": { resource_id: "subnet-0a000000000000001", key: cluster, value: "shared" },
      "vpc_subnet-0a000000000000001_role_tag": {
        resource_id: "subnet-0a000000000000001",
        key: "kubernetes.io/role/internal-elb",
        value: "1",
      },
      "vpc_subnet-0a000000000000002_cluster_tag": { resource_id: "subnet-0a000000000000002", key: cluster, value: "shared" },
      "vpc_subnet-0a000000000000002_role_tag": {
        resource_id: "subnet-0a000000000000002",
        key: "kubernetes.io/role/internal-elb",
        value: "1",
      },
      "vpc_subnet-0b000000000000001_cluster_tag": { resource_id: "subnet-0b000000000000001", key: cluster, value: "shared" },
      "vpc_subnet-0b000000000000001_role_tag": { resource_id: "subnet-0b000000000000001", key: "kubernetes.io/role/elb", value: "1" },
    });
  });

  it("keeps each tag's address when the subnets are listed in another order", () => {
    const reordered = { privateSubnets: [...existing.existing.privateSubnets].reverse(), addDiscoveryTags: true };
    const before = Object.keys(resourcesOf(synthExisting({}, { addDiscoveryTags: true }).json, "aws_ec2_tag")).sort();
    expect(Object.keys(resourcesOf(synthExisting({}, reordered).json, "aws_ec2_tag")).sort()).toEqual(before);
  });
});
