"""Elastic Load Balancing v2, the control plane: load balancers, target groups, targets,
listeners, rules, attributes and tags, as AWS answers them (API reference and the
botocore elbv2 model decide). The traffic itself is in test_elb_traffic.py."""

import re
import unittest

try:
    from . import harness
    from . import elb_helpers as e
except ImportError:
    import harness
    import elb_helpers as e


MISSING_TG_ARN = ("arn:aws:elasticloadbalancing:us-east-1:%s:targetgroup/missing-tg/0123456789abcdef"
                  % e.DEFAULT_ACCOUNT)
MISSING_LB_ARN = ("arn:aws:elasticloadbalancing:us-east-1:%s:loadbalancer/app/missing-lb/0123456789abcdef"
                  % e.DEFAULT_ACCOUNT)


def missing_listener_arn(lb_arn):
    return lb_arn.replace(":loadbalancer/", ":listener/") + "/0123456789abcdef"


def missing_rule_arn(listener_arn):
    return listener_arn.replace(":listener/", ":listener-rule/") + "/0123456789abcdef"


class ElbApiTestCase(e.ElbTestCase):

    def assertSubset(self, expected, actual, path="value"):
        """Every key of `expected` is in `actual` with an equal value (dicts recursively;
        lists element by element)."""
        if isinstance(expected, dict):
            self.assertIsInstance(actual, dict, "%s: %r" % (path, actual))
            for k, v in expected.items():
                self.assertIn(k, actual, "%s: %r has no %s" % (path, actual, k))
                self.assertSubset(v, actual[k], "%s.%s" % (path, k))
        elif isinstance(expected, list):
            self.assertIsInstance(actual, list, "%s: %r" % (path, actual))
            self.assertEqual(len(expected), len(actual), "%s: %r vs %r" % (path, expected, actual))
            for i, (x, y) in enumerate(zip(expected, actual)):
                self.assertSubset(x, y, "%s[%d]" % (path, i))
        else:
            self.assertEqual(expected, actual, path)

    def assertForwardAction(self, action, tg_arn):
        """A simple forward action as AWS describes it: TargetGroupArn plus the
        equivalent ForwardConfig (weight 1, group stickiness off)."""
        self.assertEqual(action["Type"], "forward", action)
        self.assertEqual(action.get("TargetGroupArn"), tg_arn, action)
        config = action.get("ForwardConfig")
        self.assertIsNotNone(config, action)
        self.assertEqual([(t["TargetGroupArn"], t.get("Weight")) for t in config["TargetGroups"]],
                         [(tg_arn, 1)], action)
        self.assertEqual(config.get("TargetGroupStickinessConfig", {}).get("Enabled"), False, action)

    def lb_with_tg(self):
        """A new ALB, a target group and an HTTP listener forwarding to it."""
        lb = self.create_lb()
        tg = self.create_tg()
        listener = self.create_listener(lb["LoadBalancerArn"], e.forward(tg["TargetGroupArn"]))
        return lb, tg, listener


# -- load balancers ------------------------------------------------------------------------

class LoadBalancerTest(ElbApiTestCase):

    def test_create_application_load_balancer(self):
        name = e.unique("alb")
        lb = self.create_lb(name)
        match = e.lb_arn_re(name).match(lb["LoadBalancerArn"])
        self.assertIsNotNone(match, lb["LoadBalancerArn"])
        self.assertEqual(lb["LoadBalancerName"], name)
        self.assertEqual(lb["Type"], "application")
        self.assertEqual(lb["Scheme"], "internet-facing")
        self.assertEqual(lb["IpAddressType"], "ipv4")
        self.assertIn(lb["State"]["Code"], ("provisioning", "active"))
        # AWS: <name>-<digits>.<region>.elb.amazonaws.com (the domain is left open: a local
        # emulator may answer with one that resolves locally)
        self.assertRegex(lb["DNSName"], r"^%s-\d+\.us-east-1\.elb\.[a-z.]+$" % re.escape(name))
        self.assertEqual(lb["CanonicalHostedZoneId"], e.ALB_HOSTED_ZONE_US_EAST_1)
        self.assertTrue(lb["VpcId"].startswith("vpc-"), lb)
        self.assertRecentTime(lb["CreatedTime"])
        zones = lb["AvailabilityZones"]
        self.assertGreaterEqual(len(zones), 1, lb)
        for zone in zones:
            self.assertTrue(zone["ZoneName"].startswith("us-east-1"), zone)
            self.assertTrue(zone["SubnetId"].startswith("subnet-"), zone)

        described = self.describe_lb(lb["LoadBalancerArn"])
        for key in ("LoadBalancerArn", "LoadBalancerName", "DNSName", "CanonicalHostedZoneId",
                    "Type", "Scheme", "VpcId", "IpAddressType"):
            self.assertEqual(described[key], lb[key], key)

    def test_create_internal_load_balancer(self):
        name = e.unique("int")
        lb = self.create_lb(name, Scheme="internal")
        self.assertEqual(lb["Scheme"], "internal")
        # AWS gives internal load balancers a DNS name starting with "internal-"
        self.assertRegex(lb["DNSName"], r"^internal-%s-\d+\.us-east-1\.elb\." % re.escape(name))

    def test_create_network_load_balancer(self):
        name = e.unique("nlb")
        lb = self.create_lb(name, Type="network")
        self.assertRegex(lb["LoadBalancerArn"], e.lb_arn_re(name, kind="net"))
        self.assertEqual(lb["Type"], "network")
        self.assertEqual(lb["Scheme"], "internet-facing")
        self.assertEqual(lb["IpAddressType"], "ipv4")
        self.assertIn(lb["State"]["Code"], ("provisioning", "active"))
        # network load balancers: <name>-<hex id>.elb.<region>.amazonaws.com
        self.assertRegex(lb["DNSName"], r"^%s-[0-9a-f]+\.elb\.us-east-1\.[a-z.]+$" % re.escape(name))
        self.assertEqual(lb["CanonicalHostedZoneId"], e.NLB_HOSTED_ZONE_US_EAST_1)
        attrs = self.lb_attributes(lb["LoadBalancerArn"])
        self.assertEqual(attrs.get("deletion_protection.enabled"), "false", attrs)
        self.assertEqual(attrs.get("load_balancing.cross_zone.enabled"), "false", attrs)

    def test_waiters(self):
        lb = self.create_lb()
        arn = lb["LoadBalancerArn"]
        self.elb.get_waiter("load_balancer_available").wait(
            LoadBalancerArns=[arn], WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        self.assertEqual(self.describe_lb(arn)["State"]["Code"], "active")
        self.elb.delete_load_balancer(LoadBalancerArn=arn)
        self.elb.get_waiter("load_balancers_deleted").wait(
            LoadBalancerArns=[arn], WaiterConfig={"Delay": 1, "MaxAttempts": 30})

    def test_create_with_same_settings_is_idempotent(self):
        name = e.unique("idem")
        first = self.create_lb(name)
        again = self.create_lb(name)
        self.assertEqual(again["LoadBalancerArn"], first["LoadBalancerArn"])
        found = self.elb.describe_load_balancers(Names=[name])["LoadBalancers"]
        self.assertEqual(len(found), 1)

    def test_duplicate_name_with_other_settings(self):
        name = e.unique("dup")
        self.create_lb(name)
        with self.assertAwsError(e.DUPLICATE_LOAD_BALANCER_NAME):
            self.create_lb(name, Scheme="internal")
        with self.assertAwsError(e.DUPLICATE_LOAD_BALANCER_NAME):
            self.create_lb(name, Type="network")

    def test_invalid_names(self):
        for name in ("a" * 33, "internal-web", "-web", "web-", "web_app", "web.app", "web app",
                     "w\u00e9b"):
            with self.subTest(name=name):
                with self.assertAwsError(e.VALIDATION_ERROR):
                    self.create_lb(name, client=self.raw)
        longest = (e.unique("l") + "x" * 32)[:32]
        self.assertEqual(self.create_lb(longest)["LoadBalancerName"], longest)

    def test_describe_by_names_and_arns(self):
        a, b = self.create_lb(), self.create_lb()
        by_name = self.elb.describe_load_balancers(
            Names=[a["LoadBalancerName"], b["LoadBalancerName"]])["LoadBalancers"]
        self.assertEqual({lb["LoadBalancerArn"] for lb in by_name},
                         {a["LoadBalancerArn"], b["LoadBalancerArn"]})
        by_arn = self.elb.describe_load_balancers(LoadBalancerArns=[b["LoadBalancerArn"]])["LoadBalancers"]
        self.assertEqual([lb["LoadBalancerName"] for lb in by_arn], [b["LoadBalancerName"]])
        everything = self.elb.describe_load_balancers(PageSize=400)["LoadBalancers"]
        self.assertTrue({a["LoadBalancerArn"], b["LoadBalancerArn"]}
                        <= {lb["LoadBalancerArn"] for lb in everything})

    def test_describe_missing(self):
        existing = self.create_lb()
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_load_balancers(Names=[e.unique("nope")])
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_load_balancers(Names=[existing["LoadBalancerName"], e.unique("nope")])
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_load_balancers(LoadBalancerArns=[MISSING_LB_ARN])
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_load_balancer_attributes(LoadBalancerArn=MISSING_LB_ARN)

    def test_pagination(self):
        prefix = e.unique("pg")
        created = {self.create_lb("%s-%d" % (prefix, i))["LoadBalancerArn"] for i in range(3)}
        seen, marker, pages = [], None, 0
        while True:
            kwargs = {"PageSize": 2}
            if marker:
                kwargs["Marker"] = marker
            res = self.elb.describe_load_balancers(**kwargs)
            pages += 1
            self.assertLessEqual(len(res["LoadBalancers"]), 2)
            seen.extend(lb["LoadBalancerArn"] for lb in res["LoadBalancers"])
            marker = res.get("NextMarker")
            if not marker:
                break
            self.assertLess(pages, 2000)
        self.assertGreaterEqual(pages, 2)
        self.assertEqual(len(seen), len(set(seen)), "a load balancer on two pages")
        self.assertTrue(created <= set(seen))
        # the paginator walks the same pages
        arns = [lb["LoadBalancerArn"]
                for page in self.elb.get_paginator("describe_load_balancers").paginate(
                    PaginationConfig={"PageSize": 2})
                for lb in page["LoadBalancers"]]
        self.assertEqual(sorted(arns), sorted(seen))

    def test_delete_is_idempotent(self):
        lb = self.create_lb()
        arn, name = lb["LoadBalancerArn"], lb["LoadBalancerName"]
        self.assertEqual(self.elb.delete_load_balancer(LoadBalancerArn=arn)
                         ["ResponseMetadata"]["HTTPStatusCode"], 200)
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_load_balancers(LoadBalancerArns=[arn])
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_load_balancers(Names=[name])
        # deleting again, or a load balancer that never existed, succeeds
        self.elb.delete_load_balancer(LoadBalancerArn=arn)
        self.elb.delete_load_balancer(LoadBalancerArn=MISSING_LB_ARN)
        # the name is free again, with a new ARN
        again = self.create_lb(name)
        self.assertNotEqual(again["LoadBalancerArn"], arn)

    def test_delete_removes_listeners_and_releases_target_groups(self):
        lb, tg, listener = self.lb_with_tg()
        self.assertEqual(self.describe_tg(tg["TargetGroupArn"])["LoadBalancerArns"],
                         [lb["LoadBalancerArn"]])
        self.elb.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
        with self.assertAwsError(e.LISTENER_NOT_FOUND):
            self.elb.describe_listeners(ListenerArns=[listener["ListenerArn"]])
        self.assertEqual(self.describe_tg(tg["TargetGroupArn"])["LoadBalancerArns"], [])
        self.elb.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])

    def test_attribute_defaults(self):
        attrs = self.lb_attributes(self.create_lb()["LoadBalancerArn"])
        expected = {
            "idle_timeout.timeout_seconds": "60",
            "deletion_protection.enabled": "false",
            "routing.http2.enabled": "true",
            "access_logs.s3.enabled": "false",
            "routing.http.drop_invalid_header_fields.enabled": "false",
            "routing.http.xff_header_processing.mode": "append",
            "routing.http.preserve_host_header.enabled": "false",
        }
        for key, value in expected.items():
            self.assertEqual(attrs.get(key), value, "%s in %r" % (key, attrs))

    def test_modify_attributes(self):
        arn = self.create_lb()["LoadBalancerArn"]
        res = self.elb.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
            {"Key": "idle_timeout.timeout_seconds", "Value": "120"},
            {"Key": "routing.http2.enabled", "Value": "false"},
        ])
        returned = e.attributes_dict(res["Attributes"])
        self.assertEqual(returned.get("idle_timeout.timeout_seconds"), "120", returned)
        self.assertEqual(returned.get("routing.http2.enabled"), "false", returned)
        attrs = self.lb_attributes(arn)
        self.assertEqual(attrs["idle_timeout.timeout_seconds"], "120")
        self.assertEqual(attrs["routing.http2.enabled"], "false")
        self.assertEqual(attrs["deletion_protection.enabled"], "false")  # untouched

    def test_modify_attributes_invalid(self):
        arn = self.create_lb()["LoadBalancerArn"]
        with self.assertAwsError(e.VALIDATION_ERROR):
            self.elb.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
                {"Key": "no_such.attribute", "Value": "1"}])
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.modify_load_balancer_attributes(LoadBalancerArn=MISSING_LB_ARN, Attributes=[
                {"Key": "idle_timeout.timeout_seconds", "Value": "30"}])
        self.assertEqual(self.lb_attributes(arn)["idle_timeout.timeout_seconds"], "60")

    def test_deletion_protection(self):
        arn = self.create_lb()["LoadBalancerArn"]
        self.elb.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
            {"Key": "deletion_protection.enabled", "Value": "true"}])
        with self.assertAwsError(e.OPERATION_NOT_PERMITTED):
            self.elb.delete_load_balancer(LoadBalancerArn=arn)
        self.assertEqual(self.describe_lb(arn)["LoadBalancerArn"], arn)
        self.elb.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
            {"Key": "deletion_protection.enabled", "Value": "false"}])
        self.elb.delete_load_balancer(LoadBalancerArn=arn)
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_load_balancers(LoadBalancerArns=[arn])

    def test_accounts_and_regions_are_separate(self):
        other_account = self.server.client("elbv2", access_key="111122223333")
        name = e.unique("acct")
        lb = self.create_lb(name, client=other_account)
        self.assertRegex(lb["LoadBalancerArn"], e.lb_arn_re(name, account="111122223333"))
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_load_balancers(Names=[name])
        # the same name is free in the default account
        self.assertRegex(self.create_lb(name)["LoadBalancerArn"], e.lb_arn_re(name))

        europe = self.server.client("elbv2", region="eu-west-1")
        name = e.unique("region")
        lb = self.create_lb(name, client=europe)
        self.assertRegex(lb["LoadBalancerArn"], e.lb_arn_re(name, region="eu-west-1"))
        self.assertRegex(lb["DNSName"], r"^%s-\d+\.eu-west-1\.elb\." % re.escape(name))
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_load_balancers(Names=[name])


# -- target groups -------------------------------------------------------------------------

class TargetGroupTest(ElbApiTestCase):

    def test_create_defaults(self):
        name = e.unique("tg")
        tg = self.create_tg(name, port=8080)
        self.assertRegex(tg["TargetGroupArn"], e.tg_arn_re(name))
        self.assertEqual(tg["TargetGroupName"], name)
        self.assertEqual(tg["Protocol"], "HTTP")
        self.assertEqual(tg["Port"], 8080)
        self.assertEqual(tg["ProtocolVersion"], "HTTP1")
        self.assertEqual(tg["TargetType"], "instance")
        self.assertEqual(tg["HealthCheckProtocol"], "HTTP")
        self.assertEqual(tg["HealthCheckPort"], "traffic-port")
        self.assertIs(tg["HealthCheckEnabled"], True)
        self.assertEqual(tg["HealthCheckPath"], "/")
        self.assertEqual(tg["HealthCheckIntervalSeconds"], 30)
        self.assertEqual(tg["HealthCheckTimeoutSeconds"], 5)
        self.assertEqual(tg["HealthyThresholdCount"], 5)
        self.assertEqual(tg["UnhealthyThresholdCount"], 2)
        self.assertEqual(tg["Matcher"], {"HttpCode": "200"})
        self.assertEqual(tg["LoadBalancerArns"], [])
        self.assertEqual(tg["IpAddressType"], "ipv4")
        vpc = self.network()["vpc_id"]
        if vpc:
            self.assertEqual(tg["VpcId"], vpc)
        self.assertEqual(self.describe_tg(tg["TargetGroupArn"]), tg)

    def test_create_with_health_check_settings(self):
        tg = self.create_tg(TargetType="ip", HealthCheckPath="/health", HealthCheckPort="8081",
                            HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2,
                            HealthyThresholdCount=2, UnhealthyThresholdCount=10,
                            Matcher={"HttpCode": "200-299"})
        self.assertSubset({"TargetType": "ip", "HealthCheckPath": "/health", "HealthCheckPort": "8081",
                           "HealthCheckIntervalSeconds": 5, "HealthCheckTimeoutSeconds": 2,
                           "HealthyThresholdCount": 2, "UnhealthyThresholdCount": 10,
                           "Matcher": {"HttpCode": "200-299"}}, tg)
        tg = self.create_tg(HealthCheckIntervalSeconds=300, HealthCheckTimeoutSeconds=120,
                            HealthyThresholdCount=10, UnhealthyThresholdCount=2)
        self.assertSubset({"HealthCheckIntervalSeconds": 300, "HealthCheckTimeoutSeconds": 120,
                           "HealthyThresholdCount": 10}, tg)

    def test_create_with_same_settings_is_idempotent(self):
        name = e.unique("tgidem")
        first = self.create_tg(name, port=8080, HealthCheckPath="/ping")
        again = self.create_tg(name, port=8080, HealthCheckPath="/ping")
        self.assertEqual(again["TargetGroupArn"], first["TargetGroupArn"])
        self.assertEqual(len(self.elb.describe_target_groups(Names=[name])["TargetGroups"]), 1)
        with self.assertAwsError(e.DUPLICATE_TARGET_GROUP_NAME):
            self.create_tg(name, port=8081, HealthCheckPath="/ping")
        with self.assertAwsError(e.DUPLICATE_TARGET_GROUP_NAME):
            self.create_tg(name, port=8080, HealthCheckPath="/other")

    def test_invalid_names(self):
        for name in ("t" * 33, "-tg", "tg-", "tg_1", "tg.1", "tg 1"):
            with self.subTest(name=name):
                with self.assertAwsError(e.VALIDATION_ERROR):
                    self.create_tg(name, client=self.raw)

    def test_health_check_ranges(self):
        bad = [
            {"HealthCheckIntervalSeconds": 4}, {"HealthCheckIntervalSeconds": 301},
            {"HealthCheckTimeoutSeconds": 1}, {"HealthCheckTimeoutSeconds": 121},
            {"HealthyThresholdCount": 1}, {"HealthyThresholdCount": 11},
            {"UnhealthyThresholdCount": 1}, {"UnhealthyThresholdCount": 11},
        ]
        for settings in bad:
            with self.subTest(**settings):
                with self.assertAwsError(e.VALIDATION_ERROR):
                    self.create_tg(client=self.raw, **settings)
        tg = self.create_tg()
        for settings in bad:
            with self.subTest(modify=settings):
                with self.assertAwsError(e.VALIDATION_ERROR):
                    self.raw.modify_target_group(TargetGroupArn=tg["TargetGroupArn"], **settings)

    def test_matcher(self):
        for code in ("200", "200,202", "200-299", "301,404"):
            with self.subTest(code=code):
                tg = self.create_tg(Matcher={"HttpCode": code})
                self.assertEqual(tg["Matcher"], {"HttpCode": code})
        for code in ("abc", "2xx", "200-"):
            with self.subTest(code=code):
                with self.assertAwsError(e.VALIDATION_ERROR):
                    self.create_tg(Matcher={"HttpCode": code})

    def test_modify_target_group(self):
        tg = self.create_tg()
        res = self.elb.modify_target_group(
            TargetGroupArn=tg["TargetGroupArn"], HealthCheckPath="/ping", HealthCheckPort="8081",
            HealthCheckIntervalSeconds=10, HealthCheckTimeoutSeconds=3, HealthyThresholdCount=3,
            UnhealthyThresholdCount=4, Matcher={"HttpCode": "200-299"})["TargetGroups"][0]
        expected = {"TargetGroupArn": tg["TargetGroupArn"], "HealthCheckPath": "/ping",
                    "HealthCheckPort": "8081", "HealthCheckIntervalSeconds": 10,
                    "HealthCheckTimeoutSeconds": 3, "HealthyThresholdCount": 3,
                    "UnhealthyThresholdCount": 4, "Matcher": {"HttpCode": "200-299"},
                    "Port": 80, "Protocol": "HTTP"}
        self.assertSubset(expected, res)
        self.assertSubset(expected, self.describe_tg(tg["TargetGroupArn"]))
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.elb.modify_target_group(TargetGroupArn=MISSING_TG_ARN, HealthCheckPath="/x")

    def test_describe_by_names_and_arns(self):
        a, b = self.create_tg(), self.create_tg()
        by_name = self.elb.describe_target_groups(
            Names=[a["TargetGroupName"], b["TargetGroupName"]])["TargetGroups"]
        self.assertEqual({t["TargetGroupArn"] for t in by_name},
                         {a["TargetGroupArn"], b["TargetGroupArn"]})
        by_arn = self.elb.describe_target_groups(TargetGroupArns=[a["TargetGroupArn"]])["TargetGroups"]
        self.assertEqual([t["TargetGroupName"] for t in by_arn], [a["TargetGroupName"]])
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.elb.describe_target_groups(Names=[e.unique("nope")])
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.elb.describe_target_groups(TargetGroupArns=[MISSING_TG_ARN])
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.elb.describe_target_group_attributes(TargetGroupArn=MISSING_TG_ARN)

    def test_describe_by_load_balancer(self):
        lb, tg, listener = self.lb_with_tg()
        other = self.create_tg()
        by_rule = self.create_tg()
        self.create_rule(listener["ListenerArn"], 10,
                         [{"Field": "path-pattern", "Values": ["/r/*"]}], e.forward(by_rule["TargetGroupArn"]))
        found = self.elb.describe_target_groups(LoadBalancerArn=lb["LoadBalancerArn"])["TargetGroups"]
        self.assertEqual({t["TargetGroupArn"] for t in found},
                         {tg["TargetGroupArn"], by_rule["TargetGroupArn"]})
        for t in found:
            self.assertEqual(t["LoadBalancerArns"], [lb["LoadBalancerArn"]])
        self.assertEqual(self.describe_tg(other["TargetGroupArn"])["LoadBalancerArns"], [])
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_target_groups(LoadBalancerArn=MISSING_LB_ARN)

    def test_delete(self):
        tg = self.create_tg()
        self.elb.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.elb.describe_target_groups(TargetGroupArns=[tg["TargetGroupArn"]])
        # deleting again succeeds (the operation has no not-found error)
        self.elb.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
        # the name can be used again
        again = self.create_tg(tg["TargetGroupName"])
        self.assertNotEqual(again["TargetGroupArn"], tg["TargetGroupArn"])

    def test_delete_in_use(self):
        lb, tg, listener = self.lb_with_tg()
        with self.assertAwsError(e.RESOURCE_IN_USE):
            self.elb.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
        by_rule = self.create_tg()
        rule = self.create_rule(listener["ListenerArn"], 5, [{"Field": "path-pattern", "Values": ["/x"]}],
                                e.forward(by_rule["TargetGroupArn"]))
        with self.assertAwsError(e.RESOURCE_IN_USE):
            self.elb.delete_target_group(TargetGroupArn=by_rule["TargetGroupArn"])
        self.elb.delete_rule(RuleArn=rule["RuleArn"])
        self.elb.delete_target_group(TargetGroupArn=by_rule["TargetGroupArn"])
        self.elb.delete_listener(ListenerArn=listener["ListenerArn"])
        self.elb.delete_target_group(TargetGroupArn=tg["TargetGroupArn"])
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.elb.describe_target_groups(TargetGroupArns=[tg["TargetGroupArn"]])

    def test_attribute_defaults(self):
        attrs = self.tg_attributes(self.create_tg()["TargetGroupArn"])
        expected = {
            "deregistration_delay.timeout_seconds": "300",
            "stickiness.enabled": "false",
            "stickiness.type": "lb_cookie",
            "stickiness.lb_cookie.duration_seconds": "86400",
            "slow_start.duration_seconds": "0",
            "load_balancing.algorithm.type": "round_robin",
        }
        for key, value in expected.items():
            self.assertEqual(attrs.get(key), value, "%s in %r" % (key, attrs))

    def test_modify_attributes(self):
        arn = self.create_tg()["TargetGroupArn"]
        returned = self.set_tg_attributes(arn, **{
            "stickiness__enabled": "true",
            "stickiness__type": "lb_cookie",
            "stickiness__lb_cookie__duration_seconds": "120",
            "deregistration_delay__timeout_seconds": "5",
            "load_balancing__algorithm__type": "least_outstanding_requests",
        })
        expected = {"stickiness.enabled": "true", "stickiness.type": "lb_cookie",
                    "stickiness.lb_cookie.duration_seconds": "120",
                    "deregistration_delay.timeout_seconds": "5",
                    "load_balancing.algorithm.type": "least_outstanding_requests"}
        for key, value in expected.items():
            self.assertEqual(returned.get(key), value, "%s in %r" % (key, returned))
        attrs = self.tg_attributes(arn)
        for key, value in expected.items():
            self.assertEqual(attrs.get(key), value, "%s in %r" % (key, attrs))
        self.set_tg_attributes(arn, load_balancing__algorithm__type="round_robin")
        self.assertEqual(self.tg_attributes(arn)["load_balancing.algorithm.type"], "round_robin")
        self.assertEqual(self.tg_attributes(arn)["stickiness.enabled"], "true")  # kept

    def test_modify_attributes_invalid(self):
        arn = self.create_tg()["TargetGroupArn"]
        with self.assertAwsError(e.VALIDATION_ERROR):
            self.set_tg_attributes(arn, no_such__attribute="1")
        with self.assertAwsError(e.VALIDATION_ERROR):
            self.set_tg_attributes(arn, deregistration_delay__timeout_seconds="3601")
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.set_tg_attributes(MISSING_TG_ARN, stickiness__enabled="true")
        self.assertEqual(self.tg_attributes(arn)["deregistration_delay.timeout_seconds"], "300")

    def test_pagination(self):
        created = {self.create_tg()["TargetGroupArn"] for _ in range(3)}
        seen = []
        for page in self.elb.get_paginator("describe_target_groups").paginate(
                PaginationConfig={"PageSize": 2}):
            self.assertLessEqual(len(page["TargetGroups"]), 2)
            seen.extend(t["TargetGroupArn"] for t in page["TargetGroups"])
        self.assertEqual(len(seen), len(set(seen)))
        self.assertTrue(created <= set(seen))


# -- targets -------------------------------------------------------------------------------

class TargetsTest(ElbApiTestCase):

    def test_register_describe_deregister(self):
        tg = self.create_tg()
        arn = tg["TargetGroupArn"]
        targets = [{"Id": "i-0000000000000000a", "Port": 18080},
                   {"Id": "i-0000000000000000b", "Port": 18081}]
        self.elb.register_targets(TargetGroupArn=arn, Targets=targets)
        descriptions = e.describe_health(self.elb, arn)
        self.assertEqual(sorted((d["Target"]["Id"], d["Target"]["Port"]) for d in descriptions),
                         [("i-0000000000000000a", 18080), ("i-0000000000000000b", 18081)])
        for d in descriptions:
            # the target group is not used by any load balancer
            self.assertEqual(d["TargetHealth"]["State"], "unused", d)
            self.assertEqual(d["TargetHealth"]["Reason"], "Target.NotInUse", d)
            self.assertTrue(d["TargetHealth"].get("Description"), d)
            self.assertEqual(d["HealthCheckPort"], str(d["Target"]["Port"]), d)

        self.elb.deregister_targets(TargetGroupArn=arn, Targets=[targets[0]])
        self.assertEqual([(d["Target"]["Id"], d["Target"]["Port"]) for d in e.describe_health(self.elb, arn)],
                         [("i-0000000000000000b", 18081)])

    def test_register_is_idempotent_per_id_and_port(self):
        arn = self.create_tg()["TargetGroupArn"]
        target = {"Id": "i-0000000000000000c", "Port": 18082}
        self.elb.register_targets(TargetGroupArn=arn, Targets=[target])
        self.elb.register_targets(TargetGroupArn=arn, Targets=[target])
        self.assertEqual(len(e.describe_health(self.elb, arn)), 1)
        # the same instance on another port is another target
        self.elb.register_targets(TargetGroupArn=arn, Targets=[{"Id": "i-0000000000000000c", "Port": 18083}])
        self.assertEqual(sorted(d["Target"]["Port"] for d in e.describe_health(self.elb, arn)), [18082, 18083])

    def test_port_defaults_to_target_group_port(self):
        arn = self.create_tg(port=18090)["TargetGroupArn"]
        self.elb.register_targets(TargetGroupArn=arn, Targets=[{"Id": "i-0000000000000000d"}])
        [d] = e.describe_health(self.elb, arn)
        self.assertEqual(d["Target"]["Port"], 18090)

    def test_target_not_registered(self):
        arn = self.create_tg()["TargetGroupArn"]
        self.elb.register_targets(TargetGroupArn=arn, Targets=[{"Id": "i-0000000000000000a", "Port": 18080}])
        [d] = e.describe_health(self.elb, arn, targets=[{"Id": "i-0000000000000000e", "Port": 18080}])
        self.assertEqual(d["Target"]["Id"], "i-0000000000000000e")
        self.assertEqual(d["TargetHealth"]["State"], "unused", d)
        self.assertEqual(d["TargetHealth"]["Reason"], "Target.NotRegistered", d)

    def test_missing_target_group(self):
        target = [{"Id": "i-0000000000000000a", "Port": 18080}]
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.elb.register_targets(TargetGroupArn=MISSING_TG_ARN, Targets=target)
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.elb.deregister_targets(TargetGroupArn=MISSING_TG_ARN, Targets=target)
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.elb.describe_target_health(TargetGroupArn=MISSING_TG_ARN)

    def test_deregister_target_that_is_not_registered(self):
        arn = self.create_tg()["TargetGroupArn"]
        with self.assertAwsError(e.INVALID_TARGET):
            self.elb.deregister_targets(TargetGroupArn=arn,
                                        Targets=[{"Id": "i-0000000000000000f", "Port": 18080}])

    def test_ip_targets(self):
        arn = self.create_tg(TargetType="ip", port=8080)["TargetGroupArn"]
        self.elb.register_targets(TargetGroupArn=arn, Targets=[
            {"Id": "172.31.10.20", "Port": 8080}, {"Id": "172.31.10.21", "Port": 8081}])
        self.assertEqual(sorted((d["Target"]["Id"], d["Target"]["Port"])
                                for d in e.describe_health(self.elb, arn)),
                         [("172.31.10.20", 8080), ("172.31.10.21", 8081)])

    def test_attached_target_group_starts_initial(self):
        lb, tg, listener = self.lb_with_tg()
        self.elb.register_targets(TargetGroupArn=tg["TargetGroupArn"],
                                  Targets=[{"Id": "i-0000000000000000a", "Port": e.free_port()}])
        [d] = e.describe_health(self.elb, tg["TargetGroupArn"])
        # default interval 30 s: nothing has been probed yet
        self.assertEqual(d["TargetHealth"]["State"], "initial", d)
        self.assertIn(d["TargetHealth"]["Reason"], ("Elb.RegistrationInProgress", "Elb.InitialHealthChecking"), d)


# -- listeners -----------------------------------------------------------------------------

class ListenerTest(ElbApiTestCase):

    def test_create_and_describe(self):
        lb = self.create_lb()
        tg = self.create_tg()
        port = e.free_port()
        listener = self.create_listener(lb["LoadBalancerArn"], e.forward(tg["TargetGroupArn"]), port=port)
        self.assertRegex(listener["ListenerArn"], e.listener_arn_re(lb["LoadBalancerArn"]))
        self.assertEqual(listener["LoadBalancerArn"], lb["LoadBalancerArn"])
        self.assertEqual(listener["Port"], port)
        self.assertEqual(listener["Protocol"], "HTTP")
        self.assertEqual(len(listener["DefaultActions"]), 1)
        self.assertForwardAction(listener["DefaultActions"][0], tg["TargetGroupArn"])

        by_lb = self.elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
        self.assertEqual([l["ListenerArn"] for l in by_lb], [listener["ListenerArn"]])
        [by_arn] = self.elb.describe_listeners(ListenerArns=[listener["ListenerArn"]])["Listeners"]
        self.assertEqual(by_arn["Port"], port)
        self.assertForwardAction(by_arn["DefaultActions"][0], tg["TargetGroupArn"])
        self.assertEqual(self.describe_tg(tg["TargetGroupArn"])["LoadBalancerArns"], [lb["LoadBalancerArn"]])

    def test_duplicate_port(self):
        lb, tg, listener = self.lb_with_tg()
        with self.assertAwsError(e.DUPLICATE_LISTENER):
            self.create_listener(lb["LoadBalancerArn"], e.forward(tg["TargetGroupArn"]),
                                 port=listener["Port"])
        second = self.create_listener(lb["LoadBalancerArn"], e.forward(tg["TargetGroupArn"]))
        self.assertEqual(len(self.elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]), 2)
        self.assertNotEqual(second["ListenerArn"], listener["ListenerArn"])

    def test_missing_resources(self):
        lb = self.create_lb()
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.create_listener(lb["LoadBalancerArn"], e.forward(MISSING_TG_ARN))
        self.assertEqual(self.elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"], [])
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.create_listener(MISSING_LB_ARN, e.fixed_response(200, "ok"))
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_listeners(LoadBalancerArn=MISSING_LB_ARN)
        with self.assertAwsError(e.LISTENER_NOT_FOUND):
            self.elb.describe_listeners(ListenerArns=[missing_listener_arn(lb["LoadBalancerArn"])])

    def test_fixed_response_and_redirect_actions(self):
        lb = self.create_lb()
        fixed = {"Type": "fixed-response",
                 "FixedResponseConfig": {"StatusCode": "418", "ContentType": "text/plain",
                                         "MessageBody": "I am a teapot"}}
        listener = self.create_listener(lb["LoadBalancerArn"], [fixed])
        self.assertSubset([fixed], listener["DefaultActions"])
        [described] = self.elb.describe_listeners(ListenerArns=[listener["ListenerArn"]])["Listeners"]
        self.assertSubset([fixed], described["DefaultActions"])

        redirect = {"Type": "redirect",
                    "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
        other = self.create_listener(lb["LoadBalancerArn"], [redirect])
        [described] = self.elb.describe_listeners(ListenerArns=[other["ListenerArn"]])["Listeners"]
        # the parts left out keep the request's own: #{host}, /#{path}, #{query}
        self.assertSubset([{"Type": "redirect",
                            "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301",
                                               "Host": "#{host}", "Path": "/#{path}",
                                               "Query": "#{query}"}}],
                          described["DefaultActions"])

    def test_invalid_actions(self):
        lb = self.create_lb()
        with self.assertAwsError(e.VALIDATION_ERROR):
            self.create_listener(lb["LoadBalancerArn"], e.fixed_response(302, "no"), client=self.raw)
        with self.assertAwsError(e.VALIDATION_ERROR):
            self.create_listener(lb["LoadBalancerArn"], [{"Type": "redirect", "RedirectConfig": {
                "Protocol": "HTTPS", "StatusCode": "HTTP_307"}}], client=self.raw)
        self.assertEqual(self.elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"], [])

    def test_modify_listener(self):
        lb, tg, listener = self.lb_with_tg()
        new_port = e.free_port()
        res = self.elb.modify_listener(ListenerArn=listener["ListenerArn"], Port=new_port,
                                       DefaultActions=e.fixed_response(200, "maintenance"))["Listeners"][0]
        self.assertEqual(res["ListenerArn"], listener["ListenerArn"])
        self.assertEqual(res["Port"], new_port)
        self.assertSubset(e.fixed_response(200, "maintenance"), res["DefaultActions"])
        [described] = self.elb.describe_listeners(ListenerArns=[listener["ListenerArn"]])["Listeners"]
        self.assertEqual(described["Port"], new_port)
        self.assertSubset(e.fixed_response(200, "maintenance"), described["DefaultActions"])
        # the target group is no longer used by the load balancer
        self.assertEqual(self.describe_tg(tg["TargetGroupArn"])["LoadBalancerArns"], [])
        # a port taken by another listener of the load balancer
        other = self.create_listener(lb["LoadBalancerArn"], e.fixed_response(200, "x"))
        with self.assertAwsError(e.DUPLICATE_LISTENER):
            self.elb.modify_listener(ListenerArn=listener["ListenerArn"], Port=other["Port"])
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.elb.modify_listener(ListenerArn=listener["ListenerArn"], DefaultActions=e.forward(MISSING_TG_ARN))
        with self.assertAwsError(e.LISTENER_NOT_FOUND):
            self.elb.modify_listener(ListenerArn=missing_listener_arn(lb["LoadBalancerArn"]), Port=e.free_port())

    def test_delete_listener(self):
        lb, tg, listener = self.lb_with_tg()
        self.elb.delete_listener(ListenerArn=listener["ListenerArn"])
        with self.assertAwsError(e.LISTENER_NOT_FOUND):
            self.elb.describe_listeners(ListenerArns=[listener["ListenerArn"]])
        self.assertEqual(self.elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"], [])
        self.assertEqual(self.describe_tg(tg["TargetGroupArn"])["LoadBalancerArns"], [])
        # the port can take a new listener
        again = self.create_listener(lb["LoadBalancerArn"], e.forward(tg["TargetGroupArn"]), port=listener["Port"])
        self.assertNotEqual(again["ListenerArn"], listener["ListenerArn"])


# -- rules ---------------------------------------------------------------------------------

class RuleTest(ElbApiTestCase):

    def setUp(self):
        self.lb, self.tg, self.listener = self.lb_with_tg()
        self.listener_arn = self.listener["ListenerArn"]

    def test_default_rule(self):
        [rule] = self.describe_rules(self.listener_arn)
        self.assertIs(rule["IsDefault"], True)
        self.assertEqual(rule["Priority"], "default")
        self.assertEqual(rule["Conditions"], [])
        self.assertRegex(rule["RuleArn"], e.rule_arn_re(self.listener_arn))
        self.assertEqual(len(rule["Actions"]), 1)
        self.assertForwardAction(rule["Actions"][0], self.tg["TargetGroupArn"])
        with self.assertAwsError(e.OPERATION_NOT_PERMITTED):
            self.elb.delete_rule(RuleArn=rule["RuleArn"])
        with self.assertAwsError(e.OPERATION_NOT_PERMITTED):
            self.elb.set_rule_priorities(RulePriorities=[{"RuleArn": rule["RuleArn"], "Priority": 7}])
        # ModifyListener's default actions are the default rule's actions
        self.elb.modify_listener(ListenerArn=self.listener_arn, DefaultActions=e.fixed_response(503, "down"))
        [rule] = self.describe_rules(self.listener_arn)
        self.assertSubset(e.fixed_response(503, "down"), rule["Actions"])

    def test_create_rule(self):
        other = self.create_tg()
        rule = self.create_rule(self.listener_arn, 10, [{"Field": "path-pattern", "Values": ["/api/*"]}],
                                e.forward(other["TargetGroupArn"]))
        self.assertRegex(rule["RuleArn"], e.rule_arn_re(self.listener_arn))
        self.assertEqual(rule["Priority"], "10")
        self.assertIs(rule["IsDefault"], False)
        self.assertForwardAction(rule["Actions"][0], other["TargetGroupArn"])
        rules = self.describe_rules(self.listener_arn)
        self.assertEqual(sorted((r["Priority"], r["IsDefault"]) for r in rules),
                         [("10", False), ("default", True)])
        [by_arn] = self.elb.describe_rules(RuleArns=[rule["RuleArn"]])["Rules"]
        self.assertEqual(by_arn["RuleArn"], rule["RuleArn"])
        self.assertConditionValues(by_arn["Conditions"][0], ["/api/*"])
        with self.assertAwsError(e.RULE_NOT_FOUND):
            self.elb.describe_rules(RuleArns=[missing_rule_arn(self.listener_arn)])
        with self.assertAwsError(e.LISTENER_NOT_FOUND):
            self.elb.describe_rules(ListenerArn=missing_listener_arn(self.lb["LoadBalancerArn"]))
        with self.assertAwsError(e.LISTENER_NOT_FOUND):
            self.create_rule(missing_listener_arn(self.lb["LoadBalancerArn"]), 10,
                             [{"Field": "path-pattern", "Values": ["/x"]}], e.fixed_response(200))
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.create_rule(self.listener_arn, 11, [{"Field": "path-pattern", "Values": ["/x"]}],
                             e.forward(MISSING_TG_ARN))

    def test_conditions_values_form(self):
        conditions = [{"Field": "path-pattern", "Values": ["/img/*"]},
                      {"Field": "host-header", "Values": ["www.example.com"]}]
        rule = self.create_rule(self.listener_arn, 20, conditions, e.fixed_response(200, "img"))
        [described] = self.elb.describe_rules(RuleArns=[rule["RuleArn"]])["Rules"]
        for rule_doc in (rule, described):
            by_field = {c["Field"]: c for c in rule_doc["Conditions"]}
            self.assertEqual(set(by_field), {"path-pattern", "host-header"})
            self.assertConditionValues(by_field["path-pattern"], ["/img/*"])
            self.assertConditionValues(by_field["host-header"], ["www.example.com"])

    def test_conditions_config_form(self):
        first = [
            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/v1/*"]}},
            {"Field": "host-header", "HostHeaderConfig": {"Values": ["*.example.com"]}},
            {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": "X-Env", "Values": ["staging"]}},
            {"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["GET", "HEAD"]}},
        ]
        second = [
            {"Field": "query-string", "QueryStringConfig": {"Values": [{"Key": "version", "Value": "v1"},
                                                                       {"Value": "beta"}]}},
            {"Field": "source-ip", "SourceIpConfig": {"Values": ["192.0.2.0/24"]}},
        ]
        r1 = self.create_rule(self.listener_arn, 30, first, e.fixed_response(200, "one"))
        r2 = self.create_rule(self.listener_arn, 31, second, e.fixed_response(200, "two"))
        described = {r["RuleArn"]: r for r in self.describe_rules(self.listener_arn)}
        for rule in (r1, described[r1["RuleArn"]]):
            by_field = {c["Field"]: c for c in rule["Conditions"]}
            self.assertEqual(set(by_field), {"path-pattern", "host-header", "http-header", "http-request-method"})
            self.assertConditionValues(by_field["path-pattern"], ["/v1/*"])
            self.assertConditionValues(by_field["host-header"], ["*.example.com"])
            self.assertConditionValues(by_field["http-request-method"], ["GET", "HEAD"])
            self.assertEqual(by_field["http-header"]["HttpHeaderConfig"],
                             {"HttpHeaderName": "X-Env", "Values": ["staging"]})
        for rule in (r2, described[r2["RuleArn"]]):
            by_field = {c["Field"]: c for c in rule["Conditions"]}
            self.assertEqual(set(by_field), {"query-string", "source-ip"})
            self.assertEqual(sorted((v.get("Key", ""), v["Value"])
                                    for v in by_field["query-string"]["QueryStringConfig"]["Values"]),
                             [("", "beta"), ("version", "v1")])
            self.assertConditionValues(by_field["source-ip"], ["192.0.2.0/24"])

    def test_priority_in_use(self):
        self.create_rule(self.listener_arn, 40, [{"Field": "path-pattern", "Values": ["/a"]}],
                         e.fixed_response(200, "a"))
        with self.assertAwsError(e.PRIORITY_IN_USE):
            self.create_rule(self.listener_arn, 40, [{"Field": "path-pattern", "Values": ["/b"]}],
                             e.fixed_response(200, "b"))
        self.assertEqual(len(self.describe_rules(self.listener_arn)), 2)

    def test_priority_range(self):
        for priority in (0, 50001):
            with self.subTest(priority=priority):
                with self.assertAwsError(e.VALIDATION_ERROR):
                    self.create_rule(self.listener_arn, priority, [{"Field": "path-pattern", "Values": ["/p"]}],
                                     e.fixed_response(200), client=self.raw)
        rule = self.create_rule(self.listener_arn, 50000, [{"Field": "path-pattern", "Values": ["/p"]}],
                                e.fixed_response(200))
        self.assertEqual(rule["Priority"], "50000")

    def test_set_rule_priorities(self):
        a = self.create_rule(self.listener_arn, 50, [{"Field": "path-pattern", "Values": ["/a"]}],
                             e.fixed_response(200, "a"))
        b = self.create_rule(self.listener_arn, 51, [{"Field": "path-pattern", "Values": ["/b"]}],
                             e.fixed_response(200, "b"))
        res = self.elb.set_rule_priorities(RulePriorities=[{"RuleArn": a["RuleArn"], "Priority": 60}])
        self.assertEqual({r["RuleArn"]: r["Priority"] for r in res["Rules"]}, {a["RuleArn"]: "60"})
        priorities = {r["RuleArn"]: r["Priority"] for r in self.describe_rules(self.listener_arn)}
        self.assertEqual(priorities[a["RuleArn"]], "60")
        self.assertEqual(priorities[b["RuleArn"]], "51")
        with self.assertAwsError(e.PRIORITY_IN_USE):
            self.elb.set_rule_priorities(RulePriorities=[{"RuleArn": b["RuleArn"], "Priority": 60}])
        with self.assertAwsError(e.RULE_NOT_FOUND):
            self.elb.set_rule_priorities(RulePriorities=[{"RuleArn": missing_rule_arn(self.listener_arn),
                                                          "Priority": 70}])
        priorities = {r["RuleArn"]: r["Priority"] for r in self.describe_rules(self.listener_arn)}
        self.assertEqual((priorities[a["RuleArn"]], priorities[b["RuleArn"]]), ("60", "51"))

    def test_modify_rule(self):
        rule = self.create_rule(self.listener_arn, 70, [{"Field": "path-pattern", "Values": ["/old/*"]}],
                                e.forward(self.tg["TargetGroupArn"]))
        res = self.elb.modify_rule(RuleArn=rule["RuleArn"],
                                   Conditions=[{"Field": "path-pattern", "PathPatternConfig": {"Values": ["/new/*"]}}],
                                   Actions=e.fixed_response(404, "gone"))["Rules"][0]
        self.assertEqual(res["RuleArn"], rule["RuleArn"])
        self.assertEqual(res["Priority"], "70")
        self.assertConditionValues(res["Conditions"][0], ["/new/*"])
        self.assertSubset(e.fixed_response(404, "gone"), res["Actions"])
        [described] = self.elb.describe_rules(RuleArns=[rule["RuleArn"]])["Rules"]
        self.assertConditionValues(described["Conditions"][0], ["/new/*"])
        self.assertSubset(e.fixed_response(404, "gone"), described["Actions"])
        with self.assertAwsError(e.RULE_NOT_FOUND):
            self.elb.modify_rule(RuleArn=missing_rule_arn(self.listener_arn), Actions=e.fixed_response(200))

    def test_delete_rule(self):
        rule = self.create_rule(self.listener_arn, 80, [{"Field": "path-pattern", "Values": ["/d"]}],
                                e.fixed_response(200, "d"))
        self.elb.delete_rule(RuleArn=rule["RuleArn"])
        with self.assertAwsError(e.RULE_NOT_FOUND):
            self.elb.describe_rules(RuleArns=[rule["RuleArn"]])
        with self.assertAwsError(e.RULE_NOT_FOUND):
            self.elb.delete_rule(RuleArn=rule["RuleArn"])
        self.assertEqual([r["Priority"] for r in self.describe_rules(self.listener_arn)], ["default"])
        # the priority is free again
        self.create_rule(self.listener_arn, 80, [{"Field": "path-pattern", "Values": ["/d"]}],
                         e.fixed_response(200, "d"))

    def test_deleting_listener_deletes_its_rules(self):
        rule = self.create_rule(self.listener_arn, 90, [{"Field": "path-pattern", "Values": ["/z"]}],
                                e.fixed_response(200, "z"))
        self.elb.delete_listener(ListenerArn=self.listener_arn)
        with self.assertAwsError(e.RULE_NOT_FOUND):
            self.elb.describe_rules(RuleArns=[rule["RuleArn"]])


# -- tags ----------------------------------------------------------------------------------

class TagTest(ElbApiTestCase):

    def tags_of(self, *arns):
        res = self.elb.describe_tags(ResourceArns=list(arns))["TagDescriptions"]
        return {d["ResourceArn"]: e.tags_dict(d.get("Tags", [])) for d in res}

    def test_tags_at_creation(self):
        lb = self.create_lb(Tags=[{"Key": "env", "Value": "test"}])
        tg = self.create_tg(Tags=[{"Key": "team", "Value": "web"}])
        listener = self.create_listener(lb["LoadBalancerArn"], e.forward(tg["TargetGroupArn"]),
                                        Tags=[{"Key": "tier", "Value": "front"}])
        rule = self.create_rule(listener["ListenerArn"], 1, [{"Field": "path-pattern", "Values": ["/t"]}],
                                e.fixed_response(200), Tags=[{"Key": "kind", "Value": "rule"}])
        self.assertEqual(self.tags_of(lb["LoadBalancerArn"], tg["TargetGroupArn"], listener["ListenerArn"],
                                      rule["RuleArn"]),
                         {lb["LoadBalancerArn"]: {"env": "test"}, tg["TargetGroupArn"]: {"team": "web"},
                          listener["ListenerArn"]: {"tier": "front"}, rule["RuleArn"]: {"kind": "rule"}})

    def test_add_and_remove_across_resources(self):
        lb = self.create_lb()
        tg = self.create_tg()
        listener = self.create_listener(lb["LoadBalancerArn"], e.forward(tg["TargetGroupArn"]))
        arns = [lb["LoadBalancerArn"], tg["TargetGroupArn"], listener["ListenerArn"]]
        self.assertEqual(self.tags_of(*arns), {arn: {} for arn in arns})
        self.elb.add_tags(ResourceArns=arns, Tags=[{"Key": "project", "Value": "stratus"},
                                                   {"Key": "owner", "Value": "qa"}])
        self.assertEqual(self.tags_of(*arns), {arn: {"project": "stratus", "owner": "qa"} for arn in arns})
        # adding an existing key replaces its value
        self.elb.add_tags(ResourceArns=[lb["LoadBalancerArn"]], Tags=[{"Key": "owner", "Value": "ops"}])
        self.assertEqual(self.tags_of(lb["LoadBalancerArn"]),
                         {lb["LoadBalancerArn"]: {"project": "stratus", "owner": "ops"}})
        self.elb.remove_tags(ResourceArns=arns[:2], TagKeys=["owner", "absent"])
        self.assertEqual(self.tags_of(*arns), {arns[0]: {"project": "stratus"}, arns[1]: {"project": "stratus"},
                                               arns[2]: {"project": "stratus", "owner": "qa"}})

    def test_missing_resources(self):
        lb = self.create_lb()
        tag = [{"Key": "k", "Value": "v"}]
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.describe_tags(ResourceArns=[MISSING_LB_ARN])
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.add_tags(ResourceArns=[MISSING_LB_ARN], Tags=tag)
        with self.assertAwsError(e.TARGET_GROUP_NOT_FOUND):
            self.elb.add_tags(ResourceArns=[MISSING_TG_ARN], Tags=tag)
        with self.assertAwsError(e.LISTENER_NOT_FOUND):
            self.elb.describe_tags(ResourceArns=[missing_listener_arn(lb["LoadBalancerArn"])])
        with self.assertAwsError(e.LOAD_BALANCER_NOT_FOUND):
            self.elb.remove_tags(ResourceArns=[MISSING_LB_ARN], TagKeys=["k"])

    def test_limits(self):
        arn = self.create_lb()["LoadBalancerArn"]
        with self.assertAwsError(e.DUPLICATE_TAG_KEYS):
            self.elb.add_tags(ResourceArns=[arn], Tags=[{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}])
        self.elb.add_tags(ResourceArns=[arn], Tags=[{"Key": "k%d" % i, "Value": "v"} for i in range(50)])
        with self.assertAwsError("TooManyTags"):
            self.elb.add_tags(ResourceArns=[arn], Tags=[{"Key": "one-more", "Value": "v"}])
        self.assertEqual(len(self.tags_of(arn)[arn]), 50)


# -- AWS CLI v2 ----------------------------------------------------------------------------

@unittest.skipUnless(harness.aws_cli_installed(), "AWS CLI not installed at %s" % harness.AWS_CLI)
class AwsCliTest(harness.AwsCliMixin, ElbApiTestCase):
    cli_service = "elbv2"

    def test_cli_round_trip(self):
        tg_name = e.unique("clitg")
        vpc_args = ["--vpc-id", self.network()["vpc_id"]] if self.network()["vpc_id"] else []
        tg = self.aws("create-target-group", "--name", tg_name, "--protocol", "HTTP", "--port", "8080",
                      "--health-check-path", "/health", "--health-check-interval-seconds", "5",
                      "--health-check-timeout-seconds", "2",
                      "--healthy-threshold-count", "2", *vpc_args)["TargetGroups"][0]
        self.assertRegex(tg["TargetGroupArn"], e.tg_arn_re(tg_name))
        self.assertEqual(tg["HealthCheckPath"], "/health")
        self.assertEqual(tg["HealthCheckIntervalSeconds"], 5)
        self.assertEqual(tg["Matcher"], {"HttpCode": "200"})

        lb_name = e.unique("clilb")
        subnet_args = ["--subnets"] + self.network()["subnets"] if self.network()["subnets"] else []
        lb = self.aws("create-load-balancer", "--name", lb_name, *subnet_args)["LoadBalancers"][0]
        self.assertRegex(lb["LoadBalancerArn"], e.lb_arn_re(lb_name))
        self.assertEqual(lb["Type"], "application")
        self.assertIn(lb["State"]["Code"], ("provisioning", "active"))
        # the SDK sees what the CLI created
        self.assertEqual(self.describe_lb(lb["LoadBalancerArn"])["LoadBalancerName"], lb_name)

        self.aws("register-targets", "--target-group-arn", tg["TargetGroupArn"],
                 "--targets", "Id=i-0000000000000000a,Port=18080", "Id=i-0000000000000000b,Port=18081")
        health = self.aws("describe-target-health", "--target-group-arn", tg["TargetGroupArn"])
        descriptions = health["TargetHealthDescriptions"]
        self.assertEqual(sorted((d["Target"]["Id"], d["Target"]["Port"]) for d in descriptions),
                         [("i-0000000000000000a", 18080), ("i-0000000000000000b", 18081)])
        for d in descriptions:
            self.assertEqual(d["TargetHealth"]["State"], "unused")
            self.assertEqual(d["TargetHealth"]["Reason"], "Target.NotInUse")

        port = e.free_port()
        listener = self.aws("create-listener", "--load-balancer-arn", lb["LoadBalancerArn"],
                            "--protocol", "HTTP", "--port", str(port), "--default-actions",
                            "Type=forward,TargetGroupArn=%s" % tg["TargetGroupArn"])["Listeners"][0]
        self.assertEqual(listener["Port"], port)
        health = self.aws("describe-target-health", "--target-group-arn", tg["TargetGroupArn"],
                          "--targets", "Id=i-0000000000000000a,Port=18080")
        [d] = health["TargetHealthDescriptions"]
        self.assertIn(d["TargetHealth"]["State"], ("initial", "unhealthy"), d)

        self.aws("delete-load-balancer", "--load-balancer-arn", lb["LoadBalancerArn"])
        self.aws("delete-target-group", "--target-group-arn", tg["TargetGroupArn"])

    def test_cli_error(self):
        proc = self.aws("describe-load-balancers", "--names", e.unique("missing"), check=False)
        self.assertEqual(proc.returncode, 254, proc.stderr)
        self.assertIn("LoadBalancerNotFound", proc.stderr)


if __name__ == "__main__":
    unittest.main()
