import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Ec2Tag } from "@cdktf/provider-aws/lib/ec2-tag";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc as AwsVpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";
import { PRIMARY_RESOURCE_ID } from "../lib/addressing";
import { policyDocument, serviceTrustPolicy } from "../lib/iam";
import { zoneSuffix } from "../lib/naming";
import { eksDiscoveryTags } from "../lib/tags";
import type { DeclaredVpc } from "../lib/validation";

/** What both kinds of {@link VpcProps} have. */
interface VpcCommonProps {
  /** Prefix of every resource name: `<project>-<env>`. */
  readonly namePrefix: string;
  /** The EKS cluster that will use this VPC; its discovery tags go on the VPC and subnets. */
  readonly clusterName: string;
  /** Availability zones, at least two. Subnet lists follow this order. */
  readonly availabilityZones: readonly string[];
  /** VPC flow logs to CloudWatch. @default - none: no flow logs */
  readonly flowLogs?: {
    readonly logGroupName: string;
    readonly roleName: string;
    /** Days the flow logs are kept (0 = never expire). */
    readonly retentionDays: number;
    /** Which traffic is logged. */
    readonly trafficType: "ALL" | "ACCEPT" | "REJECT";
    /** KMS key ARN of the log group. @default - CloudWatch's own encryption */
    readonly kmsKeyArn?: string;
    /** The account id, to scope the role's trust to this account's flow logs. @default - unscoped */
    readonly sourceAccount?: string;
  };
}

/** Props of a {@link Vpc} that defines the network. */
export interface NewVpcProps extends VpcCommonProps {
  /** The VPC CIDR, e.g. `10.0.0.0/16`. */
  readonly cidr: string;
  /** One public subnet CIDR per zone (load balancers, NAT gateways). */
  readonly publicSubnetCidrs: readonly string[];
  /** One private subnet CIDR per zone (nodes, pods, Fargate, the control plane's ENIs). */
  readonly privateSubnetCidrs: readonly string[];
  /** One NAT gateway for all zones, or one per zone. */
  readonly natGateways: "single" | "perAz";
  /** Unset for a network defined here; an existing one is {@link ExistingVpcProps}. @default - the network is defined here */
  readonly existing?: undefined;
}

/** An existing VPC, as declared (nothing is looked up), and whether to tag its subnets. */
export interface ExistingNetwork extends DeclaredVpc {
  /**
   * Add the EKS discovery tags to the subnets, one `aws_ec2_tag` per subnet and key (destroying
   * them removes the tags); otherwise the subnets must carry them already.
   */
  readonly addDiscoveryTags: boolean;
}

/** Props of a {@link Vpc} that uses an existing network. */
export interface ExistingVpcProps extends VpcCommonProps {
  /** The existing VPC and its subnets: nothing of them is defined here. */
  readonly existing: ExistingNetwork;
}

/** Props of {@link Vpc}: a network to define, or an existing one to use. */
export type VpcProps = NewVpcProps | ExistingVpcProps;

/**
 * Defines the environment's network (the blog posts' `vpc` module): a VPC with DNS support and
 * hostnames, a public and a private subnet per zone with their EKS discovery tags, an internet
 * gateway, NAT gateway(s), route tables, a locked-down default security group, and VPC flow logs to
 * CloudWatch through a role that may write only to its own log group.
 *
 * With `existing`, it defines none of the network: it passes the existing VPC's ids on, and defines
 * only the flow logs of that VPC and, when asked, the subnets' EKS discovery tags. The existing
 * VPC's default security group, routes and gateways stay its owner's.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html
 */
export class Vpc extends Construct {
  /** The VPC resource; undefined with an existing VPC. */
  readonly vpc?: AwsVpc;
  readonly vpcId: string;
  /** Public subnet ids, in zone order (with an existing VPC: as listed). */
  readonly publicSubnetIds: string[];
  /** Private subnet ids, in zone order (with an existing VPC: as listed). */
  readonly privateSubnetIds: string[];
  /** The subnets defined here; none with an existing VPC. */
  readonly publicSubnets: Subnet[] = [];
  readonly privateSubnets: Subnet[] = [];
  readonly natGateways: NatGateway[] = [];
  /** The EKS discovery tags added to an existing VPC's subnets (`existing.addDiscoveryTags`). */
  readonly discoveryTags: Ec2Tag[] = [];
  readonly flowLogGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: VpcProps) {
    super(scope, id);
    if (props.existing) {
      const existing = props.existing;
      this.vpcId = existing.vpcId;
      this.privateSubnetIds = existing.privateSubnets.map((s) => s.id);
      this.publicSubnetIds = existing.publicSubnets.map((s) => s.id);
      if (existing.addDiscoveryTags) this.tagSubnets(props.clusterName, existing);
    } else {
      this.vpc = this.defineNetwork(props);
      this.vpcId = this.vpc.id;
      this.publicSubnetIds = this.publicSubnets.map((s) => s.id);
      this.privateSubnetIds = this.privateSubnets.map((s) => s.id);
    }
    if (props.flowLogs) this.flowLogGroup = this.defineFlowLogs(props.namePrefix, props.flowLogs);
  }

  /** The VPC, its subnets, gateways and routes. */
  private defineNetwork(props: NewVpcProps): AwsVpc {
    const { namePrefix: prefix, clusterName } = props;
    const zones = props.availabilityZones;

    const vpc = new AwsVpc(this, PRIMARY_RESOURCE_ID, {
      cidrBlock: props.cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: `${prefix}-vpc`, ...eksDiscoveryTags(clusterName, "vpc") },
    });
    // The default security group allows all traffic between its members; nothing should use it.
    new DefaultSecurityGroup(this, "default_security_group", { vpcId: vpc.id, tags: { Name: `${prefix}-default-deny-all` } });

    const igw = new InternetGateway(this, "internet_gateway", { vpcId: vpc.id, tags: { Name: `${prefix}-igw` } });

    this.publicSubnets.push(
      ...zones.map(
        (az, i) =>
          new Subnet(this, `public_${zoneSuffix(az)}`, {
            vpcId: vpc.id,
            availabilityZone: az,
            cidrBlock: props.publicSubnetCidrs[i],
            mapPublicIpOnLaunch: false, // only load balancers and NAT gateways live here
            tags: { Name: `${prefix}-public-${az}`, ...eksDiscoveryTags(clusterName, "public-subnet") },
          }),
      ),
    );
    this.privateSubnets.push(
      ...zones.map(
        (az, i) =>
          new Subnet(this, `private_${zoneSuffix(az)}`, {
            vpcId: vpc.id,
            availabilityZone: az,
            cidrBlock: props.privateSubnetCidrs[i],
            mapPublicIpOnLaunch: false,
            tags: { Name: `${prefix}-private-${az}`, ...eksDiscoveryTags(clusterName, "private-subnet") },
          }),
      ),
    );

    const publicRoutes = new RouteTable(this, "public_routes", {
      vpcId: vpc.id,
      route: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: { Name: `${prefix}-public` },
    });
    this.publicSubnets.forEach((subnet, i) => {
      new RouteTableAssociation(this, `public_${zoneSuffix(zones[i])}_routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
    });

    const natZones = props.natGateways === "perAz" ? zones : zones.slice(0, 1);
    this.natGateways.push(
      ...natZones.map((az, i) => {
        const suffix = natZones.length === 1 ? "" : `_${zoneSuffix(az)}`;
        const eip = new Eip(this, `nat${suffix}_ip`, { domain: "vpc", tags: { Name: `${prefix}-nat-${az}` } });
        return new NatGateway(this, `nat${suffix}`, {
          allocationId: eip.allocationId,
          subnetId: this.publicSubnets[i].id,
          tags: { Name: `${prefix}-nat-${az}` },
          dependsOn: [igw],
        });
      }),
    );
    this.privateSubnets.forEach((subnet, i) => {
      const az = zones[i];
      const nat = this.natGateways[natZones.length === 1 ? 0 : i];
      const routes = new RouteTable(this, `private_${zoneSuffix(az)}_routes`, {
        vpcId: vpc.id,
        route: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
        tags: { Name: `${prefix}-private-${az}` },
      });
      new RouteTableAssociation(this, `private_${zoneSuffix(az)}_routes_association`, { subnetId: subnet.id, routeTableId: routes.id });
    });
    return vpc;
  }

  /**
   * The EKS discovery tags of an existing VPC's subnets, one `aws_ec2_tag` per subnet and key, named
   * by the subnet's id (so reordering the lists changes no address).
   */
  private tagSubnets(clusterName: string, existing: ExistingNetwork): void {
    const kinds = [
      [existing.privateSubnets, "private-subnet"],
      [existing.publicSubnets, "public-subnet"],
    ] as const;
    for (const [subnets, role] of kinds) {
      for (const subnet of subnets) {
        for (const [key, value] of Object.entries(eksDiscoveryTags(clusterName, role))) {
          const what = key.startsWith("kubernetes.io/cluster/") ? "cluster" : "role";
          this.discoveryTags.push(new Ec2Tag(this, `${subnet.id}_${what}_tag`, { resourceId: subnet.id, key, value }));
        }
      }
    }
  }

  /** Flow logs of the VPC to their own log group, through a role that may write only there. */
  private defineFlowLogs(prefix: string, fl: NonNullable<VpcCommonProps["flowLogs"]>): CloudwatchLogGroup {
    const group = new CloudwatchLogGroup(this, "flow_logs", {
      name: fl.logGroupName,
      retentionInDays: fl.retentionDays,
      kmsKeyId: fl.kmsKeyArn,
    });
    const role = new IamRole(this, "flow_logs_role", {
      name: fl.roleName,
      description: `Lets VPC flow logs of ${prefix} write to ${fl.logGroupName}`,
      assumeRolePolicy: serviceTrustPolicy(
        "vpc-flow-logs.amazonaws.com",
        fl.sourceAccount ? { condition: { StringEquals: { "aws:SourceAccount": fl.sourceAccount } } } : {},
      ),
    });
    new IamRolePolicy(this, "flow_logs_policy", {
      name: "write-flow-logs",
      role: role.id,
      policy: policyDocument([
        {
          Sid: "WriteOwnLogGroup",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
          Resource: [group.arn, `${group.arn}:*`],
        },
      ]),
    });
    new FlowLog(this, "flow_log", {
      vpcId: this.vpcId,
      trafficType: fl.trafficType,
      logDestinationType: "cloud-watch-logs",
      logDestination: group.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
      tags: { Name: `${prefix}-flow-log` },
    });
    return group;
  }
}
